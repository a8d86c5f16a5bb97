/**
 * Retract everywhere on a wide ask: one ask fanned out to 1,000 channels in 100 communities on a
 * memory platform enforcing 1 post/s per channel and 300/min per community (the adapter declares
 * the same limits, and the deliverer paces deletes like any send), then retracted by an operator.
 *
 * Figure: time from the retraction until every copy is deleted and nothing of the ask is owed,
 * against the baseline run in the same process: the same ask on a fresh bed, closed instead,
 * until every copy is edited to say so (the closest existing walk over every copy, through the
 * same outbox and buckets). Target: retraction <= 1.1 x the close. Checks: no copy left, no
 * delivery pending, the moderation record holds the retraction.
 *
 * Run: npx tsx bench/retract.ts [communities] [channelsPerCommunity]
 */
import type { Bucket, DeliveryLimits } from '../src/ports/chat-adapter.js';
import type { Place } from '../src/ports/places.js';
import { actor, Bed } from '../test/support/core.js';
import { sleep } from '../test/support/wait.js';
import { check, int, result, since } from './measure.js';

const NETWORK = 'south';
const COMMUNITY: Bucket = { ratePerSec: 5, burst: 5 };
const CHANNEL: Bucket = { ratePerSec: 1, burst: 1 };
const COMMUNITIES = Number(process.argv[2] ?? 100);
const PER_COMMUNITY = Number(process.argv[3] ?? 10);
const TARGET_RATIO = 1.1;
const HOME: Place = { network: NETWORK, community: 'home', channel: 'asks' };
const QUESTION = 'Who has run a mentoring scheme across several companies, and what made it stick?';

function grounds(): Place[] {
  const out: Place[] = [];
  for (let k = 0; k < COMMUNITIES; k++) {
    for (let j = 0; j < PER_COMMUNITY; j++) out.push({ network: NETWORK, community: `G${k}`, channel: `ch${j}` });
  }
  return out;
}

/** The bot's top-level copies of the question in the grounds' channels that are still there. */
function copiesLeft(bed: Bed): number {
  let n = 0;
  for (const m of bed.world.messages.values()) {
    if (m.byBot && !m.deleted && m.thread === undefined && m.community !== HOME.community && m.text.includes('mentoring scheme')) n++;
  }
  return n;
}

/** A bed with the ask fanned out and every copy delivered; the buckets given time to refill. */
async function fannedOut(): Promise<{ bed: Bed; askId: string }> {
  const all = grounds();
  const limits: DeliveryLimits = { community: COMMUNITY, channel: CHANNEL, concurrency: 16 };
  const bed = await Bed.open({
    store: 'memory',
    channels: [{ ...HOME, ground: false }, ...all.map((g) => ({ ...g, ground: true }))],
    limits: { [NETWORK]: limits },
  });
  bed.world.enforceLimits(NETWORK, { community: COMMUNITY, channel: CHANNEL });
  await bed.ask(actor({ ...HOME, user: 'asker' }, 'Asker'), HOME, QUESTION);
  await bed.drain(120_000);
  const [askId] = await bed.openAsks();
  if (!askId || copiesLeft(bed) !== all.length) throw new Error(`fan-out incomplete: ${copiesLeft(bed)} of ${all.length}`);
  await sleep(2_000);
  return { bed, askId };
}

/** Runs `act`, then delivers until `done` holds and the outbox is empty; seconds taken. */
async function timed(bed: Bed, act: () => Promise<unknown>, done: () => boolean): Promise<number> {
  const start = performance.now();
  await act();
  for (;;) {
    await bed.engine.deliver();
    if (done() && (await bed.engine.ctx.repo.deliveries.outboxSize()) === 0) return since(start);
    if (since(start) > 300) throw new Error('the outbox did not empty in 300 s');
    await sleep(2);
  }
}

const n = COMMUNITIES * PER_COMMUNITY;
console.log(`one ask to ${int(n)} channels in ${int(COMMUNITIES)} communities; 1 post/s per channel, 5/s per community`);

// Baseline: close, which edits every copy through the same outbox and buckets.
const closing = await fannedOut();
let closeS: number;
try {
  const before = closing.bed.world.stats.updates;
  closeS = await timed(
    closing.bed,
    () => closing.bed.engine.operator.closeAsk(closing.askId, { operator: 'bench' }),
    () => closing.bed.world.stats.updates - before >= n,
  );
} finally {
  await closing.bed.close();
}
result(`close: every copy edited, ${int(n)} channels (baseline)`, `${closeS.toFixed(2)} s`, 'baseline');

const retracting = await fannedOut();
try {
  const retractS = await timed(
    retracting.bed,
    () => retracting.bed.engine.operator.retractAsk(retracting.askId, { operator: 'bench' }),
    () => copiesLeft(retracting.bed) === 0,
  );
  const ratio = retractS / closeS;
  result(
    `retract everywhere: every copy deleted, ${int(n)} channels`,
    `${retractS.toFixed(2)} s, ${ratio.toFixed(3)} x the close`,
    `<= ${TARGET_RATIO} x the close`,
    ratio <= TARGET_RATIO,
  );
  check('no copy left', copiesLeft(retracting.bed) === 0, `${int(copiesLeft(retracting.bed))} copies left`);
  const owed = await retracting.bed.engine.ctx.repo.deliveries.outboxSize();
  check('no delivery pending', owed === 0, `${int(owed)} deliveries in the outbox`);
  const log = await retracting.bed.engine.operator.moderation(1, 10);
  check(
    'recorded',
    log.entries.some((e) => e.action === 'retract-ask'),
    `${log.total} moderation entries`,
  );
} finally {
  await retracting.bed.close();
}
