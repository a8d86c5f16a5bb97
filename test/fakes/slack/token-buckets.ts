import type { Clock } from '../../../src/ports/clock.js';

/** Slack's posting limits as the fake enforces them: per channel and per workspace. */
export interface RateLimits {
  /** chat.postMessage per channel: about 1/s, burst 1. */
  readonly perChannel: { readonly ratePerSec: number; readonly burst: number };
  /** chat.postMessage per workspace: a few hundred a minute (300/min), burst 5. */
  readonly perWorkspace: { readonly ratePerSec: number; readonly burst: number };
  /**
   * The workspace a channel belongs to, for an org-wide (Enterprise Grid) install whose one
   * token posts into many workspaces, each with its own per-workspace limit. Unset: one workspace.
   */
  readonly workspaceOf?: ((channel: string) => string) | undefined;
}

export const slackPostLimits: RateLimits = {
  perChannel: { ratePerSec: 1, burst: 1 },
  perWorkspace: { ratePerSec: 5, burst: 5 },
};

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly limits: RateLimits;

  constructor(
    private readonly clock: Clock,
    limits?: RateLimits,
  ) {
    this.limits = limits ?? slackPostLimits;
  }

  /** Undefined when the call may go ahead; otherwise the Retry-After seconds Slack would send. */
  take(method: string, args: Record<string, unknown>): number | undefined {
    if (method !== 'chat.postMessage') return undefined;
    const channel = `channel:${String(args.channel)}`;
    const waitChannel = this.peek(channel, this.limits.perChannel);
    const workspace = `workspace:${this.limits.workspaceOf?.(String(args.channel)) ?? ''}`;
    const waitTeam = this.peek(workspace, this.limits.perWorkspace);
    const wait = Math.max(waitChannel, waitTeam);
    if (wait > 0) return Math.max(1, Math.ceil(wait / 1000));
    this.spend(channel);
    this.spend(workspace);
    return undefined;
  }

  /** Refills the bucket and says how many ms until one token is there. */
  private peek(key: string, limit: { ratePerSec: number; burst: number }): number {
    const now = this.clock.now();
    const b = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
    b.tokens = Math.min(limit.burst, b.tokens + ((now - b.at) / 1000) * limit.ratePerSec);
    b.at = now;
    this.buckets.set(key, b);
    return b.tokens >= 1 ? 0 : ((1 - b.tokens) / limit.ratePerSec) * 1000;
  }

  private spend(key: string): void {
    const b = this.buckets.get(key);
    if (b) b.tokens -= 1;
  }
}
