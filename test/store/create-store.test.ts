import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../support/manual-clock.js';
import { FeelersError } from '../../src/ports/errors.js';
import type { Store } from '../../src/ports/store.js';
import { createStore, sqlitePath } from '../../src/store/create-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { startTestRedis } from '../support/redis-server.js';
import type { TestRedis } from '../support/redis-server.js';

const root = mkdtempSync(join(tmpdir(), 'feelers-create-store-'));
let redis: TestRedis | undefined;

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await redis?.stop();
});

async function failure(url: string): Promise<FeelersError> {
  let store: Store | undefined;
  try {
    store = await createStore(url);
  } catch (err) {
    if (err instanceof FeelersError) return err;
    throw err;
  }
  await store.close();
  throw new Error(`createStore(${url}) did not fail`);
}

describe('createStore', () => {
  it('makes a memory store from memory://', async () => {
    const store = await createStore('memory://');
    expect(store).toBeInstanceOf(MemoryStore);
    expect(store.kind).toBe('memory');
    await store.close();
  });

  it('passes the clock on, so expiry follows it', async () => {
    const clock = new ManualClock();
    for (const url of ['memory://', `sqlite://${join(root, 'clock', 'db.sqlite')}`]) {
      const store = await createStore(url, { clock });
      await store.set('k', 'v', 1_000);
      clock.advance(1_000);
      expect(await store.get('k')).toBeUndefined();
      await store.close();
    }
  });

  it('makes a SQLite store from an absolute sqlite:/// path, creating its folders', async () => {
    const file = join(root, 'deep', 'er', 'feelers.sqlite');
    const store = await createStore(`sqlite://${file}`);
    expect(store).toBeInstanceOf(SqliteStore);
    expect(store.kind).toBe('sqlite');
    await store.set('k', 1);
    await store.close();
    expect(existsSync(file)).toBe(true);
  });

  it('reads relative sqlite paths from the working folder', () => {
    expect(sqlitePath('sqlite://./data/feelers.sqlite')).toBe(resolve(process.cwd(), 'data/feelers.sqlite'));
    expect(sqlitePath('sqlite://data/x.sqlite')).toBe(resolve(process.cwd(), 'data/x.sqlite'));
    expect(sqlitePath('sqlite:///var/lib/feelers/db.sqlite')).toBe('/var/lib/feelers/db.sqlite');
    expect(sqlitePath(' sqlite://./a.sqlite ')).toBe(resolve(process.cwd(), 'a.sqlite'));
  });

  it('accepts an upper-case scheme', async () => {
    const store = await createStore('MEMORY://');
    expect(store.kind).toBe('memory');
    await store.close();
  });

  it.each(['redis://', 'rediss://', 'postgres://x', 'mongodb://x', 'memory://extra', 'feelers.sqlite', '', 'sqlite:/x'])(
    'refuses %j, naming FEELERS_STORE, the value and what to write instead',
    async (url) => {
      const err = await failure(url);
      expect(err.code).toBe('store_url_unsupported');
      expect(err.message).toContain('FEELERS_STORE');
      expect(err.message).toContain(JSON.stringify(url));
      expect(err.message).toContain('sqlite://./data/feelers.sqlite');
      expect(err.message).toContain('memory://');
    },
  );

  it('names a URL with credentials without its password', async () => {
    const err = await failure('postgres://feelers:hunter2@db.internal:5432/x');
    expect(err.message).toContain('db.internal:5432');
    expect(err.message).not.toContain('hunter2');
  });

  it('asks for a host when given a redis URL without one', async () => {
    expect((await failure('redis://')).message).toMatch(/needs a host/);
  });

  it('makes a Redis store from redis://, passing the clock and the prefix on', async () => {
    redis = await startTestRedis();
    const clock = new ManualClock();
    const prefix = `create-store-${process.pid}-${Date.now()}:`;
    const store = await createStore(redis.url, { clock, prefix });
    try {
      expect(store).toBeInstanceOf(RedisStore);
      expect(store.kind).toBe('redis');
      await store.set('k', 'v', 1_000);
      expect(await store.get('k')).toBe('v');
      clock.advance(1_000);
      expect(await store.get('k')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('refuses a sqlite URL without a file', async () => {
    for (const url of ['sqlite://', 'sqlite://./data/']) {
      const err = await failure(url);
      expect(err.code).toBe('store_url_unsupported');
      expect(err.message).toContain('names no file');
    }
  });

  it('explains a folder that cannot be created', async () => {
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const err = await failure(`sqlite://${join(blocker, 'sub', 'feelers.sqlite')}`);
    expect(err.code).toBe('store_path_unusable');
    expect(err.message).toContain(join(blocker, 'sub'));
    expect(err.message).toContain('FEELERS_STORE');
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('explains a file that is not a SQLite database', async () => {
    const notDb = join(root, 'notes.txt');
    writeFileSync(notDb, 'these are my notes, not a database '.repeat(200));
    const err = await failure(`sqlite://${notDb}`);
    expect(err.code).toBe('store_open_failed');
    expect(err.message).toContain(notDb);
  });

  it('explains a path that is a folder, not a file', async () => {
    const folder = join(root, 'a-folder');
    const err = await failure(`sqlite://${folder}/`);
    expect(err.code).toBe('store_url_unsupported');
    const err2 = await failure(`sqlite://${root}`);
    expect(err2.code).toBe('store_open_failed');
    expect(err2.message).toContain(root);
  });
});
