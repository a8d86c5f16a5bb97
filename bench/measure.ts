/**
 * What the benchmarks share besides their set-up (which is test/support's, the same the tests
 * use): figures, and one result-line format that scripts/bench.mjs reads back for its summary
 * table.
 */
import { request, type Agent } from 'node:http';
import { join } from 'node:path';
import { slackSignature } from '../test/fakes/slack/signed-driver.js';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const hi = s[mid] ?? NaN;
  return s.length % 2 === 1 ? hi : ((s[mid - 1] ?? NaN) + hi) / 2;
}

export function int(n: number): string {
  return Math.round(n).toLocaleString('en');
}

/** CPU milliseconds (user + system) this process spent since `from` (a process.cpuUsage()). */
export function cpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

/** Seconds since `start` (a performance.now() reading). */
export function since(start: number): number {
  return (performance.now() - start) / 1000;
}

/**
 * One figure with its target. The line reads well on its own and scripts/bench.mjs parses it:
 * `RESULT | <what> | <figure> | <target> | PASS|MISS|INFO`.
 * `pass` undefined marks a figure printed for information only.
 */
export function result(what: string, figure: string, target: string, pass?: boolean): void {
  const verdict = pass === undefined ? 'INFO' : pass ? 'PASS' : 'MISS';
  console.log(`RESULT | ${what} | ${figure} | ${target} | ${verdict}`);
}

/** A verification the figure depends on; a failed check is a failed benchmark. */
export function check(what: string, ok: boolean, detail: string): void {
  console.log(`RESULT | check: ${what} | ${detail} | must hold | ${ok ? 'PASS' : 'FAIL'}`);
  if (!ok) process.exitCode = 1;
}

/**
 * Runs `fn`; with FEELERS_BENCH_PROF=<dir> set, records a CPU profile of just that stretch
 * (setup excluded) to `<dir>/<name>.cpuprofile`, to open in Chrome DevTools or summarise.
 */
export async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.FEELERS_BENCH_PROF;
  if (!dir) return fn();
  const { Session } = await import('node:inspector/promises');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

/** What one signed event request came back with: its status (0 when it failed) and latency. */
export interface Answered {
  readonly status: number;
  readonly ms: number;
}

/**
 * POSTs a Slack-signed JSON body over a keep-alive agent, as Slack's servers would, and
 * times the answer. Never rejects: a failed request comes back with status 0.
 */
export function postSigned(agent: Agent, target: URL, payload: string, secret: string): Promise<Answered> {
  const tsSec = Math.floor(Date.now() / 1000);
  const started = performance.now();
  return new Promise<Answered>((resolve) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          'x-slack-request-timestamp': String(tsSec),
          'x-slack-signature': slackSignature(secret, tsSec, payload),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(payload);
  });
}
