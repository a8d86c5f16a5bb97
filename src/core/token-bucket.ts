import type { Bucket } from '../ports/chat-adapter.js';

/**
 * `Date.now()` counts whole milliseconds: an answer read as `t` may have come up to 1 ms after
 * it, and so may its arrival at a platform that reads a finer clock. Each answer counts this
 * much later, so the anchor is never earlier than the arrival it stands for.
 */
const CLOCK_STEP_MS = 1;

interface State {
  /**
   * GCRA's theoretical arrival time over the sends answered so far, taken in the order they
   * were answered: the bucket holds a token at `now` when `max(tat, now) <= now + tolerance`.
   */
  tat: number;
  /** Sends that took a token and have not been answered: they may reach the platform any moment. */
  inFlight: number;
  /** The platform said stop until then (a 429's Retry-After). */
  blockedUntil: number;
  readonly bucket: Bucket;
}

export interface BucketClaim {
  readonly key: string;
  readonly bucket: Bucket;
}

/** How a send that held tokens ended: `answered` (the platform counted it, or may have), or `not-sent`. */
export type Settled = 'answered' | 'not-sent';

/**
 * Token buckets keyed by scope (network, community, channel), counted the way the platform
 * counts: by when each message arrives. A send's arrival is not known here; it lies between
 * the moment its token was taken and the moment its answer came back, and that gap varies by
 * far more than a fixed margin could cover (the measured spread is in docs/benchmarks.md: a
 * process busy writing a thousand copies holds a post that already had its token for 150 ms).
 * So every bound is taken on the safe side:
 *
 * - a send in flight counts as arriving now, whenever it was started;
 * - a send answered counts as having arrived when its answer came (a little late, never early).
 *
 * With those, the buckets are GCRA over the answer times, plus the sends in flight: a new
 * send may start at `now` when `max(tat, now) + inFlight / rate <= now + (burst - 1) / rate`.
 * Whatever the delay between taking a token and reaching the platform, no window of arrivals
 * holds more than the bucket allows (test/core/token-bucket.test.ts checks it against random
 * delays). The rate and burst are the platform's own: no headroom below them. What this costs
 * is the round trip after arrival, paid once each time a bucket runs dry; docs/benchmarks.md
 * has it measured.
 *
 * `tryTake` takes one token from every bucket of a send, or none: a send blocked on its channel
 * must not spend its community's token, or one busy channel would starve the rest of the
 * workspace.
 */
export class Limiter {
  private readonly states = new Map<string, State>();

  /** Takes a token from each bucket (the send is then in flight) and returns 0, or takes nothing and returns ms to wait (Infinity: until a send in flight is answered). */
  tryTake(claims: readonly BucketClaim[], now: number): number {
    let wait = 0;
    for (const c of claims) wait = Math.max(wait, this.waitFor(c, now));
    if (wait > 0) return wait;
    for (const c of claims) this.state(c).inFlight += 1;
    return 0;
  }

  /** The send that took these tokens is over: answered at `at` (counted from then on) or never sent. */
  settle(claims: readonly BucketClaim[], at: number, how: Settled): void {
    for (const c of claims) {
      const s = this.states.get(c.key);
      if (!s) continue;
      s.inFlight = Math.max(0, s.inFlight - 1);
      if (how === 'answered') s.tat = Math.max(s.tat, at + CLOCK_STEP_MS) + 1000 / s.bucket.ratePerSec;
    }
  }

  /** After a 429: nothing goes through these buckets until `until` (the platform's Retry-After). */
  block(keys: readonly string[], until: number): void {
    for (const key of keys) {
      const s = this.states.get(key);
      if (s) s.blockedUntil = Math.max(s.blockedUntil, until);
    }
  }

  /** Sends of this bucket in flight now (for tests and metrics). */
  inFlight(key: string): number {
    return this.states.get(key)?.inFlight ?? 0;
  }

  private waitFor(c: BucketClaim, now: number): number {
    const s = this.state(c);
    if (s.blockedUntil > now) return s.blockedUntil - now;
    const { ratePerSec, burst } = c.bucket;
    // With a whole burst in flight nothing may start until one of them is answered.
    if (s.inFlight >= burst) return Infinity;
    const start = s.tat + ((s.inFlight - (burst - 1)) * 1000) / ratePerSec;
    return start <= now ? 0 : Math.ceil(start - now);
  }

  private state(c: BucketClaim): State {
    let s = this.states.get(c.key);
    if (!s) {
      // Never used: idle for ever, so the whole burst may go at once.
      s = { tat: -Infinity, inFlight: 0, blockedUntil: 0, bucket: c.bucket };
      this.states.set(c.key, s);
    }
    return s;
  }
}
