/**
 * The playground's start to first page: what a newcomer waits for after `npm start`. The
 * compiled entry (`dist/src/app/main.js`, what `npm start` runs) is spawned with
 * FEELERS_PLAYGROUND=1 on a fresh store file in a temp folder, and the clock runs until GET /
 * answers 200 with the page (the world seeded, people's topics and contacts set through the
 * engine, the schedule running). Several runs; median, min and max. Target: median < 2 s.
 *
 * Printed beside it, measured the same way in the same run: the restart (the same file again:
 * the world restored from the store), and the baseline, the same start with no playground
 * (FEELERS_PLAYGROUND=0, a SQLite store) until GET /livez answers.
 *
 * Run: npx tsx bench/playground-start.ts [runs]   (builds dist/ first when it is missing or stale)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, median, result } from './measure.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = join(ROOT, 'dist', 'src', 'app', 'main.js');
/** The flags `npm start` runs with (scripts/node-flags.json), so this times what a newcomer gets. */
const { flags: NODE_FLAGS } = JSON.parse(readFileSync(join(ROOT, 'scripts', 'node-flags.json'), 'utf8')) as { flags: string[] };
const RUNS = Number(process.argv[2] ?? 7);
const TARGET_MS = 2000;

/** Newest modification time under `dir` (what scripts/start.mjs compares with the build). */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    latest = Math.max(latest, e.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function buildIfStale(): void {
  const built = existsSync(ENTRY) ? statSync(ENTRY).mtimeMs : 0;
  if (built > Math.max(newest(join(ROOT, 'src')), newest(join(ROOT, 'adapters')))) return;
  console.log('building dist/ (tsc -p tsconfig.build.json), as npm start would...');
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (tsc.status !== 0) throw new Error('the build failed');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Spawns the compiled entry and times it until `path` answers 200 (with `expect` in the body); then stops it. */
async function timeStart(env: Record<string, string>, path: string, expect: string, cwd: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...NODE_FLAGS, ENTRY], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', CI: '1', LOG_LEVEL: 'warn', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`feelers exited with ${child.exitCode} before answering`);
      if (performance.now() - started > 30_000) throw new Error('feelers did not answer within 30 s');
      const res = await fetch(`http://127.0.0.1:${port}${path}`).catch(() => undefined);
      if (res?.status === 200 && (await res.text()).includes(expect)) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

function figures(xs: readonly number[]): string {
  return `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)}; ${xs.length} runs)`;
}

buildIfStale();
const first: number[] = [];
const again: number[] = [];
const baseline: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'feelers-bench-pg-'));
  // An empty config file: a developer's config/feelers.yaml must not change what is measured.
  const yaml = join(dir, 'empty.yaml');
  writeFileSync(yaml, '{}\n');
  try {
    const pg = { FEELERS_PLAYGROUND: '1', FEELERS_PLAYGROUND_STORE: `sqlite://${join(dir, 'pg.sqlite')}`, FEELERS_CONFIG: yaml };
    first.push(await timeStart(pg, '/', 'Acting as', dir));
    again.push(await timeStart(pg, '/', 'Acting as', dir));
    const plain = { FEELERS_PLAYGROUND: '0', FEELERS_STORE: `sqlite://${join(dir, 'feelers.sqlite')}`, FEELERS_CONFIG: yaml };
    baseline.push(await timeStart(plain, '/livez', 'ok', dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `run ${i + 1}: playground ${first.at(-1)?.toFixed(0)} ms, restart ${again.at(-1)?.toFixed(0)} ms, no playground ${baseline.at(-1)?.toFixed(0)} ms`,
  );
}

check(
  'every start answered',
  [...first, ...again, ...baseline].every(Number.isFinite),
  `${first.length + again.length + baseline.length} starts`,
);
result('playground start to first page, fresh store', figures(first), `median < ${TARGET_MS} ms`, median(first) < TARGET_MS);
result('playground restart to first page (world restored)', figures(again), `median < ${TARGET_MS} ms`, median(again) < TARGET_MS);
result('baseline: start with no playground to /livez', figures(baseline), '-');
