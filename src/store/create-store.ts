import { isAbsolute, resolve } from 'node:path';
import type { Clock } from '../core/clock.js';
import { FeelersError } from '../core/errors.js';
import type { Store } from '../ports/store.js';
import { MemoryStore } from './memory-store.js';
import { SqliteStore } from './sqlite-store.js';

export interface CreateStoreOptions {
  clock?: Clock;
}

const SQLITE = 'sqlite://';
const MEMORY = 'memory://';
const FIX = 'Write FEELERS_STORE=sqlite://./data/feelers.sqlite (a file, kept across restarts) or FEELERS_STORE=memory:// (nothing kept).';

/**
 * The store named by FEELERS_STORE:
 * - `memory://`: in this process only.
 * - `sqlite://<path>`: a file; `sqlite://./data/feelers.sqlite` is relative to the working
 *   folder, `sqlite:///var/lib/feelers/db.sqlite` is absolute. The folder is created if missing.
 */
export async function createStore(url: string, opts: CreateStoreOptions = {}): Promise<Store> {
  const value = url.trim();
  const scheme = value.slice(0, value.indexOf('://') + 3).toLowerCase();
  if (scheme === MEMORY && value.length === MEMORY.length) return new MemoryStore(opts.clock);
  if (scheme === SQLITE) return new SqliteStore(sqlitePath(value), opts.clock ? { clock: opts.clock } : {});
  throw new FeelersError(
    'store_url_unsupported',
    `FEELERS_STORE=${JSON.stringify(url)} is not a store feelers can use${redisHint(scheme)}. ${FIX}`,
  );
}

/** The file path inside a `sqlite://` URL, resolved from the working folder. */
export function sqlitePath(url: string): string {
  const rest = url.trim().slice(SQLITE.length);
  if (rest === '' || rest.endsWith('/')) {
    throw new FeelersError(
      'store_url_unsupported',
      `FEELERS_STORE=${JSON.stringify(url)} names no file after sqlite://. ${FIX}`,
    );
  }
  if (rest === ':memory:') return rest;
  return isAbsolute(rest) ? rest : resolve(process.cwd(), rest);
}

function redisHint(scheme: string): string {
  return scheme === 'redis://' || scheme === 'rediss://' ? ' (Redis is not supported in this version yet)' : '';
}
