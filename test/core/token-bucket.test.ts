import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bucket } from '../../src/ports/chat-adapter.js';
import { Limiter, type BucketClaim } from '../../src/core/token-bucket.js';

const WORKSPACE: Bucket = { ratePerSec: 5, burst: 5 };
const CHANNEL: Bucket = { ratePerSec: 1, burst: 1 };

/** The platform's side: a token bucket over arrivals (Slack's per-workspace count); the arrivals it refuses. */
function refusedBy(bucket: Bucket, arrivals: readonly number[]): number[] {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let tokens = bucket.burst;
  let last = sorted[0] ?? 0;
  const refused: number[] = [];
  for (const a of sorted) {
    tokens = Math.min(bucket.burst, tokens + ((a - last) * bucket.ratePerSec) / 1000);
    last = a;
    if (tokens < 1 - 1e-9) refused.push(a);
    else tokens -= 1;
  }
  return refused;
}

interface Send {
  /** ms from taking its tokens to reaching the platform, and from there to the answer. */
  readonly toArrival: number;
  readonly toAnswer: number;
  readonly channel: number;
}

/**
 * Sends `sends` through the limiter on a simulated clock (whole ms): each starts as soon as its
 * buckets allow, reaches the platform `toArrival` later and is answered `toAnswer` after that.
 * Returns each arrival, by channel too, and when the last answer came.
 */
function simulate(sends: readonly Send[]): { arrivals: number[]; byChannel: Map<number, number[]>; end: number } {
  const limiter = new Limiter();
  const claims = (s: Send): BucketClaim[] => [
    { key: 'c:T1', bucket: WORKSPACE },
    { key: `ch:${s.channel}`, bucket: CHANNEL },
  ];
  const waiting = [...sends];
  const inFlight: { answerAt: number; send: Send }[] = [];
  const arrivals: number[] = [];
  const byChannel = new Map<number, number[]>();
  let now = 0;
  let end = 0;
  for (let steps = 0; waiting.length > 0 || inFlight.length > 0; steps++) {
    if (steps > 100_000) throw new Error('the limiter never let the sends through');
    let soonest = Infinity;
    for (let i = 0; i < waiting.length;) {
      const s = waiting[i] as Send;
      const wait = limiter.tryTake(claims(s), now);
      if (wait > 0) {
        soonest = Math.min(soonest, now + wait);
        i++;
        continue;
      }
      waiting.splice(i, 1);
      const arrival = now + s.toArrival;
      arrivals.push(arrival);
      byChannel.set(s.channel, [...(byChannel.get(s.channel) ?? []), arrival]);
      inFlight.push({ answerAt: arrival + s.toAnswer, send: s });
    }
    const next = Math.min(soonest, ...inFlight.map((f) => f.answerAt));
    now = Math.max(now, next);
    for (const f of inFlight.filter((x) => x.answerAt <= now)) {
      limiter.settle(claims(f.send), f.answerAt, 'answered');
      inFlight.splice(inFlight.indexOf(f), 1);
      end = Math.max(end, f.answerAt);
    }
  }
  return { arrivals, byChannel, end };
}

const send = fc.record({
  toArrival: fc.integer({ min: 0, max: 400 }),
  toAnswer: fc.integer({ min: 0, max: 60 }),
  channel: fc.integer({ min: 0, max: 11 }),
});

describe('Limiter: buckets counted by arrival', () => {
  it('whatever each send takes to reach the platform, no window of arrivals breaks the limits', () => {
    fc.assert(
      fc.property(fc.array(send, { minLength: 1, maxLength: 40 }), (sends) => {
        const { arrivals, byChannel } = simulate(sends);
        expect(arrivals).toHaveLength(sends.length);
        expect(refusedBy(WORKSPACE, arrivals)).toEqual([]);
        for (const [channel, times] of byChannel) expect(refusedBy(CHANNEL, times), `channel ${channel}`).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('pacing by start time alone would break them: a burst held up on the way lands with the next send', () => {
    // The check above is not vacuous: these arrivals (five sends started at 0 but arriving at
    // 150 ms, the sixth started at 200 ms and arriving at once) are what start-time pacing makes.
    expect(refusedBy(WORKSPACE, [150, 150, 150, 150, 150, 200])).toEqual([200]);
  });

  it('with answers at once, runs at the platform rate: a burst, then one every 1/rate (plus the clock step)', () => {
    const sends = Array.from({ length: 15 }, (_, i) => ({ toArrival: 0, toAnswer: 0, channel: i }));
    const { arrivals } = simulate(sends);
    expect(arrivals.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    // (15 - 5) / 5 per second = 2 s; the anchor is a whole ms after the answer, once.
    expect(Math.max(...arrivals)).toBe(2_001);
  });

  it('a send held on its channel takes no token from its workspace', () => {
    const limiter = new Limiter();
    const busy = [
      { key: 'c:T1', bucket: WORKSPACE },
      { key: 'ch:A', bucket: CHANNEL },
    ];
    expect(limiter.tryTake(busy, 0)).toBe(0);
    limiter.settle(busy, 0, 'answered');
    expect(limiter.tryTake(busy, 10)).toBeGreaterThan(0);
    // The refused one left the workspace's four other tokens to other channels.
    for (const ch of ['B', 'C', 'D', 'E'])
      expect(
        limiter.tryTake(
          [
            { key: 'c:T1', bucket: WORKSPACE },
            { key: `ch:${ch}`, bucket: CHANNEL },
          ],
          10,
        ),
      ).toBe(0);
    expect(limiter.inFlight('c:T1')).toBe(4);
  });

  it('a whole burst in flight holds the next send until one is answered; one never sent frees its place', () => {
    const limiter = new Limiter();
    const c = [{ key: 'c:T1', bucket: WORKSPACE }];
    for (let i = 0; i < 5; i++) expect(limiter.tryTake(c, 0)).toBe(0);
    expect(limiter.tryTake(c, 1_000_000)).toBe(Infinity);
    limiter.settle(c, 0, 'not-sent');
    expect(limiter.tryTake(c, 1)).toBe(0);
  });

  it("after a 429 nothing goes until the platform's Retry-After", () => {
    const limiter = new Limiter();
    const c = [{ key: 'c:T1', bucket: WORKSPACE }];
    expect(limiter.tryTake(c, 0)).toBe(0);
    limiter.settle(c, 5, 'not-sent');
    limiter.block(['c:T1'], 1_005);
    expect(limiter.tryTake(c, 10)).toBe(995);
    expect(limiter.tryTake(c, 1_005)).toBe(0);
  });
});
