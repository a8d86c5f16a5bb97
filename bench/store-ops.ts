/**
 * Store throughput for the reply-ingest mix: per reply 1 acquire (event dedupe), 3 gets,
 * 3 sets and 3 setAdds. Targets: >= 3,000 replies/s on SQLite, >= 20,000 on memory.
 * Redis runs too when FEELERS_BENCH_REDIS=1, FEELERS_BENCH_REDIS_URL is set, or redis-server is
 * installed (a throwaway one is started); each op there is a network round trip, so it is also
 * run with 50 replies in flight, as several event handlers would be.
 * Run: npx tsx bench/store-ops.ts [replies]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../src/ports/store.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { RedisStore } from '../src/store/redis-store.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { REDIS_SERVER_BIN, startTestRedis } from '../test/support/redis-server.js';

const OPS_PER_REPLY = 10;
const replies = Number(process.argv[2] ?? 20_000);

const ask = (i: number) => ({
  id: `ask-${i}`,
  text: 'Who knows a good way to run SQLite behind a bot that many communities share?',
  topics: ['sqlite', 'bots'],
  asker: { network: 'slack', community: 'T1', user: 'U123' },
  status: 'open',
  replyCount: i,
});

async function ingest(store: Store, i: number): Promise<void> {
  const askKey = `ask:${i % 200}`;
  const copyKey = `copy:${i % 2_000}`;
  if (!(await store.acquire(`dedupe:slack:T1:C1:${i}`, `event-${i}`, 86_400_000))) return;
  const a = (await store.get<ReturnType<typeof ask>>(askKey)) ?? ask(i);
  await store.get(copyKey);
  await store.get(`person:U${i % 500}`);
  await store.set(`reply:${i}`, { id: `reply-${i}`, ask: askKey, copy: copyKey, text: 'Try WAL mode.', at: i });
  await store.set(askKey, { ...a, replyCount: a.replyCount + 1 });
  await store.set(copyKey, { id: copyKey, lastReplyAt: i });
  await store.setAdd(`${askKey}:replies`, `reply:${i}`);
  await store.setAdd(`${askKey}:undigested`, `reply:${i}`);
  await store.setAdd(`topic:sqlite:repliers`, `U${i % 500}`);
}

async function run(name: string, store: Store, inFlight = 1): Promise<void> {
  for (let i = 0; i < Math.min(2_000, replies); i++) await ingest(store, -i - 1); // warm-up
  const start = process.hrtime.bigint();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < replies) await ingest(store, next++);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const perSecond = replies / seconds;
  console.log(
    `${name.padEnd(7)} ${Math.round(perSecond).toLocaleString('en').padStart(9)} replies/s` +
      `  ${Math.round(perSecond * OPS_PER_REPLY)
        .toLocaleString('en')
        .padStart(10)} ops/s` +
      `  (${replies.toLocaleString('en')} replies in ${seconds.toFixed(2)} s)`,
  );
  await store.close();
}

const dir = mkdtempSync(join(tmpdir(), 'feelers-bench-'));
try {
  await run('memory', new MemoryStore());
  await run('sqlite', new SqliteStore(join(dir, 'bench.sqlite')));
  await runRedis();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function runRedis(): Promise<void> {
  const given = process.env['FEELERS_BENCH_REDIS_URL'];
  const wanted = process.env['FEELERS_BENCH_REDIS'] === '1' || given !== undefined || existsSync(REDIS_SERVER_BIN);
  if (!wanted) {
    console.log('redis   skipped (no redis-server; set FEELERS_BENCH_REDIS_URL or install redis-server)');
    return;
  }
  const server = given === undefined ? await startTestRedis() : undefined;
  const url = given ?? server?.url ?? '';
  const prefix = `bench:${process.pid}:${Date.now()}`;
  try {
    await run('redis', await RedisStore.open(url, { prefix: `${prefix}:1:` }));
    await run('redis50', await RedisStore.open(url, { prefix: `${prefix}:50:` }), 50);
  } finally {
    await server?.stop();
  }
}
