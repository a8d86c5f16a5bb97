/**
 * Start to ready: how long one compiled instance (with the flags `npm start` uses) takes from
 * its process starting to `/healthz` answering 200, on an existing SQLite store of 100,000 asks
 * (99,000 of them finished, 1,000 open, each with three copies and their thread bindings, and
 * 20 deliveries waiting in the outbox), against the same instance on an empty store, in this
 * one process run, three times each, alternating. Target: under 1 s with the asks. Slack is
 * configured against the loopback fake (its auth.test is the only network call: no wait).
 *
 * The store is written through the repository (`Repo.batch`, 1,000 asks a batch), not by
 * fanning asks out: what matters here is what the engine finds and reads when it starts.
 *
 * Run: npx tsx bench/start-time.ts [asks] [runs]
 * START_TIME_BUILD=<folder>: start the build of another checkout (e.g. an older commit, for a
 * before/after) on the same data; the data is always written by this tree.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stableId } from '../src/core/ids.js';
import type { Ask, Copy } from '../src/core/model.js';
import { Repo } from '../src/core/repo.js';
import { DAY_MS } from '../src/ports/clock.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { FakeSlack } from '../test/fakes/slack/fake-web-api.js';
import { freePort, ROOT } from '../test/support/cluster.js';
import { sleep } from '../test/support/wait.js';
import { check, int, median, result, since } from './measure.js';

const ASKS = Number(process.argv[2] ?? 100_000);
const RUNS = Number(process.argv[3] ?? 3);
const OPEN = Math.min(1_000, ASKS);
const PENDING = 20;
const TARGET_S = 1;
const SECRET = 'start-time-secret';

/** Compiled into a temp folder, as npm start runs it (see bench/rss.ts). */
function compile(): { entry: string[]; dispose: () => void } {
  const root = process.env.START_TIME_BUILD ?? ROOT;
  const out = mkdtempSync(join(tmpdir(), 'feelers-start-build-'));
  spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', out, '--sourceMap', 'false'],
    { cwd: root, stdio: 'ignore' },
  );
  const main = join(out, 'src', 'app', 'main.js');
  if (!existsSync(main)) throw new Error('tsc emitted no src/app/main.js');
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
  const { flags } = JSON.parse(readFileSync(join(ROOT, 'scripts', 'node-flags.json'), 'utf8')) as { flags: string[] };
  return { entry: [...flags, main], dispose: () => rmSync(out, { recursive: true, force: true }) };
}

function askAt(i: number, now: number): Ask {
  const open = i >= ASKS - OPEN;
  const createdAt = open ? now - (ASKS - i) * 60_000 : now - 200 * DAY_MS + i * 60_000;
  const community = `T${i % 40}`;
  return {
    id: `start-ask-${String(i).padStart(7, '0')}`,
    text: `Question ${i}: who has moved a team from yearly reviews to continuous feedback? #feedback`,
    topics: ['feedback'],
    asker: { network: 'slack', community, user: `U${i % 5_000}`, name: `Asker ${i % 5_000}`, communityName: `Team ${community}` },
    origin: { network: 'slack', community, channel: 'CASK' },
    createdAt,
    expiresAt: createdAt + 14 * DAY_MS,
    state: open ? 'open' : i % 3 === 0 ? 'closed' : 'expired',
    ...(open ? {} : { closedAt: createdAt + 3 * DAY_MS }),
  };
}

/** ASKS asks with their copies and thread bindings, OPEN of them open, PENDING deliveries owed. */
async function fill(file: string): Promise<void> {
  const store = new SqliteStore(file);
  const repo = new Repo(store);
  const now = Date.now();
  const t0 = performance.now();
  try {
    for (let from = 0; from < ASKS; from += 1_000) {
      const b = repo.batch();
      for (let i = from; i < Math.min(ASKS, from + 1_000); i++) {
        const ask = askAt(i, now);
        await b.repo.openAsk({ ...ask, state: 'open' });
        for (let k = 0; k < 3; k++) {
          const channel = `CG${k}`;
          const copy: Copy = {
            id: stableId('copy', ask.id, String(k)),
            askId: ask.id,
            kind: 'ground',
            place: { network: 'slack', community: `G${k}`, channel },
            communityName: `Guild ${k}`,
            deliveryId: stableId('delivery', ask.id, String(k)),
            ref: { network: 'slack', community: `G${k}`, channel, id: `${i}.${k}`, thread: `${i}.${k}` },
          };
          await b.repo.addCopy(copy);
          if (copy.ref) await b.repo.bindThread({ ...copy.ref, thread: copy.ref.id }, { askId: ask.id, copyId: copy.id });
        }
        if (ask.state !== 'open') {
          await b.repo.saveAsk(ask);
          await b.repo.unlistAsk(ask.id);
          await b.repo.asks.refile(ask);
          await b.repo.retention.listFinished(ask.id, ask.closedAt ?? ask.createdAt);
        }
      }
      await b.commit();
    }
    for (let i = 0; i < PENDING; i++) {
      const d = {
        id: `start-pending-${i}`,
        target: { kind: 'post' as const, place: { network: 'slack', community: 'T1', channel: `CP${i}` } },
        purpose: { kind: 'notify' as const, askId: askAt(ASKS - 1, now).id },
        state: 'pending' as const,
        attempts: 0,
        notBefore: now + DAY_MS,
        createdAt: now,
      };
      await repo.deliveries.enqueue(d, { summary: 'waiting', blocks: [{ type: 'text', text: 'waiting' }] });
    }
    console.log(`  ${int(ASKS)} asks (${int(OPEN)} open) written in ${since(t0).toFixed(1)} s`);
  } finally {
    await store.close();
  }
  console.log(`  file: ${(statSync(file).size / 1024 / 1024).toFixed(0)} MB`);
}

/** Spawns the instance on `file` and times its process start to /healthz 200; then stops it. */
async function startToReady(entry: string[], file: string, fake: FakeSlack, dir: string): Promise<number> {
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    PORT: String(port),
    FEELERS_STORE: `sqlite://${file}`,
    FEELERS_CONFIG: join(dir, 'none.yaml'),
    LOG_LEVEL: 'warn',
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
  };
  const t0 = performance.now();
  const child = spawn(process.execPath, entry, { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the instance exited: ${err}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`)
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) return since(t0);
      if (since(t0) > 60) throw new Error(`not ready within 60 s: ${err}`);
      await sleep(5);
    }
  } finally {
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'feelers-start-'));
const { entry, dispose } = compile();
const fake = await FakeSlack.start({ team: { id: 'T1', name: 'TrainingZone' } });
try {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'none.yaml'), '{}\n');
  const full = join(dir, 'full.sqlite');
  const empty = join(dir, 'empty.sqlite');
  console.log(`start to ready: ${int(ASKS)} asks vs an empty store, ${RUNS} runs each, alternating`);
  await fill(full);
  await new SqliteStore(empty).close();
  const withAsks: number[] = [];
  const without: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    without.push(await startToReady(entry, empty, fake, dir));
    withAsks.push(await startToReady(entry, full, fake, dir));
    console.log(`  run ${i + 1}: empty ${without.at(-1)?.toFixed(3)} s, ${int(ASKS)} asks ${withAsks.at(-1)?.toFixed(3)} s`);
  }
  const m = median(withAsks);
  const base = median(without);
  result('start to ready (/healthz 200), empty SQLite store (baseline, median)', `${base.toFixed(3)} s`, 'info');
  result(
    `start to ready (/healthz 200), ${int(ASKS)}-ask SQLite store (median of ${RUNS})`,
    `${m.toFixed(3)} s (${withAsks.map((s) => s.toFixed(3)).join(', ')})`,
    `< ${TARGET_S} s`,
    m < TARGET_S,
  );
  result(`start to ready: ${int(ASKS)} asks / empty store`, (m / base).toFixed(3), 'info');
  const open = await (async () => {
    const s = new SqliteStore(full);
    try {
      return await s.setSize('open-asks');
    } finally {
      await s.close();
    }
  })();
  check('start-time: the store holds the open asks it was given', open === OPEN, `${int(open)} open`);
} finally {
  await fake.close();
  dispose();
  rmSync(dir, { recursive: true, force: true });
}
