import { FeelersError } from '../ports/errors.js';
import type { SortedEntry, Store, StoreWrite } from '../ports/store.js';

const DELETED = Symbol('deleted');

/**
 * A view of the store that gathers writes instead of making them, for `Repo.batch`: the Repo's
 * intent methods run unchanged over it, and `commit` hands everything they wrote to the real
 * store's `batch` (one transaction). Reads go to the store, with this batch's own writes laid
 * over documents and sets, so a stage reads what it just wrote.
 *
 * What cannot wait for the commit is refused: claims and counters (`acquire`, `incr`...) decide
 * something now, and an ordered index's pages are not overlaid. A stage takes those before or
 * after its batch.
 */
export class BatchingStore implements Store {
  readonly kind: string;
  private writes: StoreWrite[] = [];
  private readonly docs = new Map<string, unknown>();
  private readonly members = new Map<string, Map<string, boolean>>();

  constructor(private readonly store: Store) {
    this.kind = store.kind;
  }

  get size(): number {
    return this.writes.length;
  }

  /** Everything gathered, to the store at once; the view starts empty again. */
  async commit(): Promise<void> {
    const writes = this.writes;
    this.writes = [];
    this.docs.clear();
    this.members.clear();
    await this.store.batch(writes);
  }

  async get<T>(key: string): Promise<T | undefined> {
    if (!this.docs.has(key)) return this.store.get<T>(key);
    const v = this.docs.get(key);
    // A copy, as the store gives: the caller may change what it read.
    return v === DELETED || v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as T);
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    this.add({ op: 'set', key, value, ttlMs });
  }

  async delete(key: string): Promise<boolean> {
    const live = (await this.get(key)) !== undefined;
    this.add({ op: 'delete', key });
    return live;
  }

  async setAdd(set: string, ...members: string[]): Promise<void> {
    if (members.length > 0) this.add({ op: 'setAdd', set, members });
  }

  async setRemove(set: string, ...members: string[]): Promise<void> {
    if (members.length > 0) this.add({ op: 'setRemove', set, members });
  }

  async setMembers(set: string): Promise<string[]> {
    const base = await this.store.setMembers(set);
    const changes = this.members.get(set);
    if (!changes) return base;
    const out = new Set(base);
    for (const [m, present] of changes) {
      if (present) out.add(m);
      else out.delete(m);
    }
    return [...out];
  }

  async setHas(set: string, member: string): Promise<boolean> {
    const change = this.members.get(set)?.get(member);
    return change ?? this.store.setHas(set, member);
  }

  async setSize(set: string): Promise<number> {
    return this.members.has(set) ? (await this.setMembers(set)).length : this.store.setSize(set);
  }

  async sortedAdd(index: string, member: string, score: number): Promise<void> {
    this.writes.push({ op: 'sortedAdd', index, member, score });
  }

  async sortedRemove(index: string, ...members: string[]): Promise<void> {
    if (members.length > 0) this.writes.push({ op: 'sortedRemove', index, members });
  }

  async batch(writes: readonly StoreWrite[]): Promise<void> {
    for (const w of writes) this.add(w);
  }

  acquire(): Promise<boolean> {
    return refuse('acquire');
  }
  release(): Promise<void> {
    return refuse('release');
  }
  incr(): Promise<number> {
    return refuse('incr');
  }
  sortedIncr(): Promise<number> {
    return refuse('sortedIncr');
  }
  sortedRange(): Promise<SortedEntry[]> {
    return refuse('sortedRange');
  }
  sortedCount(): Promise<number> {
    return refuse('sortedCount');
  }
  ping(): Promise<void> {
    return this.store.ping();
  }
  close(): Promise<void> {
    return refuse('close');
  }

  /** One write gathered, and laid over what this view reads (documents and sets; ordered indexes are not). */
  private add(w: StoreWrite): void {
    switch (w.op) {
      case 'set': {
        // The value as it is now: the caller may change the object before the commit.
        const value = w.value === undefined ? undefined : (JSON.parse(JSON.stringify(w.value)) as unknown);
        this.writes.push({ ...w, value });
        this.docs.set(w.key, value);
        return;
      }
      case 'delete':
        this.docs.set(w.key, DELETED);
        break;
      case 'setAdd':
      case 'setRemove':
        for (const m of w.members) this.pending(w.set).set(m, w.op === 'setAdd');
        break;
      case 'sortedAdd':
      case 'sortedRemove':
        break;
    }
    this.writes.push(w);
  }

  private pending(set: string): Map<string, boolean> {
    let m = this.members.get(set);
    if (!m) {
      m = new Map();
      this.members.set(set, m);
    }
    return m;
  }
}

function refuse(op: string): Promise<never> {
  return Promise.reject(new FeelersError('batch_unsupported', `${op} cannot wait for a batch's commit: call it on the store itself`));
}
