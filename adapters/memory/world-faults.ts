import type { Bucket } from '../../src/ports/index.js';
import { PlatformError } from './world-types.js';

export type FaultKind = 'gone' | 'transient' | 'rate_limited';

export interface FaultSpec {
  readonly kind: FaultKind;
  /** Only calls aimed at this channel id (a DM channel id for DMs). Any channel when unset. */
  readonly where?: string | undefined;
  /** How many calls fail; 1 when unset. */
  readonly times?: number | undefined;
  /** For 'rate_limited': what the platform says to wait; 1000 when unset. */
  readonly retryAfterMs?: number | undefined;
}

export interface LimitSpec {
  readonly network?: Bucket | undefined;
  readonly community?: Bucket | undefined;
  readonly channel?: Bucket | undefined;
}

interface PendingFault {
  readonly kind: FaultKind;
  readonly where?: string | undefined;
  left: number;
  readonly retryAfterMs: number;
}

/** Faults one network's API will produce, queued by tests. */
export class NetworkFaults {
  private pending: PendingFault[] = [];
  private crashCountdown: number | undefined;
  /** `community\u0000user` of people whose DMs are closed (Discord 50007, Slack's blocked bot). */
  private readonly closedDms = new Set<string>();

  failNext(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error(`failNext: times must be a positive integer, got ${times}`);
    this.pending.push({ kind: spec.kind, where: spec.where, left: times, retryAfterMs: spec.retryAfterMs ?? 1000 });
  }

  /** The nth message created from now on is stored, then the call throws as if the answer was lost. */
  crashAfterPost(n: number): void {
    if (!Number.isInteger(n) || n < 1) throw new Error(`crashAfterPost: n must be a positive integer, got ${n}`);
    this.crashCountdown = n;
  }

  closeDms(community: string, user: string): void {
    this.closedDms.add(`${community}\u0000${user}`);
  }

  openDms(community: string, user: string): void {
    this.closedDms.delete(`${community}\u0000${user}`);
  }

  dmsClosed(community: string, user: string): boolean {
    return this.closedDms.has(`${community}\u0000${user}`);
  }

  /** Throws the first queued fault that matches this channel, using one of its times. */
  check(channel: string): void {
    const i = this.pending.findIndex((f) => f.where === undefined || f.where === channel);
    const fault = this.pending[i];
    if (fault === undefined) return;
    fault.left -= 1;
    if (fault.left <= 0) this.pending.splice(i, 1);
    if (fault.kind === 'gone') throw new PlatformError('channel_not_found', `injected fault: ${channel} is gone`);
    if (fault.kind === 'transient') throw new PlatformError('server_error', `injected fault: server error on ${channel}`);
    throw new PlatformError('rate_limited', `injected fault: rate limited on ${channel}`, fault.retryAfterMs);
  }

  /** Called once a message is stored; throws when this was the post to "crash" after. */
  afterPost(messageId: string): void {
    if (this.crashCountdown === undefined) return;
    this.crashCountdown -= 1;
    if (this.crashCountdown > 0) return;
    this.crashCountdown = undefined;
    throw new PlatformError('connection_lost', `simulated crash: ${messageId} was stored but the answer never arrived`);
  }
}

/** A token bucket on a monotonic clock: `ratePerSec` tokens a second, at most `burst` saved. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly spec: Bucket,
    private readonly now: () => number,
  ) {
    if (!(spec.ratePerSec > 0) || !(spec.burst >= 1)) {
      throw new Error(`a bucket needs ratePerSec > 0 and burst >= 1, got ${JSON.stringify(spec)}`);
    }
    this.tokens = spec.burst;
    this.last = now();
  }

  /** Milliseconds until one token is there; 0 when one is there now. */
  waitMs(): number {
    this.refill();
    if (this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) * 1000) / this.spec.ratePerSec);
  }

  take(): void {
    this.refill();
    this.tokens -= 1;
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.spec.burst, this.tokens + ((t - this.last) * this.spec.ratePerSec) / 1000);
    this.last = t;
  }
}

/** Per-network, per-community and per-channel buckets, all of which a message must pass. */
export class RateGate {
  private spec: LimitSpec = {};
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly now: () => number) {}

  set(spec: LimitSpec): void {
    this.spec = spec;
    this.buckets.clear();
  }

  /** Takes a token from every bucket, or throws rate_limited and takes none. */
  pass(community: string, channel: string): void {
    const wanted: TokenBucket[] = [];
    if (this.spec.network) wanted.push(this.bucket('n', this.spec.network));
    if (this.spec.community) wanted.push(this.bucket(`c\u0000${community}`, this.spec.community));
    if (this.spec.channel) wanted.push(this.bucket(`h\u0000${community}\u0000${channel}`, this.spec.channel));
    const wait = Math.max(0, ...wanted.map((b) => b.waitMs()));
    if (wait > 0) throw new PlatformError('rate_limited', `over the memory platform's limit in ${channel}`, wait);
    for (const b of wanted) b.take();
  }

  private bucket(key: string, spec: Bucket): TokenBucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = new TokenBucket(spec, this.now);
      this.buckets.set(key, b);
    }
    return b;
  }
}
