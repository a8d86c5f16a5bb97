import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sleep, until as waitUntil } from './wait.js';

export { deliveryKey, shownText as shown, threadReply } from './slack.js';
export { sleep };
export { flushDb, openInspector, withDb } from './redis-server.js';

/**
 * Several real feelers processes (`node --import tsx src/main.ts`) on one Redis, each with its
 * own port and spool, talking to a fake Slack that runs in the test process, with a load
 * balancer in front that fails over the way nginx's `proxy_next_upstream` and Slack's own
 * retries do. Everything listens on, and connects to, 127.0.0.1.
 */

export const ROOT = resolve(import.meta.dirname, '../..');
export const SIGNING_SECRET = 'multi-signing-secret';

export interface InstanceInfo {
  readonly index: number;
  readonly port: number;
  readonly spool: string;
  /** Current child process; undefined while killed. */
  child: ChildProcess | undefined;
  /** The last 64 KiB of what the process wrote, for failure messages. */
  output: string;
  /** Every pid this slot has run as (restarts add one), to match cron lock owners. */
  readonly pids: number[];
}

export interface ClusterOptions {
  readonly size: number;
  /** `redis://127.0.0.1:PORT/DB`, shared by every instance. */
  readonly storeUrl: string;
  /** The fake Slack's Web API base (`fake.apiUrl`) and its bot token. */
  readonly slackApiUrl: string;
  readonly slackBotToken: string;
  /** The YAML configuration every instance reads. */
  readonly yaml: string;
  readonly logLevel?: string | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Node arguments that start one instance; default `--import tsx src/main.ts` from the repo root. */
  readonly entry?: readonly string[] | undefined;
}

/** Pipes hold at most this much per instance, so a chatty process can't grow the test's memory. */
const OUTPUT_KEEP = 64 * 1024;
const live = new Set<ChildProcess>();

// A test runner that dies (or a test that throws before its afterAll) must not leave feelers
// processes holding ports and Redis connections: kill every process group we started.
process.once('exit', () => {
  for (const c of live) killGroup(c, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // detached: true made the child a process-group leader; -pid reaches anything it spawned too.
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

export class Cluster {
  readonly instances: InstanceInfo[] = [];
  private constructor(
    private readonly o: ClusterOptions,
    readonly dir: string,
    private readonly configPath: string,
  ) {}

  static async start(o: ClusterOptions): Promise<Cluster> {
    const dir = mkdtempSync(join(tmpdir(), 'feelers-multi-'));
    const configPath = join(dir, 'feelers.yaml');
    writeFileSync(configPath, o.yaml);
    const cluster = new Cluster(o, dir, configPath);
    try {
      for (let i = 0; i < o.size; i++) {
        cluster.instances.push({
          index: i,
          port: await freePort(),
          spool: join(dir, `spool-${i}.sqlite`),
          child: undefined,
          output: '',
          pids: [],
        });
      }
      // Started one after the other: on two shared cores, parallel tsx start-ups only slow each other.
      for (let i = 0; i < o.size; i++) await cluster.startOne(i);
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  base(i: number): string {
    return `http://127.0.0.1:${this.at(i).port}`;
  }

  get bases(): string[] {
    return this.instances.map((x) => this.base(x.index));
  }

  pid(i: number): number | undefined {
    return this.at(i).child?.pid;
  }

  /** Starts instance `i` (again) on its port and waits for /healthz 200. */
  async startOne(i: number, timeoutMs = 60_000): Promise<void> {
    const inst = this.at(i);
    if (inst.child) throw new Error(`instance ${i} is already running`);
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/tmp',
      CI: '1',
      PORT: String(inst.port),
      FEELERS_STORE: this.o.storeUrl,
      FEELERS_SPOOL: inst.spool,
      FEELERS_CONFIG: this.configPath,
      LOG_LEVEL: this.o.logLevel ?? 'warn',
      SLACK_BOT_TOKEN: this.o.slackBotToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: this.o.slackApiUrl,
      ...this.o.env,
    };
    const child = spawn(process.execPath, [...(this.o.entry ?? ['--import', 'tsx', 'src/app/main.ts'])], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    child.once('exit', () => live.delete(child));
    const keep = (d: Buffer): void => {
      inst.output = (inst.output + d.toString()).slice(-OUTPUT_KEEP);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    inst.child = child;
    if (child.pid !== undefined) inst.pids.push(child.pid);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        inst.child = undefined;
        throw new Error(`instance ${i} exited during start (${child.exitCode ?? child.signalCode}):\n${inst.output}`);
      }
      const h = await this.health(i).catch(() => undefined);
      if (h?.status === 200) return;
      if (Date.now() > deadline) throw new Error(`instance ${i} not healthy within ${timeoutMs} ms:\n${inst.output}`);
      await sleep(100);
    }
  }

  /** Kills instance `i`'s process group and waits until it is gone. */
  async kill(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const inst = this.at(i);
    const child = inst.child;
    inst.child = undefined;
    if (!child) return;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    killGroup(child, signal);
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 15_000);
    await gone;
    clearTimeout(timer);
  }

  /**
   * Freezes (SIGSTOP) or thaws (SIGCONT) instance `i`'s process group: a frozen instance holds
   * its connections but runs nothing, so the others must take every shared tick meanwhile.
   */
  freeze(i: number, frozen: boolean): void {
    const child = this.at(i).child;
    if (child) killGroup(child, frozen ? 'SIGSTOP' : 'SIGCONT');
  }

  async restart(i: number): Promise<void> {
    await this.kill(i);
    await this.startOne(i);
  }

  async health(i: number): Promise<{ status: number; body: string }> {
    const res = await fetch(`${this.base(i)}/healthz`, { signal: AbortSignal.timeout(3_000) });
    return { status: res.status, body: await res.text() };
  }

  async livez(i: number): Promise<number> {
    const res = await fetch(`${this.base(i)}/livez`, { signal: AbortSignal.timeout(3_000) });
    await res.text();
    return res.status;
  }

  /** Peak resident set of instance `i` in kB (VmHWM), or undefined when it is not running. */
  peakRssKb(i: number): number | undefined {
    const pid = this.pid(i);
    return pid === undefined ? undefined : statusKb(pid, 'VmHWM');
  }

  rssKb(i: number): number | undefined {
    const pid = this.pid(i);
    return pid === undefined ? undefined : statusKb(pid, 'VmRSS');
  }

  /** Everything the instances printed, for a failure message. */
  logs(): string {
    return this.instances.map((x) => `--- instance ${x.index} (port ${x.port}) ---\n${x.output}`).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(this.instances.map((x) => this.kill(x.index)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private at(i: number): InstanceInfo {
    const inst = this.instances[i];
    if (!inst) throw new Error(`no instance ${i}`);
    return inst;
  }
}

export function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

// ---- the load balancer ----------------------------------------------------------------------

export interface Forwarded {
  readonly status: number;
  readonly body: string;
  /** Which instance answered, and how many were tried before it. */
  readonly instance: number;
  readonly failovers: number;
}

export interface LbStats {
  requests: number;
  /** Requests resent to another instance after a connection error or a 5xx. */
  failovers: number;
  /** Requests no instance answered. */
  gaveUp: number;
  /** Answers per instance. */
  answeredBy: number[];
}

/**
 * Sends one signed request to an instance and, like nginx's `proxy_next_upstream error
 * http_502 http_503 http_504` (and like Slack itself, which retries an event it got no 2xx
 * for), resends the same bytes, with the same signature and event id, to the next instance on a
 * connection error or any answer but a 2xx, adding X-Slack-Retry-Num as Slack's retry does. The signature
 * covers only the timestamp and body, so a resent request still verifies.
 */
export async function forwardWithFailover(
  bases: readonly string[],
  first: number,
  path: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  opts: { giveUpMs?: number; pauseMs?: number } = {},
): Promise<Forwarded> {
  // Slack retries a failed event for about an hour; the test's claims last seconds, so a
  // retry loop of some seconds plays the same part: an event held by a killed instance is
  // taken over once its claim runs out.
  const deadline = Date.now() + (opts.giveUpMs ?? 45_000);
  let failovers = 0;
  let last = 'no instance';
  for (let attempt = 0; attempt === 0 || Date.now() < deadline; attempt++) {
    const i = (first + attempt) % bases.length;
    // After a full round of refusals, give a restarting instance (or a claim) a moment.
    if (attempt > 0 && attempt % bases.length === 0) await sleep(opts.pauseMs ?? 500);
    const h: Record<string, string> = { ...headers };
    if (attempt > 0) {
      h['x-slack-retry-num'] = String(Math.min(attempt, 3));
      h['x-slack-retry-reason'] = 'http_error';
    }
    try {
      const res = await fetch(`${bases[i]}${path}`, { method: 'POST', headers: h, body, signal: AbortSignal.timeout(10_000) });
      const text = await res.text();
      // Slack's rule: anything but a 2xx within 3 seconds is a failure it retries (with
      // X-Slack-Retry-Num), a 4xx included: Bolt answers 404 when an ack came too late.
      if (res.status >= 200 && res.status < 300) return { status: res.status, body: text, instance: i, failovers };
      last = `instance ${i} answered ${res.status}${text ? ` ${text.slice(0, 200)}` : ''}`;
    } catch (err) {
      last = `instance ${i}: ${err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : String(err)}`;
    }
    failovers++;
  }
  return { status: 502, body: `no upstream answered: ${last}`, instance: -1, failovers };
}

/**
 * The load balancer as an HTTP front on 127.0.0.1, so the unchanged signed driver
 * (test/fakes/slack) can point at it. Round robin; `pin` sends the next requests to one instance.
 */
export class LoadBalancer {
  readonly stats: LbStats;
  /** When set, requests start at this instance instead of the round robin's next. */
  pin: number | undefined;
  private next = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly bases: () => readonly string[],
  ) {
    this.stats = { requests: 0, failovers: 0, gaveUp: 0, answeredBy: bases().map(() => 0) };
  }

  static async start(bases: () => readonly string[]): Promise<LoadBalancer> {
    let lb: LoadBalancer | undefined;
    const server = createServer((req, res) => {
      if (!lb) return void res.writeHead(503).end();
      void lb.proxy(req).then(
        (f) => res.writeHead(f.status, { 'content-type': 'application/json' }).end(f.body),
        (err: unknown) => res.writeHead(502).end(String(err)),
      );
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    lb = new LoadBalancer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, bases);
    return lb;
  }

  private async proxy(req: IncomingMessage): Promise<Forwarded> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'x-slack-request-timestamp', 'x-slack-signature', 'x-slack-retry-num', 'x-slack-retry-reason']) {
      const v = req.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    const bases = this.bases();
    const first = this.pin ?? this.next++ % bases.length;
    this.stats.requests++;
    const f = await forwardWithFailover(bases, first, req.url ?? '/slack/events', Buffer.concat(chunks).toString('utf8'), headers);
    this.stats.failovers += f.failovers;
    if (f.instance < 0) this.stats.gaveUp++;
    else this.stats.answeredBy[f.instance] = (this.stats.answeredBy[f.instance] ?? 0) + 1;
    return f;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

// ---- small helpers --------------------------------------------------------------------------

/** Waits for a condition the processes make true, checking every 50 ms (each check may cost a request). */
export function until(cond: () => boolean | Promise<boolean>, what: string | (() => string), ms = 20_000): Promise<void> {
  return waitUntil(cond, what, ms, 50);
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolvePort(port));
    });
  });
}
