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
   * Ordered indexes: members with a numeric score, kept in (score, member) order. What a page
   * of a long list needs and an unordered set cannot give (the console's asks, newest first).
   * A member is in an index once; adding it again moves it to the new score. Ties are broken by
   * the member, compared as bytes (UTF-8), as Redis does. Indexes have no TTL.
   */
  sortedAdd(index: string, member: string, score: number): Promise<void>;
  /** Adds `by` to the member's score (a missing member starts at 0) and returns the new score. */
  sortedIncr(index: string, member: string, by: number): Promise<number>;
  sortedRemove(index: string, ...members: string[]): Promise<void>;
  /**
   * Members by rank: from the lowest score up, or from the highest down with `reverse`,
   * skipping `offset` and returning at most `limit` (all when undefined).
   */
  sortedRange(index: string, opts?: SortedRangeOptions): Promise<SortedEntry[]>;
  /** How many members have a score in [min, max] (both inclusive; open where undefined). */
  sortedCount(index: string, bounds?: { readonly min?: number | undefined; readonly max?: number | undefined }): Promise<number>;

  /**
   * Applies `writes` in order, all or none: one SQLite transaction, one Redis MULTI/EXEC, one
   * synchronous step in memory. Other callers see none of them until all are applied, and a
   * process that dies part-way leaves none behind (SQLite rolls the open transaction back;
   * Redis drops a MULTI whose EXEC never came). A value that cannot be stored (a NaN ttl, a
   * value JSON cannot encode) fails the whole batch before anything is written. Each write
   * means what the single call of the same name means. For the many small writes one stage
   * makes at once (an ask's copies and their outbox entries; a sent delivery's marks): each
   * separate write is a commit of its own, and the first sends would wait behind them.
   */
  batch(writes: readonly StoreWrite[]): Promise<void>;

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

/** One write of a `batch`: the same as the call of the same name. */
export type StoreWrite =
  | { readonly op: 'set'; readonly key: string; readonly value: unknown; readonly ttlMs?: number | undefined }
  | { readonly op: 'delete'; readonly key: string }
  | { readonly op: 'setAdd'; readonly set: string; readonly members: readonly string[] }
  | { readonly op: 'setRemove'; readonly set: string; readonly members: readonly string[] }
  | { readonly op: 'sortedAdd'; readonly index: string; readonly member: string; readonly score: number }
  | { readonly op: 'sortedRemove'; readonly index: string; readonly members: readonly string[] };

export interface SortedRangeOptions {
  readonly offset?: number | undefined;
  readonly limit?: number | undefined;
  /** Highest score first (ties: the greater member first). */
  readonly reverse?: boolean | undefined;
}

export interface SortedEntry {
  readonly member: string;
  readonly score: number;
}
