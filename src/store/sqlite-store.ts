import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database, Statement, Transaction } from 'better-sqlite3';
import { Keyv } from 'keyv';
import type { Clock } from '../ports/clock.js';
import { systemClock } from '../ports/clock.js';
import { FeelersError } from '../ports/errors.js';
import type { SortedEntry, SortedRangeOptions, Store, StoreWrite } from '../ports/store.js';
import { SweepGate, deadline, deserializeValueOnly, serializeValueOnly } from './expiry.js';
import { KeyvSqliteAdapter } from './keyv-sqlite-adapter.js';
import { checkScore } from './sorted-index.js';

export interface SqliteStoreOptions {
  clock?: Clock;
  /** How long a statement waits for another connection's write lock before failing. */
  busyTimeoutMs?: number;
}

/**
 * The embedded default store: one SQLite file, one better-sqlite3 connection. Each atomic
 * operation is a single SQL statement, so it is atomic across every connection to the file
 * (other stores in this process, or another process), not just inside this one.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';

  private readonly db: Database;
  private readonly adapter: KeyvSqliteAdapter;
  private readonly docs: Keyv;
  private readonly clock: Clock;
  private readonly sweep: SweepGate;
  private readonly stmt: Statements;
  private readonly addMany: Transaction<(set: string, members: string[]) => void>;
  private readonly removeMany: Transaction<(set: string, members: string[]) => void>;
  private readonly sortedRemoveMany: Transaction<(index: string, members: string[]) => void>;
  private readonly applyBatch: Transaction<(writes: readonly StoreWrite[]) => void>;

  /** Opens (and creates, with its folder) the file at `path`; `:memory:` keeps it in RAM. */
  constructor(
    readonly path: string,
    opts: SqliteStoreOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.db = openDatabase(path, opts.busyTimeoutMs ?? 5_000);
    try {
      createTables(this.db);
      this.adapter = new KeyvSqliteAdapter(this.db, this.clock);
      this.stmt = prepareStatements(this.db);
    } catch (err) {
      this.db.close();
      throw new FeelersError('store_open_failed', `could not set up the SQLite store at ${path}`, { cause: err });
    }
    this.docs = new Keyv({
      store: this.adapter,
      serialize: serializeValueOnly,
      deserialize: deserializeValueOnly,
      useKeyPrefix: false,
      throwOnErrors: true,
    });
    this.addMany = this.db.transaction((set: string, members: string[]) => {
      for (const m of members) this.stmt.setAdd.run(set, m);
    });
    this.removeMany = this.db.transaction((set: string, members: string[]) => {
      for (const m of members) this.stmt.setRemove.run(set, m);
    });
    this.sortedRemoveMany = this.db.transaction((index: string, members: string[]) => {
      for (const m of members) this.stmt.sortedRemove.run(index, m);
    });
    // One transaction: a throw (a value that cannot be stored) or a process that dies inside it
    // leaves none of the writes; SQLite rolls an unfinished transaction back when the file is
    // next opened.
    this.applyBatch = this.db.transaction((writes: readonly StoreWrite[]) => {
      for (const w of writes) this.applyOne(w);
    });
    this.sweep = new SweepGate(this.clock);
    // Leftovers from before a restart go at once rather than a minute later.
    this.sweepExpired();
  }

  async get<T>(key: string): Promise<T | undefined> {
    return await this.docs.get<T>(key);
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    this.maybeSweep();
    await this.docs.set(key, value, ttlMs);
  }

  async delete(key: string): Promise<boolean> {
    return this.docs.delete(key);
  }

  async batch(writes: readonly StoreWrite[]): Promise<void> {
    this.maybeSweep();
    if (writes.length > 0) this.applyBatch(writes);
  }

  private applyOne(w: StoreWrite): void {
    switch (w.op) {
      case 'set':
        this.adapter.writeNow(w.key, serializeValueOnly({ value: w.value }) as string, w.ttlMs);
        return;
      case 'delete':
        this.adapter.deleteNow(w.key);
        return;
      case 'setAdd':
        for (const m of w.members) this.stmt.setAdd.run(w.set, m);
        return;
      case 'setRemove':
        for (const m of w.members) this.stmt.setRemove.run(w.set, m);
        return;
      case 'sortedAdd':
        checkScore(w.score);
        this.stmt.sortedAdd.run(w.index, w.member, w.score);
        return;
      case 'sortedRemove':
        for (const m of w.members) this.stmt.sortedRemove.run(w.index, m);
    }
  }

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    this.maybeSweep();
    const now = this.clock.now();
    return this.stmt.acquire.run(key, owner, deadline(now, ttlMs), now).changes === 1;
  }

  async release(key: string, owner: string): Promise<void> {
    this.stmt.release.run(key, owner);
  }

  async incr(key: string, ttlMs: number, by = 1): Promise<number> {
    this.maybeSweep();
    const now = this.clock.now();
    const value = this.stmt.incr.get(key, by, deadline(now, ttlMs), now, now);
    if (value === undefined) throw new FeelersError('store_incr_failed', `incr of ${key} returned no row`);
    return value;
  }

  async setAdd(set: string, ...members: string[]): Promise<void> {
    this.maybeSweep();
    const [first] = members;
    if (members.length === 1 && first !== undefined) this.stmt.setAdd.run(set, first);
    else if (members.length > 1) this.addMany(set, members);
  }

  async setRemove(set: string, ...members: string[]): Promise<void> {
    const [first] = members;
    if (members.length === 1 && first !== undefined) this.stmt.setRemove.run(set, first);
    else if (members.length > 1) this.removeMany(set, members);
  }

  async setMembers(set: string): Promise<string[]> {
    return this.stmt.setMembers.all(set);
  }

  async setHas(set: string, member: string): Promise<boolean> {
    return this.stmt.setHas.get(set, member) !== undefined;
  }

  async setSize(set: string): Promise<number> {
    return this.stmt.setSize.get(set) ?? 0;
  }

  async sortedAdd(index: string, member: string, score: number): Promise<void> {
    checkScore(score);
    this.stmt.sortedAdd.run(index, member, score);
  }

  async sortedIncr(index: string, member: string, by: number): Promise<number> {
    checkScore(by);
    const score = this.stmt.sortedIncr.get(index, member, by);
    if (score === undefined) throw new FeelersError('store_incr_failed', `sortedIncr of ${member} in ${index} returned no row`);
    return score;
  }

  async sortedRemove(index: string, ...members: string[]): Promise<void> {
    const [first] = members;
    if (members.length === 1 && first !== undefined) this.stmt.sortedRemove.run(index, first);
    else if (members.length > 1) this.sortedRemoveMany(index, members);
  }

  async sortedRange(index: string, opts: SortedRangeOptions = {}): Promise<SortedEntry[]> {
    const offset = Math.max(0, Math.floor(opts.offset ?? 0));
    // SQLite reads a negative LIMIT as "no limit".
    const limit = opts.limit === undefined ? -1 : Math.max(0, Math.floor(opts.limit));
    if (limit === 0) return [];
    const stmt = opts.reverse ? this.stmt.sortedRangeDesc : this.stmt.sortedRangeAsc;
    return stmt.all(index, limit, offset);
  }

  async sortedCount(index: string, bounds: { min?: number | undefined; max?: number | undefined } = {}): Promise<number> {
    // The largest doubles stand for open bounds: every stored score is finite (checkScore).
    const min = bounds.min ?? -Number.MAX_VALUE;
    const max = bounds.max ?? Number.MAX_VALUE;
    if (min > max) return 0;
    return this.stmt.sortedCount.get(index, min, max) ?? 0;
  }

  async ping(): Promise<void> {
    try {
      this.stmt.ping.get();
    } catch (err) {
      throw new FeelersError('store_unavailable', `the SQLite store at ${this.path} does not answer`, { cause: err });
    }
  }

  /**
   * The write-ahead log keeps the old pages of what was deleted until a checkpoint copies it
   * back; TRUNCATE empties it (secure_delete has zeroed the pages in the main file already).
   * Other connections' readers can hold it back: it then ends at the next checkpoint.
   */
  async compact(): Promise<void> {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    await this.docs.disconnect();
    this.db.close();
  }

  /** Deletes expired documents, leases and counters (a bounded batch of each). */
  sweepExpired(): void {
    const now = this.clock.now();
    this.adapter.sweepExpired(now);
    this.stmt.sweepLeases.run(now, 5_000);
    this.stmt.sweepCounters.run(now, 5_000);
  }

  private maybeSweep(): void {
    if (this.sweep.due()) this.sweepExpired();
  }
}

function openDatabase(path: string, busyTimeoutMs: number): Database {
  if (path !== ':memory:') {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (err) {
      throw new FeelersError(
        'store_path_unusable',
        `cannot create the folder ${dirname(path)} for the SQLite store ${path}: ${describe(err)}. ` +
          'Point FEELERS_STORE at a writable place, e.g. sqlite://./data/feelers.sqlite',
        { cause: err },
      );
    }
  }
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(path);
    // busy_timeout first: switching to WAL needs a lock another connection may hold.
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    // WAL lets readers run while one connection writes; NORMAL syncs at checkpoints only, which
    // in WAL mode can lose the last commits on power loss but never corrupts the file.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // A deleted or overwritten document is zeroed in the file, not left in free pages: after
    // forget-me, a person's name or contact must not be recoverable from the bytes on disk.
    db.pragma('secure_delete = ON');
    return db;
  } catch (err) {
    // A file that is not SQLite (or is a folder) only fails at the first statement.
    db?.close();
    throw new FeelersError(
      'store_open_failed',
      `cannot open the SQLite store ${path}: ${describe(err)}. ` +
        'Point FEELERS_STORE at a writable SQLite file, e.g. sqlite://./data/feelers.sqlite',
      { cause: err },
    );
  }
}

function createTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS leases (
      key TEXT PRIMARY KEY,
      owner TEXT NOT NULL,
      expires_at INTEGER NOT NULL
    ) WITHOUT ROWID, STRICT;
    CREATE INDEX IF NOT EXISTS leases_expires ON leases (expires_at);
    CREATE TABLE IF NOT EXISTS counters (
      key TEXT PRIMARY KEY,
      value INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    ) WITHOUT ROWID, STRICT;
    CREATE INDEX IF NOT EXISTS counters_expires ON counters (expires_at);
    CREATE TABLE IF NOT EXISTS set_members (
      set_key TEXT NOT NULL,
      member TEXT NOT NULL,
      PRIMARY KEY (set_key, member)
    ) WITHOUT ROWID, STRICT;
    -- Ordered indexes: one row per member, found by member (the key) or walked in score order
    -- (the second index covers every read, so a page never touches the table itself).
    CREATE TABLE IF NOT EXISTS sorted_members (
      index_key TEXT NOT NULL,
      member TEXT NOT NULL,
      score REAL NOT NULL,
      PRIMARY KEY (index_key, member)
    ) WITHOUT ROWID, STRICT;
    CREATE INDEX IF NOT EXISTS sorted_members_by_score ON sorted_members (index_key, score, member);
  `);
}

interface Statements {
  acquire: Statement<[string, string, number, number]>;
  release: Statement<[string, string]>;
  incr: Statement<[string, number, number, number, number], number>;
  setAdd: Statement<[string, string]>;
  setRemove: Statement<[string, string]>;
  setMembers: Statement<[string], string>;
  setHas: Statement<[string, string], number>;
  setSize: Statement<[string], number>;
  sortedAdd: Statement<[string, string, number]>;
  sortedIncr: Statement<[string, string, number], number>;
  sortedRemove: Statement<[string, string]>;
  sortedRangeAsc: Statement<[string, number, number], SortedEntry>;
  sortedRangeDesc: Statement<[string, number, number], SortedEntry>;
  sortedCount: Statement<[string, number, number], number>;
  sweepLeases: Statement<[number, number]>;
  sweepCounters: Statement<[number, number]>;
  ping: Statement<[], number>;
}

function prepareStatements(db: Database): Statements {
  return {
    // The upsert only overwrites when the caller already holds the lease or it ran out; any other
    // holder leaves `changes` at 0. One statement, so two connections cannot both win.
    acquire: db.prepare<[string, string, number, number]>(
      `INSERT INTO leases (key, owner, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE leases.owner = excluded.owner OR leases.expires_at <= ?`,
    ),
    release: db.prepare<[string, string]>('DELETE FROM leases WHERE key = ? AND owner = ?'),
    // Fixed window: the ttl starts with the first increment (or the first after expiry) and is
    // not pushed back by later ones, like Redis INCR + PEXPIRE on create.
    incr: db
      .prepare<[string, number, number, number, number], number>(
        `INSERT INTO counters (key, value, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET
           value = CASE WHEN counters.expires_at <= ? THEN excluded.value ELSE counters.value + excluded.value END,
           expires_at = CASE WHEN counters.expires_at <= ? THEN excluded.expires_at ELSE counters.expires_at END
         RETURNING value`,
      )
      .pluck(),
    setAdd: db.prepare<[string, string]>('INSERT OR IGNORE INTO set_members (set_key, member) VALUES (?, ?)'),
    setRemove: db.prepare<[string, string]>('DELETE FROM set_members WHERE set_key = ? AND member = ?'),
    setMembers: db.prepare<[string], string>('SELECT member FROM set_members WHERE set_key = ?').pluck(),
    setHas: db.prepare<[string, string], number>('SELECT 1 FROM set_members WHERE set_key = ? AND member = ?').pluck(),
    setSize: db.prepare<[string], number>('SELECT count(*) FROM set_members WHERE set_key = ?').pluck(),
    sortedAdd: db.prepare<[string, string, number]>(
      `INSERT INTO sorted_members (index_key, member, score) VALUES (?, ?, ?)
       ON CONFLICT (index_key, member) DO UPDATE SET score = excluded.score`,
    ),
    // One statement: concurrent increments from other connections add up, none is lost.
    sortedIncr: db
      .prepare<[string, string, number], number>(
        `INSERT INTO sorted_members (index_key, member, score) VALUES (?, ?, ?)
         ON CONFLICT (index_key, member) DO UPDATE SET score = sorted_members.score + excluded.score
         RETURNING score`,
      )
      .pluck(),
    sortedRemove: db.prepare<[string, string]>('DELETE FROM sorted_members WHERE index_key = ? AND member = ?'),
    sortedRangeAsc: db.prepare<[string, number, number], SortedEntry>(
      'SELECT member, score FROM sorted_members WHERE index_key = ? ORDER BY score, member LIMIT ? OFFSET ?',
    ),
    sortedRangeDesc: db.prepare<[string, number, number], SortedEntry>(
      'SELECT member, score FROM sorted_members WHERE index_key = ? ORDER BY score DESC, member DESC LIMIT ? OFFSET ?',
    ),
    sortedCount: db
      .prepare<[string, number, number], number>('SELECT count(*) FROM sorted_members WHERE index_key = ? AND score >= ? AND score <= ?')
      .pluck(),
    sweepLeases: db.prepare<[number, number]>('DELETE FROM leases WHERE key IN (SELECT key FROM leases WHERE expires_at <= ? LIMIT ?)'),
    sweepCounters: db.prepare<[number, number]>(
      'DELETE FROM counters WHERE key IN (SELECT key FROM counters WHERE expires_at <= ? LIMIT ?)',
    ),
    ping: db.prepare<[], number>('SELECT 1').pluck(),
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
