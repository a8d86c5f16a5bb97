/**
 * Fan-out of one ask through the deliverer's token buckets, against a memory platform that
 * enforces the same limits and answers 429 when they are broken. Limits: 1 post/s per channel
 * (burst 1) and 300/min per community (5/s, burst 5), declared by the adapter and enforced by
 * the world.
 *
 * Figure: time from the ask event until every copy is delivered, over the floor those limits
 * allow (computed here from the posts the ask needs). Target: <= 1.1, with no 429s and exactly
 * one copy per channel.
 *
 * Run: npx tsx bench/fan-out.ts [concurrency]
 */
import type { Bucket, DeliveryLimits } from '../src/ports/chat-adapter.js';
import type { Place } from '../src/ports/places.js';
import { actor, Bed } from '../test/support/core.js';
import { sleep } from '../test/support/wait.js';
import { check, int, profiled, result, since } from './measure.js';

const NETWORK = 'south';
const COMMUNITY: Bucket = { ratePerSec: 5, burst: 5 };
const CHANNEL: Bucket = { ratePerSec: 1, burst: 1 };
const CONCURRENCY = Number(process.argv[2] ?? 16);
const TARGET_RATIO = 1.1;
/** The asker's own community: its ask card spends no ground community's tokens. */
const HOME: Place = { network: NETWORK, community: 'home', channel: 'asks' };

interface Case {
  readonly name: string;
  readonly communities: number;
  readonly channelsPerCommunity: number;
}

const CASES: readonly Case[] = [
  { name: '1,000 channels in 100 communities', communities: 100, channelsPerCommunity: 10 },
  { name: '100 channels in 1 community', communities: 1, channelsPerCommunity: 100 },
];

function groundsOf(c: Case): Place[] {
  const out: Place[] = [];
  for (let k = 0; k < c.communities; k++) {
    for (let j = 0; j < c.channelsPerCommunity; j++) {
      out.push({ network: NETWORK, community: `G${String(k).padStart(3, '0')}`, channel: `ch${String(j).padStart(3, '0')}` });
    }
  }
  return out;
}

/** Seconds that n posts through one bucket need at the least: the first `burst` go at once. */
function bucketFloor(n: number, b: Bucket): number {
  return n > b.burst ? (n - b.burst) / b.ratePerSec : 0;
}

/** The fastest any sender could deliver these posts: the slowest community or channel bucket. */
function floorSeconds(posts: readonly Place[], limits: { community: Bucket; channel: Bucket }): number {
  const perCommunity = new Map<string, number>();
  const perChannel = new Map<string, number>();
  for (const p of posts) {
    const c = `${p.network}\u0000${p.community}`;
    perCommunity.set(c, (perCommunity.get(c) ?? 0) + 1);
    const ch = `${c}\u0000${p.channel}`;
    perChannel.set(ch, (perChannel.get(ch) ?? 0) + 1);
  }
  let floor = 0;
  for (const n of perCommunity.values()) floor = Math.max(floor, bucketFloor(n, limits.community));
  for (const n of perChannel.values()) floor = Math.max(floor, bucketFloor(n, limits.channel));
  return floor;
}

/** Top-level bot posts per channel of the grounds' network. */
function postsPerChannel(bed: Bed): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of bed.world.messages.values()) {
    if (!m.byBot || m.thread !== undefined || m.network !== NETWORK || m.community === HOME.community) continue;
    const key = `${m.community}/${m.channel}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

async function run(c: Case): Promise<void> {
  const grounds = groundsOf(c);
  console.log(`\n${c.name}: concurrency ${CONCURRENCY}`);
  const limits: DeliveryLimits = { community: COMMUNITY, channel: CHANNEL, concurrency: CONCURRENCY };
  const bed = await Bed.open({
    store: 'memory',
    channels: [{ ...HOME, ground: false }, ...grounds.map((g) => ({ ...g, ground: true }))],
    limits: { [NETWORK]: limits },
  });
  try {
    bed.world.enforceLimits(NETWORK, { community: COMMUNITY, channel: CHANNEL });
    const floor = floorSeconds([HOME, ...grounds], { community: COMMUNITY, channel: CHANNEL });
    const asker = actor({ ...HOME, user: 'asker' }, 'Asker');
    const deadline = floor * 3 + 30;

    const start = performance.now();
    let intakeS = 0;
    let passes = 0;
    let delivered = 0;
    await profiled(`fan-out-${c.communities}x${c.channelsPerCommunity}`, async () => {
      await bed.ask(asker, HOME, 'Who has run a mentoring scheme across several companies, and what made it stick?');
      intakeS = since(start);
      for (;;) {
        await bed.engine.deliver();
        passes++;
        delivered = [...postsPerChannel(bed).values()].reduce((a, b) => a + b, 0);
        if (delivered >= grounds.length || since(start) > deadline) break;
        // Something waits on a backoff or a 429's Retry-After: the deliverer wakes itself.
        await sleep(2);
      }
    });
    const elapsed = since(start);
    const ratio = elapsed / floor;
    console.log(
      `  floor ${floor.toFixed(2)} s, took ${elapsed.toFixed(3)} s (intake ${(intakeS * 1000).toFixed(0)} ms, ` +
        `${int(delivered)} copies, ${passes} deliver() call${passes === 1 ? '' : 's'})`,
    );
    result(
      `fan-out time/floor, ${c.name}`,
      `${ratio.toFixed(3)} (${elapsed.toFixed(2)} s / ${floor.toFixed(2)} s)`,
      `<= ${TARGET_RATIO}`,
      ratio <= TARGET_RATIO,
    );
    const limited = bed.world.stats.rateLimited;
    result(`fan-out 429s received, ${c.name}`, int(limited), '0', limited === 0);
    const counts = postsPerChannel(bed);
    const wrong = grounds.filter((g) => counts.get(`${g.community}/${g.channel}`) !== 1);
    check(
      `one copy per channel, ${c.name}`,
      wrong.length === 0,
      `${int(grounds.length - wrong.length)}/${int(grounds.length)} channels got exactly one`,
    );
  } finally {
    await bed.close();
  }
}

for (const c of CASES.filter((x) => !process.env.FANOUT_CASE || x.name.startsWith(process.env.FANOUT_CASE))) await run(c);
