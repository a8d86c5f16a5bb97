/**
 * The store as someone who got hold of it would see it: the SQLite file's bytes (and its WAL),
 * every Redis value through a plain client, the memory store's own maps. Tests of secrets at
 * rest search this text for what must not be there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createClient } from '@keyv/redis';
import type { Store } from '../../src/ports/store.js';

/** Everything the store at `url` holds, as one text (bytes read as latin1, so ASCII secrets show as they are). */
export async function rawStoreText(url: string, store?: Store): Promise<string> {
  if (url.startsWith('sqlite://')) return sqliteBytes(url.slice('sqlite://'.length));
  if (url.startsWith('redis://')) return redisValues(url);
  if (url.startsWith('memory://') && store) return memoryMaps(store);
  throw new Error(`rawStoreText: no raw view of ${url}`);
}

function sqliteBytes(path: string): string {
  return ['', '-wal', '-shm', '-journal']
    .map((suffix) => path + suffix)
    .filter((p) => existsSync(p))
    .map((p) => readFileSync(p).toString('latin1'))
    .join('\n');
}

async function redisValues(url: string): Promise<string> {
  const client = createClient({ url });
  await client.connect();
  try {
    const out: string[] = [];
    for (const key of await client.keys('*')) {
      const type = await client.type(key);
      if (type === 'string') out.push(key, (await client.get(key)) ?? '');
      else if (type === 'set') out.push(key, ...(await client.sMembers(key)));
      else if (type === 'hash') out.push(key, JSON.stringify(await client.hGetAll(key)));
      else if (type === 'zset') out.push(key, ...(await client.zRange(key, 0, -1)));
      else if (type === 'list') out.push(key, ...(await client.lRange(key, 0, -1)));
      else out.push(key, `(${type})`);
    }
    return out.join('\n');
  } finally {
    await client.close();
  }
}

/** The memory store's private maps (documents as the JSON text it keeps, sets, ordered indexes, counters, leases). */
function memoryMaps(store: Store): string {
  const fields = store as unknown as Record<string, unknown>;
  const maps = [fields['docs'], fields['sets'], fields['sorted'], fields['counters'], fields['leases']];
  if (!maps.every((m) => m instanceof Map)) throw new Error('rawStoreText: the memory store no longer keeps its data in Maps');
  return maps.map((m) => JSON.stringify([...(m as Map<unknown, unknown>)], (_k, v: unknown) => (v instanceof Set ? [...v] : v))).join('\n');
}
