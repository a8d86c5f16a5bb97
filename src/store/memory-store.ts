import type { Clock } from '../ports/clock.js';
import { systemClock } from '../ports/clock.js';
import { FeelersError } from '../ports/errors.js';
import type { SortedEntry, SortedRangeOptions, Store, StoreWrite } from '../ports/store.js';
import { checkScore, SortedIndex } from './sorted-index.js';
import { SweepGate, deadline, expiryFrom, isExpired } from './expiry.js';

/** What keyv holds per document: the value and our own clock-based expiry, stored together. */
interface Envelope {
  v: unknown;
  e: number | null;
}

interface Lease {
  owner: string;
  expiresAt: number;
}

interface Counter {
  value: number;
  expiresAt: number;
}

/**
 * The in-process twin of the SQLite and Redis stores: same contract, nothing kept after exit.
 *
 * Atomicity: every check-and-set below runs synchronously inside one call, with no await
 * between the check and the write, so no other caller can interleave (JS runs one task at a time).
 * Documents are kept as JSON text, so a caller mutating an object after `set` (or after `get`)
 * does not change what is stored, the same as on SQLite. A `batch` checks every write first,
 * then applies them all in one synchronous step.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory';

  /** Each document as the JSON text of its envelope. */
  private readonly docs = new Map<string, string>();
  private readonly leases = new Map<string, Lease>();
  private readonly counters = new Map<string, Counter>();
  private readonly sets = new Map<string, Set<string>>();
  private readonly sorted = new Map<string, SortedIndex>();
  private readonly sweep: SweepGate;
  private closed = false;

  constructor(private readonly clock: Clock = systemClock) {
    this.sweep = new SweepGate(clock);
  }

  async get<T>(key: string): Promise<T | undefined> {
    this.assertOpen();
    return this.read(key) as T | undefined;
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    this.assertOpen();
    this.docs.set(key, this.envelope(value, ttlMs));
  }

  async delete(key: string): Promise<boolean> {
    this.assertOpen();
    const live = this.read(key) !== undefined;
    this.docs.delete(key);
    return live;
  }

  async batch(writes: readonly StoreWrite[]): Promise<void> {
    this.assertOpen();
    // Everything that can fail happens before the first write.
    const texts = writes.map((w) => (w.op === 'set' ? this.envelope(w.value, w.ttlMs) : undefined));
    for (const w of writes) if (w.op === 'sortedAdd') checkScore(w.score);
    writes.forEach((w, i) => {
      switch (w.op) {
        case 'set':
          this.docs.set(w.key, texts[i] ?? this.envelope(w.value, w.ttlMs));
          return;
        case 'delete':
          this.docs.delete(w.key);
          return;
        case 'setAdd':
          this.addMembers(w.set, w.members);
          return;
        case 'setRemove':
          this.removeMembers(w.set, w.members);
          return;
        case 'sortedAdd':
          this.index(w.index).add(w.member, w.score);
          return;
        case 'sortedRemove':
          this.removeSorted(w.index, w.members);
      }
    });
  }

  /** The live value under `key` (an expired one is dropped), a fresh copy each time. */
  private read(key: string): unknown {
    const text = this.docs.get(key);
    if (text === undefined) return undefined;
    const env = JSON.parse(text) as Envelope;
    if (isExpired(env.e, this.clock.now())) {
      this.docs.delete(key);
      return undefined;
    }
    return env.v;
  }

  private envelope(value: unknown, ttlMs: number | undefined): string {
    const env: Envelope = { v: value, e: expiryFrom(this.clock.now(), ttlMs) };
    return JSON.stringify(env);
  }

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    this.assertOpen();
    const now = this.clock.now();
    this.maybeSweep(now);
    const held = this.leases.get(key);
    if (held !== undefined && held.owner !== owner && !isExpired(held.expiresAt, now)) return false;
    this.leases.set(key, { owner, expiresAt: deadline(now, ttlMs) });
    return true;
  }

  async release(key: string, owner: string): Promise<void> {
    this.assertOpen();
    if (this.leases.get(key)?.owner === owner) this.leases.delete(key);
  }

  async incr(key: string, ttlMs: number, by = 1): Promise<number> {
    this.assertOpen();
    const now = this.clock.now();
    this.maybeSweep(now);
    const current = this.counters.get(key);
    // Fixed window: the ttl starts at the first increment and later ones do not extend it, so a
    // per-day limit resets a day after it began (the Redis INCR + PEXPIRE-on-create pattern).
    if (current === undefined || isExpired(current.expiresAt, now)) {
      this.counters.set(key, { value: by, expiresAt: deadline(now, ttlMs) });
      return by;
    }
    current.value += by;
    return current.value;
  }

  async setAdd(set: string, ...members: string[]): Promise<void> {
    this.assertOpen();
    this.addMembers(set, members);
  }

  async setRemove(set: string, ...members: string[]): Promise<void> {
    this.assertOpen();
    this.removeMembers(set, members);
  }

  private addMembers(set: string, members: readonly string[]): void {
    if (members.length === 0) return;
    let s = this.sets.get(set);
    if (s === undefined) {
      s = new Set();
      this.sets.set(set, s);
    }
    for (const m of members) s.add(m);
  }

  private removeMembers(set: string, members: readonly string[]): void {
    const s = this.sets.get(set);
    if (s === undefined) return;
    for (const m of members) s.delete(m);
    if (s.size === 0) this.sets.delete(set);
  }

  async setMembers(set: string): Promise<string[]> {
    this.assertOpen();
    return [...(this.sets.get(set) ?? [])];
  }

  async setHas(set: string, member: string): Promise<boolean> {
    this.assertOpen();
    return this.sets.get(set)?.has(member) ?? false;
  }

  async setSize(set: string): Promise<number> {
    this.assertOpen();
    return this.sets.get(set)?.size ?? 0;
  }

  async sortedAdd(index: string, member: string, score: number): Promise<void> {
    this.assertOpen();
    checkScore(score);
    this.index(index).add(member, score);
  }

  async sortedIncr(index: string, member: string, by: number): Promise<number> {
    this.assertOpen();
    checkScore(by);
    return this.index(index).incr(member, by);
  }

  async sortedRemove(index: string, ...members: string[]): Promise<void> {
    this.assertOpen();
    this.removeSorted(index, members);
  }

  private removeSorted(index: string, members: readonly string[]): void {
    const found = this.sorted.get(index);
    if (found === undefined) return;
    for (const m of members) found.remove(m);
    if (found.size === 0) this.sorted.delete(index);
  }

  async sortedRange(index: string, opts?: SortedRangeOptions): Promise<SortedEntry[]> {
    this.assertOpen();
    return this.sorted.get(index)?.range(opts) ?? [];
  }

  async sortedCount(index: string, bounds: { min?: number | undefined; max?: number | undefined } = {}): Promise<number> {
    this.assertOpen();
    return this.sorted.get(index)?.count(bounds.min, bounds.max) ?? 0;
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
  }

  private index(name: string): SortedIndex {
    let found = this.sorted.get(name);
    if (found === undefined) {
      found = new SortedIndex();
      this.sorted.set(name, found);
    }
    return found;
  }

  private assertOpen(): void {
    if (this.closed) throw new FeelersError('store_closed', 'the memory store was closed');
  }

  /** Dedupe leases are taken once per event and never read again; drop them once expired. */
  private maybeSweep(now: number): void {
    if (!this.sweep.due()) return;
    for (const [key, lease] of this.leases) if (lease.expiresAt <= now) this.leases.delete(key);
    for (const [key, counter] of this.counters) if (counter.expiresAt <= now) this.counters.delete(key);
  }
}
