/** A token bucket: `burst` attempts at once, then one more every `everyMs`. */
export interface AttemptBudget {
  readonly burst: number;
  readonly everyMs: number;
}

/**
 * Sign-in attempts allowed: per client address (one guesser), and over all addresses (many
 * guessers, or one behind many addresses or behind a proxy whose address everyone shares).
 */
export const SIGN_IN_LIMITS: { readonly perAddress: AttemptBudget; readonly overall: AttemptBudget } = {
  perAddress: { burst: 10, everyMs: 6_000 },
  overall: { burst: 60, everyMs: 1_000 },
};

/** Addresses remembered at most; past it, the ones whose bucket refilled are forgotten. */
const MAX_ADDRESSES = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * In-process token buckets for sign-in attempts. Per process is enough here: the token is at
 * least 24 random characters, so the limit does not make guessing hard (the token does); it
 * keeps a flood of guesses from burning CPU and filling the log. With several instances, each
 * keeps its own buckets, so a guesser spread over N instances gets N times the attempts: still
 * hopeless against such a token, and no store write per failed attempt, which a shared limit
 * would cost (and which a flood would turn against the store).
 */
export class SignInLimiter {
  private readonly byAddress = new Map<string, Bucket>();
  private readonly overall: Bucket;

  constructor(private readonly limits = SIGN_IN_LIMITS) {
    this.overall = { tokens: limits.overall.burst, at: 0 };
  }

  /** Takes one attempt from both buckets, or none: 0 when allowed, else ms until one is. */
  take(address: string, now: number): number {
    const mine = this.byAddress.get(address) ?? { tokens: this.limits.perAddress.burst, at: now };
    refill(mine, this.limits.perAddress, now);
    refill(this.overall, this.limits.overall, now);
    const wait = Math.max(waitFor(mine, this.limits.perAddress), waitFor(this.overall, this.limits.overall));
    if (wait > 0) return wait;
    mine.tokens -= 1;
    this.overall.tokens -= 1;
    this.byAddress.set(address, mine);
    if (this.byAddress.size > MAX_ADDRESSES) this.forgetIdle(now);
    return 0;
  }

  private forgetIdle(now: number): void {
    for (const [address, b] of this.byAddress) {
      refill(b, this.limits.perAddress, now);
      if (b.tokens >= this.limits.perAddress.burst) this.byAddress.delete(address);
    }
  }
}

function refill(b: Bucket, budget: AttemptBudget, now: number): void {
  if (now <= b.at) return;
  b.tokens = Math.min(budget.burst, b.tokens + (now - b.at) / budget.everyMs);
  b.at = now;
}

function waitFor(b: Bucket, budget: AttemptBudget): number {
  return b.tokens >= 1 ? 0 : Math.ceil((1 - b.tokens) * budget.everyMs);
}
