import { isAbsolute, resolve } from 'node:path';
import type { Clock } from '../ports/clock.js';
import { FeelersError } from '../ports/errors.js';
import type { Store } from '../ports/store.js';
import type { Logger } from '../ports/logger.js';
import { MemoryStore } from './memory-store.js';
import { RedisStore, redactUrl } from './redis-store.js';
import { SqliteStore } from './sqlite-store.js';

export interface CreateStoreOptions {
  clock?: Clock;
  /** Where a shared store (Redis) reports a lost and regained connection. */
  logger?: Logger;
  /** Key prefix for shared stores (Redis); default `feelers:`. */
  prefix?: string;
}

const SQLITE = 'sqlite://';
const MEMORY = 'memory://';
const REDIS = 'redis://';
const REDISS = 'rediss://';
const FIX =
  'Write FEELERS_STORE=sqlite://./data/feelers.sqlite (a file, kept across restarts), ' +
  'FEELERS_STORE=redis://host:6379 (shared by several instances; rediss:// for TLS) or FEELERS_STORE=memory:// (nothing kept).';

/**
 * The store named by FEELERS_STORE:
 * - `memory://`: in this process only.
 * - `sqlite://<path>`: a file; `sqlite://./data/feelers.sqlite` is relative to the working
 *   folder, `sqlite:///var/lib/feelers/db.sqlite` is absolute. The folder is created if missing.
 * - `redis://[user:password@]host:port[/db]` or `rediss://...` (TLS): a Redis every instance
 *   shares; fails at once if Redis does not answer.
 */
export async function createStore(url: string, opts: CreateStoreOptions = {}): Promise<Store> {
  const value = url.trim();
  const scheme = value.slice(0, value.indexOf('://') + 3).toLowerCase();
  if (scheme === MEMORY && value.length === MEMORY.length) return new MemoryStore(opts.clock);
  if (scheme === SQLITE) return new SqliteStore(sqlitePath(value), opts.clock ? { clock: opts.clock } : {});
  if ((scheme === REDIS || scheme === REDISS) && value.length > scheme.length) {
    return RedisStore.open(value, {
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.logger ? { logger: opts.logger } : {}),
      ...(opts.prefix !== undefined ? { prefix: opts.prefix } : {}),
    });
  }
  throw new FeelersError('store_url_unsupported', `FEELERS_STORE=${shown(url)} is not a store feelers can use${redisHint(scheme)}. ${FIX}`);
}

/** The file path inside a `sqlite://` URL, resolved from the working folder. */
export function sqlitePath(url: string): string {
  const rest = url.trim().slice(SQLITE.length);
  if (rest === '' || rest.endsWith('/')) {
    throw new FeelersError('store_url_unsupported', `FEELERS_STORE=${shown(url)} names no file after sqlite://. ${FIX}`);
  }
  if (rest === ':memory:') return rest;
  return isAbsolute(rest) ? rest : resolve(process.cwd(), rest);
}

/** The URL as written, quoted, but never its password: the message is printed at start, often into a log. */
function shown(url: string): string {
  return JSON.stringify(url.includes('@') ? redactUrl(url) : url);
}

function redisHint(scheme: string): string {
  return scheme === REDIS || scheme === REDISS ? ' (a Redis URL needs a host, e.g. redis://localhost:6379)' : '';
}
