import { createClient } from '@keyv/redis';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../support/manual-clock.js';
import { FeelersError } from '../../src/ports/errors.js';
import type { Logger } from '../../src/ports/logger.js';
import { RedisStore, redactUrl } from '../../src/store/redis-store.js';
import { spawnTestRedis, startTestRedis } from '../support/redis-server.js';
import type { OwnedRedis, TestRedis } from '../support/redis-server.js';
import { runBatchCrashContract, runStoreContract } from '../support/contracts/store-contract.js';

const DAY_MS = 86_400_000;
// One server for the file; each test gets its own prefix so tests never see each other's keys.
let shared: Promise<TestRedis> | undefined;
const server = (): Promise<TestRedis> => (shared ??= startTestRedis());
const run = `${process.pid}-${Date.now()}`;
let n = 0;
const freshPrefix = (): string => `test:${run}:${++n}:`;

afterAll(async () => {
  await (await shared)?.stop();
});

runStoreContract('redis', async (clock) => RedisStore.open((await server()).url, { clock, prefix: freshPrefix() }));
runBatchCrashContract('redis', async () => ({ url: (await server()).url, prefix: freshPrefix() }));

describe('RedisStore on a shared server', () => {
  let clock: ManualClock;
  let prefix: string;
  let url: string;
  const open: RedisStore[] = [];
  const openStore = async (p = prefix): Promise<RedisStore> => {
    const s = await RedisStore.open(url, { clock, prefix: p });
    open.push(s);
    return s;
  };

  beforeEach(async () => {
    clock = new ManualClock();
    prefix = freshPrefix();
    url = (await server()).url;
  });

  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  it('gives a key to exactly one of 50 callers racing through two connections', async () => {
    const stores = [await openStore(), await openStore()] as const;
    const won = await Promise.all(Array.from({ length: 50 }, (_, i) => turn(stores, i).acquire('lock', `owner-${i}`, 60_000)));
    expect(won.filter((w) => w === true)).toHaveLength(1);
  });

  it('counts increments and keeps set members from two connections together', async () => {
    const stores = [await openStore(), await openStore()] as const;
    const seen = await Promise.all(Array.from({ length: 100 }, (_, i) => turn(stores, i).incr('c', 60_000)));
    expect(seen.map(Number).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    await Promise.all(Array.from({ length: 100 }, (_, i) => turn(stores, i).setAdd('idx', `m${i}`, 'common')));
    expect(await stores[0]?.setSize('idx')).toBe(101);
  });

  it('keeps everything for a new connection with the same prefix', async () => {
    const first = await openStore();
    await first.set('doc', { nested: ['x', { y: 1 }] });
    await first.set('ttl', 'short', 1_000);
    await first.acquire('lease', 'a', 60_000);
    await first.incr('count', 60_000, 7);
    await first.setAdd('set', 'm1', 'm2');
    await first.close();

    const again = await openStore();
    expect(await again.get('doc')).toEqual({ nested: ['x', { y: 1 }] });
    expect(await again.get('ttl')).toBe('short');
    expect(await again.acquire('lease', 'b', 60_000)).toBe(false);
    expect(await again.incr('count', 60_000)).toBe(8);
    expect((await again.setMembers('set')).sort()).toEqual(['m1', 'm2']);
    clock.advance(1_000);
    expect(await again.get('ttl')).toBeUndefined();
  });

  it('keeps two prefixes apart', async () => {
    const a = await openStore();
    const b = await openStore(freshPrefix());
    await a.set('doc', 'a');
    await a.setAdd('set', 'a');
    expect(await a.acquire('lease', 'a', 60_000)).toBe(true);
    expect(await b.get('doc')).toBeUndefined();
    expect(await b.setSize('set')).toBe(0);
    expect(await b.acquire('lease', 'b', 60_000)).toBe(true);
  });

  it('writes every key under the prefix once, with a real expiry a day past the clock ttl', async () => {
    const s = await openStore();
    await s.set('ttl', 'x', 60_000);
    await s.set('forever', 'y');
    await s.acquire('lease', 'a', 60_000);
    await s.incr('count', 60_000);
    await s.setAdd('set', 'm');
    await s.sortedAdd('index', 'm', 1);
    const raw = createClient({ url });
    raw.on('error', () => {});
    await raw.connect();
    try {
      // @keyv/redis would add its own `keyv::` namespace on top if it were not turned off.
      expect((await raw.keys(`${prefix}*`)).sort()).toEqual(
        ['count:count', 'doc:forever', 'doc:ttl', 'lease:lease', 'set:set', 'zset:index'].map((k) => prefix + k),
      );
      expect(await raw.keys(`*keyv*${prefix}*`)).toEqual([]);
      for (const key of ['doc:ttl', 'lease:lease', 'count:count']) {
        const pttl = await raw.pTTL(prefix + key);
        expect(pttl).toBeGreaterThan(DAY_MS);
        expect(pttl).toBeLessThanOrEqual(DAY_MS + 60_000);
      }
      expect(await raw.pTTL(`${prefix}doc:forever`)).toBe(-1);
      expect(await raw.pTTL(`${prefix}set:set`)).toBe(-1);
      expect(await raw.pTTL(`${prefix}zset:index`)).toBe(-1);
    } finally {
      raw.destroy();
    }
  });

  it('rejects a NaN ttl with store_bad_ttl and writes nothing', async () => {
    const s = await openStore();
    await expect(s.set('k', 1, Number.NaN)).rejects.toMatchObject({ code: 'store_bad_ttl' });
    await expect(s.acquire('k', 'a', Number.NaN)).rejects.toMatchObject({ code: 'store_bad_ttl' });
    await expect(s.incr('k', Number.NaN)).rejects.toMatchObject({ code: 'store_bad_ttl' });
    expect(await s.get('k')).toBeUndefined();
    expect(await s.acquire('k', 'b', 1_000)).toBe(true);
  });

  it('keeps fractional counter steps', async () => {
    const s = await openStore();
    expect(await s.incr('f', 1_000, 0.5)).toBe(0.5);
    expect(await s.incr('f', 1_000, 2)).toBe(2.5);
  });
});

describe('RedisStore when Redis is unreachable or restarts', () => {
  let owned: OwnedRedis | undefined;
  const problems: unknown[] = [];
  const record = (err: unknown): void => {
    problems.push(err);
  };

  beforeEach(() => {
    problems.length = 0;
    process.on('unhandledRejection', record);
    process.on('uncaughtException', record);
  });

  afterEach(async () => {
    process.off('unhandledRejection', record);
    process.off('uncaughtException', record);
    await owned?.dispose();
    owned = undefined;
  });

  it('refuses to open with store_open_failed, naming the server without its password', async () => {
    const down = await spawnTestRedis();
    const url = `redis://feelers:s3cret@127.0.0.1:${down.port}`;
    await down.dispose();
    const err = await RedisStore.open(url, { connectTimeoutMs: 300 }).then(
      () => new Error('open did not fail'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FeelersError);
    expect((err as FeelersError).code).toBe('store_open_failed');
    expect((err as FeelersError).message).toContain(`127.0.0.1:${down.port}`);
    expect((err as FeelersError).message).not.toContain('s3cret');
    expect(redactUrl(url)).toBe(`redis://feelers:***@127.0.0.1:${down.port}`);
    expect(problems).toEqual([]);
  });

  it('rejects calls while Redis is down, without crashing, and recovers by itself with the data', async () => {
    owned = await spawnTestRedis({ persistent: true });
    const clock = new ManualClock();
    const warnings: string[] = [];
    const logger = recordingLogger(warnings);
    const store = await RedisStore.open(owned.url, { clock, prefix: freshPrefix(), logger });
    try {
      await store.set('doc', { kept: true });
      await store.setAdd('open-asks', 'ask-1', 'ask-2');
      expect(await store.acquire('claim:copy-1', 'instance-a', 60_000)).toBe(true);
      expect(await store.incr('asks:day', DAY_MS)).toBe(1);

      await owned.stop();
      await vi.waitFor(() => expect(warnings).toContain('lost the Redis connection; reconnecting'), { timeout: 5_000 });
      await expect(store.ping()).rejects.toMatchObject({ code: 'store_unavailable' });
      await expect(store.ping()).rejects.toThrow(/Redis at redis:\/\/127\.0\.0\.1:\d+\/? failed ping/);
      await expect(store.get('doc')).rejects.toMatchObject({ code: 'store_unavailable' });
      await expect(store.set('doc', 'lost')).rejects.toMatchObject({ code: 'store_unavailable' });
      await expect(store.acquire('claim:copy-2', 'instance-a', 60_000)).rejects.toMatchObject({ code: 'store_unavailable' });
      await expect(store.incr('asks:day', DAY_MS)).rejects.toMatchObject({ code: 'store_unavailable' });
      await expect(store.setMembers('open-asks')).rejects.toMatchObject({ code: 'store_unavailable' });

      await owned.start();
      await vi.waitFor(() => store.ping(), { timeout: 10_000, interval: 100 });
      expect(await store.get('doc')).toEqual({ kept: true });
      expect((await store.setMembers('open-asks')).sort()).toEqual(['ask-1', 'ask-2']);
      // The restarted server has no cached scripts: these take the NOSCRIPT path.
      expect(await store.acquire('claim:copy-1', 'instance-b', 60_000)).toBe(false);
      expect(await store.acquire('claim:copy-1', 'instance-a', 60_000)).toBe(true);
      expect(await store.incr('asks:day', DAY_MS)).toBe(2);
      expect(warnings).toContain('reconnected to Redis');
    } finally {
      await store.close();
    }
    expect(problems).toEqual([]);
  });

  it('closes cleanly while Redis is down, and refuses calls after', async () => {
    owned = await spawnTestRedis();
    const store = await RedisStore.open(owned.url, { prefix: freshPrefix() });
    await owned.stop();
    await expect(store.ping()).rejects.toThrow();
    await store.close();
    await expect(store.get('k')).rejects.toMatchObject({ code: 'store_closed' });
    expect(problems).toEqual([]);
  });
});

function recordingLogger(messages: string[]): Logger {
  const logger: Logger = {
    debug: () => {},
    info: (_obj, msg) => void messages.push(msg ?? ''),
    warn: (_obj, msg) => void messages.push(msg ?? ''),
    error: (_obj, msg) => void messages.push(msg ?? ''),
    child: () => logger,
  };
  return logger;
}

/** The i-th caller's connection: the two take turns. */
function turn<T>(pair: readonly [T, T], i: number): T {
  return i % 2 === 0 ? pair[0] : pair[1];
}
