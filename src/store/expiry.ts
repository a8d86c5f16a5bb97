import type { Deserialize, Serialize } from 'keyv';
import type { Clock } from '../ports/clock.js';
import { FeelersError } from '../ports/errors.js';

/**
 * keyv stamps `expires` from Date.now and checks it against Date.now on read; tests move time
 * with a ManualClock, so that stamp would be wrong in both directions. This codec keeps only the
 * value, and each backend keeps its own expiry read from the injected clock.
 */
export const serializeValueOnly: Serialize = (data) => JSON.stringify(data.value ?? null);

// What was stored is what the caller asked for: the Store is not a validator (its callers own their shapes).
export const deserializeValueOnly: Deserialize = <Value>(text: string) => ({ value: JSON.parse(text) as Value });

/**
 * A value with ttl `ttlMs` set at `now` is gone from `now + ttlMs` on (inclusive). A ttl that
 * is already used up (zero or less, e.g. a deadline computed in the past) means expired at once;
 * NaN is a caller's bug, and storing it silently would make the key immortal or instantly gone.
 */
export function expiryFrom(now: number, ttlMs: number | undefined): number | null {
  if (ttlMs === undefined || ttlMs === Number.POSITIVE_INFINITY) return null;
  if (Number.isNaN(ttlMs)) throw new FeelersError('store_bad_ttl', 'ttl is NaN');
  if (ttlMs <= 0) return now;
  return now + ttlMs;
}

/** Leases and counters always expire; an infinite ttl is kept as the largest safe integer. */
export function deadline(now: number, ttlMs: number): number {
  return expiryFrom(now, ttlMs) ?? Number.MAX_SAFE_INTEGER;
}

export function isExpired(expiresAt: number | null, now: number): boolean {
  return expiresAt !== null && expiresAt <= now;
}

/**
 * Rows nobody reads again (dedupe leases, old counters, ttl documents) would pile up if they
 * were only removed when read. The gate lets a backend sweep them at most once per interval
 * of clock time, from inside ordinary calls, so no timer keeps the process alive.
 */
export class SweepGate {
  private last: number;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs = 60_000,
  ) {
    this.last = clock.now();
  }

  /** True at most once per interval; the caller sweeps when it is. */
  due(): boolean {
    const now = this.clock.now();
    if (now - this.last < this.intervalMs) return false;
    this.last = now;
    return true;
  }
}
