/**
 * Everything a store holds, as raw text: keys and values as the backend keeps them (the
 * memory store's maps, the SQLite file's bytes, every Redis key and value). For proving that
 * something is gone from a store, not just unreachable through feelers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createClient } from '@keyv/redis';
import type { Store } from '../../src/ports/store.js';

/** The memory store's maps, read from outside: test-only introspection of the real class. */
export async function rawMemory(store: Store): Promise<string> {
  const inner = store as unknown as {
    docs: { iterator?: () => AsyncIterable<[string, unknown]> };
    leases: Map<string, unknown>;
    counters: Map<string, unknown>;
    sets: Map<string, Set<string>>;
  };
  const docs: unknown[] = [];
  if (inner.docs.iterator) for await (const entry of inner.docs.iterator()) docs.push(entry);
  const sets = [...inner.sets].map(([k, v]) => [k, [...v]]);
  return JSON.stringify([docs, [...inner.leases], [...inner.counters], sets]);
}

/** The SQLite file and its write-ahead log, as bytes (latin1 keeps every byte one character). */
export function rawSqliteFile(path: string): string {
  return ['', '-wal'].map((suffix) => (existsSync(path + suffix) ? readFileSync(path + suffix).toString('latin1') : '')).join('');
}

/** Every key in a Redis database and its value, whatever its type. */
export async function rawRedis(url: string): Promise<string> {
  const client = createClient({ url });
  await client.connect();
  try {
    const out: string[] = [];
    for (const key of await client.keys('*')) {
      const type = await client.type(key);
      const value =
        type === 'string'
          ? await client.get(key)
          : type === 'set'
            ? await client.sMembers(key)
            : type === 'hash'
              ? await client.hGetAll(key)
              : type === 'list'
                ? await client.lRange(key, 0, -1)
                : await client.zRange(key, 0, -1);
      out.push(key, JSON.stringify(value));
    }
    return out.join('\n');
  } finally {
    await client.quit();
  }
}
