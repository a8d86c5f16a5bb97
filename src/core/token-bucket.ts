import type { Bucket } from '../ports/chat-adapter.js';

interface State {
  tokens: number;
  last: number;
  /** The platform said stop until then (a 429's Retry-After). */
  blockedUntil: number;
}

export interface BucketClaim {
  readonly key: string;
  readonly bucket: Bucket;
}

/**
 * Token buckets keyed by scope (network, community, channel). `tryTake` takes one token from
 * every bucket of a send, or none: a send blocked on its channel must not spend its
 * community's token, or one busy channel would starve the rest of the workspace.
 */
export class Limiter {
  private readonly states = new Map<string, State>();

  /** Takes a token from each bucket and returns 0, or takes nothing and returns ms to wait. */
  tryTake(claims: readonly BucketClaim[], now: number): number {
    let wait = 0;
    for (const c of claims) wait = Math.max(wait, this.waitFor(c, now));
    if (wait > 0) return wait;
    for (const c of claims) {
      const s = this.state(c, now);
      s.tokens -= 1;
    }
    return 0;
  }

  /** After a 429: nothing goes through these buckets until `until`. */
  block(keys: readonly string[], until: number): void {
    for (const key of keys) {
      const s = this.states.get(key);
      if (s) s.blockedUntil = Math.max(s.blockedUntil, until);
      else this.states.set(key, { tokens: 0, last: until, blockedUntil: until });
    }
  }

  private waitFor(c: BucketClaim, now: number): number {
    const s = this.state(c, now);
    if (s.blockedUntil > now) return s.blockedUntil - now;
    if (s.tokens >= 1) return 0;
    // +1 ms: the platform's clock reads a hair later than ours; arriving a hair late costs
    // nothing, arriving a hair early costs a 429.
    return Math.ceil(((1 - s.tokens) * 1000) / c.bucket.ratePerSec) + 1;
  }

  private state(c: BucketClaim, now: number): State {
    let s = this.states.get(c.key);
    if (!s) {
      s = { tokens: c.bucket.burst, last: now, blockedUntil: 0 };
      this.states.set(c.key, s);
      return s;
    }
    if (now > s.last) {
      s.tokens = Math.min(c.bucket.burst, s.tokens + ((now - s.last) * c.bucket.ratePerSec) / 1000);
      s.last = now;
    }
    return s;
  }
}
