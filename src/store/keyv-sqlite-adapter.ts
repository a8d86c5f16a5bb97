import { EventEmitter } from 'node:events';
import type { Database, Statement } from 'better-sqlite3';
import type { KeyvStoreAdapter, StoredData } from 'keyv';
import type { Clock } from '../ports/clock.js';
import { expiryFrom } from './expiry.js';

/**
 * keyv's store interface over a `kv` table on a better-sqlite3 connection the caller owns.
 * We write our own instead of @keyv/sqlite, which would bring a second driver (sqlite3) and a
 * second connection to the same file.
 *
 * keyv hands us already-serialized text and, when asked, the ttl in ms. The expiry is computed
 * from the injected clock and kept in its own column, so reads can ignore expired rows in SQL and
 * a sweep can delete them by index instead of parsing every value.
 *
 * Keys are matched with `=` only, never LIKE, so `_` and `%` in keys are plain characters.
 */
export class KeyvSqliteAdapter extends EventEmitter implements KeyvStoreAdapter {
  opts: { dialect: 'sqlite'; url: string };
  namespace?: string | undefined;

  private readonly stmt: {
    get: Statement<[string, number], string>;
    set: Statement<[string, string, number | null]>;
    delete: Statement<[string], number | null>;
    has: Statement<[string, number], number>;
    getMany: Statement<[string, number], { key: string; value: string }>;
    deleteMany: Statement<[string]>;
    clear: Statement<[]>;
    sweep: Statement<[number, number]>;
  };

  constructor(
    db: Database,
    private readonly clock: Clock,
  ) {
    super();
    this.opts = { dialect: 'sqlite', url: db.name };
    db.exec(`
      CREATE TABLE IF NOT EXISTS kv (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        expires_at INTEGER
      ) WITHOUT ROWID, STRICT;
      CREATE INDEX IF NOT EXISTS kv_expires ON kv (expires_at) WHERE expires_at IS NOT NULL;
    `);
    const live = '(expires_at IS NULL OR expires_at > ?)';
    this.stmt = {
      get: db.prepare<[string, number], string>(`SELECT value FROM kv WHERE key = ? AND ${live}`).pluck(),
      set: db.prepare<[string, string, number | null]>(
        `INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
      ),
      delete: db.prepare<[string], number | null>('DELETE FROM kv WHERE key = ? RETURNING expires_at').pluck(),
      has: db.prepare<[string, number], number>(`SELECT 1 FROM kv WHERE key = ? AND ${live}`).pluck(),
      getMany: db.prepare<[string, number], { key: string; value: string }>(
        `SELECT key, value FROM kv WHERE key IN (SELECT value FROM json_each(?)) AND ${live}`,
      ),
      deleteMany: db.prepare<[string]>('DELETE FROM kv WHERE key IN (SELECT value FROM json_each(?))'),
      clear: db.prepare<[]>('DELETE FROM kv'),
      sweep: db.prepare<[number, number]>('DELETE FROM kv WHERE key IN (SELECT key FROM kv WHERE expires_at <= ? LIMIT ?)'),
    };
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    // The serialized text goes back to keyv, which runs the deserializer on it.
    return this.stmt.get.get(key, this.clock.now()) as StoredData<Value> | undefined;
  }

  async set(key: string, value: unknown, ttl?: number): Promise<boolean> {
    if (typeof value !== 'string') throw new TypeError('KeyvSqliteAdapter stores serialized text only');
    this.stmt.set.run(key, value, expiryFrom(this.clock.now(), ttl));
    return true;
  }

  /** True only if a live value was there: an expired row that was not swept yet does not count. */
  async delete(key: string): Promise<boolean> {
    const expiresAt = this.stmt.delete.all(key)[0];
    if (expiresAt === undefined) return false;
    return expiresAt === null || expiresAt > this.clock.now();
  }

  async has(key: string): Promise<boolean> {
    return this.stmt.has.get(key, this.clock.now()) !== undefined;
  }

  async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    const found = new Map<string, string>();
    for (const row of this.stmt.getMany.all(JSON.stringify(keys), this.clock.now())) {
      found.set(row.key, row.value);
    }
    return keys.map((k) => found.get(k) as StoredData<Value | undefined>);
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    return this.stmt.deleteMany.run(JSON.stringify(keys)).changes > 0;
  }

  async clear(): Promise<void> {
    this.stmt.clear.run();
  }

  /**
   * The same writes as `set` and `delete`, done at once on the connection, for a batch inside a
   * transaction the SqliteStore runs: `text` is already serialized, `ttl` as keyv gives it.
   */
  writeNow(key: string, text: string, ttl: number | undefined): void {
    this.stmt.set.run(key, text, expiryFrom(this.clock.now(), ttl));
  }

  deleteNow(key: string): void {
    this.stmt.delete.run(key);
  }

  /** Deletes up to `limit` expired rows; returns how many went. */
  sweepExpired(now: number, limit = 5_000): number {
    return this.stmt.sweep.run(now, limit).changes;
  }

  /** The connection belongs to the SqliteStore, which closes it. */
  async disconnect(): Promise<void> {}
}
