import type { Bucket } from '../ports/chat-adapter.js';

/**
 * How much later than we take its token a send may reach the platform. A token is taken when
 * the send starts; the post arrives after the claim and the re-read (and the network), and
 * that delay varies from send to send. A platform that counts arrivals then sees an early
 * send arrive late and the next one arrive on time, closer together than we paced them, and
 * answers 429 (Slack's Retry-After is whole seconds). Pacing every window of sends this much
 * wider keeps arrivals inside the limit; it also covers Date.now()'s 1 ms steps.
 */
export const ARRIVAL_JITTER_MS = 20;

interface State {
  /** May exceed the bucket's burst by `jitterTokens`: how long it has been full (see `need`). */
  tokens: number;
  last: number;
  /** The platform said stop until then (a 429's Retry-After). */
  blockedUntil: number;
  readonly bucket: Bucket;
}

export interface BucketClaim {
  readonly key: string;
  readonly bucket: Bucket;
}

/**
 * Token buckets keyed by scope (network, community, channel). `tryTake` takes one token from
 * every bucket of a send, or none: a send blocked on its channel must not spend its
 * community's token, or one busy channel would starve the rest of the workspace.
 *
 * A send needs 1 + jitterTokens in the bucket, not 1, so every window of sends is paced
 * ARRIVAL_JITTER_MS wider than the platform's limit; the bucket may fill that much past its
 * burst, so the margin is paid once per window rather than once per send (a burst-1 channel
 * bucket that has been idle sends at once). This is the GCRA with its tolerance reduced by
 * the jitter.
 */
export class Limiter {
  private readonly states = new Map<string, State>();

  /** `toleranceMs`: how much later than paced a send may arrive without crowding the next. */
  constructor(private readonly toleranceMs = ARRIVAL_JITTER_MS) {}

  /** Tokens a bucket earns in the tolerance. */
  private slack(b: Bucket): number {
    return (this.toleranceMs * b.ratePerSec) / 1000;
  }

  /** Takes a token from each bucket and returns 0, or takes nothing and returns ms to wait. */
  tryTake(claims: readonly BucketClaim[], now: number): number {
    let wait = 0;
    for (const c of claims) wait = Math.max(wait, this.waitFor(c, now));
    if (wait > 0) return wait;
    for (const c of claims) {
      const s = this.state(c, now);
      // Filled past the burst only records idle time; a send spends from a full bucket.
      s.tokens = Math.min(s.tokens, c.bucket.burst) - 1;
    }
    return 0;
  }

  /**
   * After a 429: nothing goes through these buckets until `until`. The refused send gets its
   * token back (the platform counted none for it), so its retry goes at `until` rather than a
   * whole token interval later.
   */
  block(keys: readonly string[], until: number): void {
    for (const key of keys) {
      const s = this.states.get(key);
      if (s) {
        s.blockedUntil = Math.max(s.blockedUntil, until);
        s.tokens = Math.min(s.bucket.burst, s.tokens + 1);
      }
    }
  }

  private waitFor(c: BucketClaim, now: number): number {
    const s = this.state(c, now);
    if (s.blockedUntil > now) return s.blockedUntil - now;
    const need = 1 + this.slack(c.bucket);
    if (s.tokens >= need) return 0;
    return Math.ceil(((need - s.tokens) * 1000) / c.bucket.ratePerSec);
  }

  private state(c: BucketClaim, now: number): State {
    let s = this.states.get(c.key);
    if (!s) {
      // Never used: as if idle for ever, so the whole burst goes at once.
      s = { tokens: c.bucket.burst + this.slack(c.bucket), last: now, blockedUntil: 0, bucket: c.bucket };
      this.states.set(c.key, s);
      return s;
    }
    if (now > s.last) {
      const cap = c.bucket.burst + this.slack(c.bucket);
      s.tokens = Math.min(cap, s.tokens + ((now - s.last) * c.bucket.ratePerSec) / 1000);
      s.last = now;
    }
    return s;
  }
}
