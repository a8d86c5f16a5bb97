import { FeelersError } from '../ports/errors.js';
import type { SortedEntry, SortedRangeOptions } from '../ports/store.js';

/**
 * One ordered index in memory: members kept in an array sorted by (score, member), with a map
 * for each member's score. Inserts find their place by binary search; the engine's indexes
 * mostly grow at the end (creation times), where the splice costs nothing.
 */
export class SortedIndex {
  private readonly scores = new Map<string, number>();
  private readonly entries: SortedEntry[] = [];

  get size(): number {
    return this.entries.length;
  }

  add(member: string, score: number): void {
    const old = this.scores.get(member);
    if (old === score) return;
    if (old !== undefined) this.entries.splice(this.lowerBound(old, member), 1);
    this.scores.set(member, score);
    this.entries.splice(this.lowerBound(score, member), 0, { member, score });
  }

  incr(member: string, by: number): number {
    const score = (this.scores.get(member) ?? 0) + by;
    this.add(member, score);
    return score;
  }

  remove(member: string): void {
    const old = this.scores.get(member);
    if (old === undefined) return;
    this.entries.splice(this.lowerBound(old, member), 1);
    this.scores.delete(member);
  }

  range(opts: SortedRangeOptions = {}): SortedEntry[] {
    const offset = Math.max(0, Math.floor(opts.offset ?? 0));
    const limit = opts.limit === undefined ? Infinity : Math.max(0, Math.floor(opts.limit));
    const n = this.entries.length;
    if (offset >= n || limit === 0) return [];
    const count = Math.min(limit, n - offset);
    // Copies: a caller changing an entry must not reorder the index behind its back.
    const slice = opts.reverse ? this.entries.slice(n - offset - count, n - offset).reverse() : this.entries.slice(offset, offset + count);
    return slice.map((e) => ({ member: e.member, score: e.score }));
  }

  count(min = -Infinity, max = Infinity): number {
    if (min > max) return 0;
    return this.firstAbove(max) - this.firstAtLeast(min);
  }

  /** The first position whose entry is not before (score, member). */
  private lowerBound(score: number, member: string): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.entries[mid] as SortedEntry;
      if (e.score < score || (e.score === score && byteOrder(e.member, member) < 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private firstAtLeast(score: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as SortedEntry).score < score) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private firstAbove(score: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as SortedEntry).score <= score) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Scores must be finite numbers: NaN would break the order, and the backends store doubles. */
export function checkScore(score: number): void {
  if (!Number.isFinite(score)) throw new FeelersError('store_bad_score', `score ${score} is not a finite number`);
}

/**
 * Compares two strings as their UTF-8 bytes compare (the order SQLite's BINARY collation and
 * Redis use), which is code point order. JavaScript's `<` compares UTF-16 code units instead,
 * which puts astral characters (surrogates, 0xD800–0xDFFF) before U+E000–U+FFFF.
 */
export function byteOrder(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}
