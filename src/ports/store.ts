/**
 * The store port. Documents live in keyv (sqlite, memory, later redis); keyv has no
 * set-if-absent, compare-and-set, transaction or scan, so each backend adds the few atomic
 * operations the engine needs, done with the backend's own primitives.
 *
 * Keys are plain strings chosen by the engine; values are JSON-serialisable.
 */
export interface Store {
  /** Backend name for health and logs: 'memory', 'sqlite', 'redis'. */
  readonly kind: string;

  get<T>(key: string): Promise<T | undefined>;
  /** `ttlMs` makes the value disappear after that long. */
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<boolean>;

  /**
   * Take `key` for `owner` for `ttlMs` if nobody holds it, or the holder's time ran out.
   * Exactly one of any number of concurrent callers wins. Re-acquiring a key you hold extends it.
   * Used for: claims on events being handled, outbox claims, tick locks, connection leases.
   */
  acquire(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Give `key` up if `owner` still holds it. */
  release(key: string, owner: string): Promise<void>;

  /** Add 1 (or `by`) to a counter and return the new value; the counter expires after `ttlMs`. */
  incr(key: string, ttlMs: number, by?: number): Promise<number>;

  /** Unordered sets of strings, atomic per member: the engine's indexes. */
  setAdd(set: string, ...members: string[]): Promise<void>;
  setRemove(set: string, ...members: string[]): Promise<void>;
  setMembers(set: string): Promise<string[]>;
  setHas(set: string, member: string): Promise<boolean>;
  setSize(set: string): Promise<number>;

  /**
   * Optional: make what was deleted unrecoverable from the backend's own files too, after a
   * forget-me (SQLite: truncate the write-ahead log; Redis: rewrite the append-only file).
   * Best effort and asynchronous on the backend's side; never blocks writes for long.
   */
  compact?(): Promise<void>;

  /** Answers when the backend answers; throws otherwise. For /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
