/**
 * Memory of feelers on Redis, two ways.
 *
 * 1. At rest on a big store: 100,000 open asks written straight into Redis with the key layout
 *    the engine uses (`feelers:doc:ask:<id>` holding `{"v":ask,"e":null}`, and the
 *    `feelers:set:open-asks` index), then one real instance (a child process) started on that
 *    data with an expiry sweep every 10 s, so it walks every ask. Figure: its largest RSS
 *    sampled over 30 s; target < 150 MB for the compiled instance (what `npm start` runs: src
 *    and adapters compiled into a temp folder); the same under tsx (`node --import tsx
 *    src/app/main.ts`, whose loader thread and transpiled sources add tens of MB) is printed for
 *    comparison, with each one's idle baseline on an empty store, and VmHWM. Ten asks are
 *    already overdue: the sweep expiring them proves it read the data.
 * 2. Under a long stream: REPLIES reply events fed straight into `engine.handle` in this process,
 *    on a Redis store, 64 in flight. RSS printed every 50,000 (after a full GC when run with
 *    --expose-gc); target: flat (the last sample within 25 MB of the one at 100,000). Also the
 *    ingest rate on Redis, sequential (as bench/replies-ingest.ts feeds) and 64 in flight.
 *
 * Run: node --expose-gc --import tsx bench/rss.ts [asks] [replies]
 * (npx tsx bench/rss.ts works too; without --expose-gc the RSS samples include garbage.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import type { Ask } from '../src/core/model.js';
import { sets } from '../src/core/keys.js';
import { createStore } from '../src/store/create-store.js';
import { FakeSlack } from '../test/fakes/slack/fake-web-api.js';
import { Cluster, flushDb, ROOT, withDb } from '../test/support/cluster.js';
import { startTestRedis } from '../test/support/redis-server.js';
import { actor, Bed, messageEvent } from '../test/support/core.js';
import { sleep } from '../test/support/wait.js';
import { check, int, result, since } from './measure.js';

const ASKS = Number(process.argv[2] ?? 100_000);
const REPLIES = Number(process.argv[3] ?? 500_000);
const OVERDUE = 10;
const TARGET_REST_MB = 150;
const FLAT_MB = 25;
const IN_FLIGHT = 64;
const DAY_MS = 86_400_000;

const redis = await startTestRedis();
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/**
 * `npm start` runs compiled JavaScript, not tsx: compile src and adapters into a temp folder
 * (with node_modules linked beside it, so packages resolve) to measure what production runs.
 */
function compile(): { entry: string[]; dispose: () => void } | undefined {
  const out = mkdtempSync(join(tmpdir(), 'feelers-rss-build-'));
  const dispose = () => rmSync(out, { recursive: true, force: true });
  // Type errors elsewhere in a tree being edited do not stop tsc from emitting.
  spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out, '--sourceMap', 'false'],
    { cwd: ROOT, stdio: 'ignore' },
  );
  const main = join(out, 'src', 'app', 'main.js');
  if (!existsSync(main)) {
    dispose();
    return undefined;
  }
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
  // With the flags npm start and the Docker image run it with.
  const { flags } = JSON.parse(readFileSync(join(ROOT, 'scripts', 'node-flags.json'), 'utf8')) as { flags: string[] };
  return { entry: [...flags, main], dispose };
}

const YAML = 'schedule: { digest: "*/2 * * * * *", outboxRetry: "*/1 * * * * *", expirySweep: "*/10 * * * * *" }\n';

/** ASKS open asks straight into Redis, OVERDUE of them past their expiry; replaces what was there. */
async function writeAsks(url: string): Promise<void> {
  await flushDb(url);
  const client = createClient({ url });
  await client.connect();
  const now = Date.now();
  const t0 = performance.now();
  try {
    for (let from = 0; from < ASKS; from += 1_000) {
      const batch = client.multi();
      const ids: string[] = [];
      for (let i = from; i < Math.min(ASKS, from + 1_000); i++) {
        const id = `restask${String(i).padStart(7, '0')}`;
        const ask: Ask = {
          id,
          text: `Question number ${i}: who has moved a team of ten from Jenkins to GitHub Actions without a freeze? #ci`,
          topics: ['ci'],
          asker: { network: 'slack', community: 'T1', user: `UA${i % 500}`, name: `Asker ${i % 500}`, communityName: 'TrainingZone' },
          origin: { network: 'slack', community: 'T1', channel: 'CASK' },
          createdAt: now,
          expiresAt: i < OVERDUE ? now - 1_000 : now + 14 * DAY_MS,
          state: 'open',
        };
        batch.set(`feelers:doc:ask:${id}`, JSON.stringify({ v: ask, e: null }));
        ids.push(id);
      }
      batch.sAdd('feelers:set:open-asks', ids);
      await batch.exec();
    }
  } finally {
    await client.close();
  }
  console.log(`wrote ${int(ASKS)} asks into Redis in ${since(t0).toFixed(1)} s`);
}

/** One instance on `url` for 30 s (three expiry sweeps over every ask), its RSS sampled each second. */
async function measure(url: string, fake: FakeSlack, how: string, entry: string[] | undefined): Promise<void> {
  await writeAsks(url);
  const cluster = await Cluster.start({
    size: 1,
    storeUrl: url,
    slackApiUrl: fake.apiUrl,
    slackBotToken: fake.botToken,
    yaml: YAML,
    entry,
  });
  const inspect = await createStore(url);
  try {
    const startKb = cluster.rssKb(0) ?? NaN;
    let maxKb = startKb;
    let open = ASKS;
    for (let s = 0; s < 30; s++) {
      await sleep(1_000);
      maxKb = Math.max(maxKb, cluster.rssKb(0) ?? 0);
      open = await inspect.setSize(sets.openAsks);
    }
    const peakKb = cluster.peakRssKb(0) ?? NaN;
    console.log(
      `one instance (${how}) on ${int(ASKS)} asks: RSS ${(startKb / 1024).toFixed(0)} MB once healthy, ${((cluster.rssKb(0) ?? NaN) / 1024).toFixed(0)} MB after 30 s`,
    );
    const compiled = entry !== undefined;
    // The target is for what production runs (npm start: compiled); under tsx it is for comparison.
    result(
      `RSS with ${int(ASKS)} asks on Redis, ${how} (max over 30 s of sweeps)`,
      `${(maxKb / 1024).toFixed(0)} MB`,
      compiled ? `< ${TARGET_REST_MB} MB` : 'info',
      compiled ? maxKb / 1024 < TARGET_REST_MB : undefined,
    );
    // VmHWM also counts the start-up peak (under tsx, when every source file is transpiled).
    result(`peak RSS (VmHWM), ${how}`, `${(peakKb / 1024).toFixed(0)} MB`, 'info', undefined);
    check(
      `rss: the expiry sweep walked the stored asks (${how})`,
      open === ASKS - OVERDUE,
      `open asks ${int(open)} (expected ${int(ASKS - OVERDUE)} after expiring ${OVERDUE})`,
    );
  } finally {
    await inspect.close();
    await cluster.stop();
  }
}

async function atRest(): Promise<void> {
  const fake = await FakeSlack.start({ team: { id: 'T1', name: 'TrainingZone' } });
  const url = withDb(redis.url, 14);
  const built = compile();
  try {
    // The same instance on an empty store first: what the process costs before any data.
    const emptyUrl = withDb(redis.url, 15);
    await flushDb(emptyUrl);
    for (const [how, entry] of [
      ['under tsx', undefined],
      ['compiled', built?.entry],
    ] as const) {
      if (how === 'compiled' && !entry) continue;
      const idle = await Cluster.start({
        size: 1,
        storeUrl: emptyUrl,
        slackApiUrl: fake.apiUrl,
        slackBotToken: fake.botToken,
        yaml: YAML,
        entry: entry ? [...entry] : undefined,
      });
      await sleep(10_000);
      const idleKb = idle.rssKb(0) ?? NaN;
      await idle.stop();
      result(`RSS of one idle instance, empty store, ${how} (baseline)`, `${(idleKb / 1024).toFixed(0)} MB`, 'info', undefined);
    }
    await measure(url, fake, 'under tsx', undefined);
    if (built) await measure(url, fake, 'compiled', built.entry);
    else check('rss: compiled build', false, 'tsc emitted no src/app/main.js');
  } finally {
    built?.dispose();
    await fake.close();
  }
}

async function longStream(): Promise<void> {
  const url = withDb(redis.url, 15);
  await flushDb(url);
  const askPlace = { network: 'south', community: 'G1', channel: 'C-ask' };
  const bed = await Bed.open({
    store: { url },
    channels: [
      { ...askPlace, ground: false },
      { network: 'south', community: 'G1', channel: 'C-ground', ground: true },
    ],
  });
  const { engine, store } = bed;
  try {
    const asker = actor({ network: 'south', community: 'G1', user: 'U-asker' }, 'Asker');
    await bed.ask(asker, askPlace, 'Who has run a mentoring scheme across two companies?');
    await bed.drain();
    const [askId] = await bed.openAsks();
    const [thread] = askId ? await bed.copyThreads(askId) : [];
    if (!askId || !thread) throw new Error('the copy was not delivered');
    const event = (i: number) =>
      messageEvent(
        `rss:reply:${i}`,
        actor({ network: 'south', community: 'G1', user: `U${i % 1_000}` }, `Person ${i % 1_000}`),
        thread,
        `Answer number ${i}, with a sentence or two of substance.`,
      );
    const gc = (globalThis as { gc?: () => void }).gc;
    const sample = (): number => {
      gc?.();
      return process.memoryUsage().rss;
    };
    console.log(
      `\n${int(REPLIES)} reply events into engine.handle on Redis${gc ? ' (RSS after a full GC)' : ' (no --expose-gc: RSS includes garbage)'}`,
    );

    const seqN = Math.min(10_000, REPLIES);
    let t0 = performance.now();
    for (let i = 0; i < seqN; i++) await engine.handle(event(i));
    const seqRate = seqN / since(t0);

    const samples: { at: number; rss: number }[] = [];
    let next = seqN;
    t0 = performance.now();
    const worker = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= REPLIES) return;
        await engine.handle(event(i));
      }
    };
    let mark = 50_000;
    const sampler = (async () => {
      while (next < REPLIES) {
        if (next >= mark) {
          const rss = sample();
          samples.push({ at: mark, rss });
          console.log(`  ${int(mark)} events: RSS ${mb(rss)}`);
          mark += 50_000;
        }
        await sleep(100);
      }
    })();
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await sampler;
    const parRate = (REPLIES - seqN) / since(t0);
    const last = sample();
    samples.push({ at: REPLIES, rss: last });
    console.log(`  ${int(REPLIES)} events: RSS ${mb(last)}`);

    const stored = await store.setSize(sets.replies(askId));
    const base = samples.find((s) => s.at >= 100_000) ?? samples[0];
    const growth = base ? last - base.rss : NaN;
    result('replies ingested/s (redis, one at a time)', `${int(seqRate)}/s`, 'info', undefined);
    result(`replies ingested/s (redis, ${IN_FLIGHT} in flight)`, `${int(parRate)}/s`, 'info', undefined);
    result(
      `RSS growth over ${int(REPLIES)} replies (from ${int(base?.at ?? 0)})`,
      mb(growth),
      `< ${FLAT_MB} MB (flat)`,
      growth / 1024 / 1024 < FLAT_MB,
    );
    check('rss: replies stored = replies sent', stored === REPLIES, `stored ${int(stored)} / sent ${int(REPLIES)}`);
  } finally {
    await bed.close();
  }
}

try {
  await atRest();
  await longStream();
} finally {
  await flushDb(withDb(redis.url, 14)).catch(() => undefined);
  await flushDb(withDb(redis.url, 15)).catch(() => undefined);
  await redis.stop();
}
