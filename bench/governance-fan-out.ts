/**
 * What governance costs a fan-out: one ask to 1,000 channels in 100 communities on SQLite, with
 * no rate limits (so the figure is the engine's own work: intake, the outbox, the deliverer's
 * last look before each send), in two worlds run alternately in the same process:
 *
 * - baseline: no governance data (every community admitted by its network, no sharing policy,
 *   the default path every deployment starts on);
 * - governed: the grounds' network admits nobody on its own, all 100 communities are on the
 *   allowlist but half were approved by an operator instead (a `community:` record each), and
 *   every community has a sharing policy (receive only from the asker's community and 10 others,
 *   names hidden), so fan-out and every send read them.
 *
 * Figures: intake (the ask event until its copies are in the outbox) and intake-to-delivered
 * time for each, best of three, and the governed/baseline ratio. Target: ratio <= 1.25.
 *
 * Then the gate every inbound event passes (membership.ts): 3,000 reply events handled on
 * SQLite in the governed world, and the same number of membership decisions alone, in the same
 * process: the gate's share of an event's time. Target: <= 15 %.
 *
 * Run: npx tsx bench/governance-fan-out.ts
 */
import type { Place } from '../src/ports/places.js';
import { actor, Bed, messageEvent } from '../test/support/core.js';
import { check, int, result, since } from './measure.js';

const NETWORK = 'south';
const HOME: Place = { network: 'north', community: 'home', channel: 'asks' };
const COMMUNITIES = 100;
const CHANNELS = 10;
const RUNS = 3;
const TARGET = 1.25;

function grounds(): Place[] {
  const out: Place[] = [];
  for (let k = 0; k < COMMUNITIES; k++)
    for (let j = 0; j < CHANNELS; j++) out.push({ network: NETWORK, community: `G${k}`, channel: `ch${j}` });
  return out;
}

async function once(governed: boolean, n: number): Promise<{ intake: number; total: number; copies: number }> {
  const all = grounds();
  const bed = await Bed.open({ store: 'sqlite', channels: [{ ...HOME, ground: false }, ...all.map((g) => ({ ...g, ground: true }))] });
  try {
    if (governed) {
      // The network admits nobody on its own: half the communities are listed, half approved.
      bed.settings.membership = { allow: { [NETWORK]: Array.from({ length: COMMUNITIES / 2 }, (_, k) => `G${k}`) }, approvals: true };
      bed.admission = { [NETWORK]: { every: false, communities: [] } };
      await bed.restart();
      const { repo } = bed.engine.ctx;
      const others = Array.from({ length: 10 }, (_, k) => `${NETWORK}:G${(k * 7) % COMMUNITIES}`);
      for (let k = 0; k < COMMUNITIES; k++) {
        if (k >= COMMUNITIES / 2) {
          await repo.communities.save({
            network: NETWORK,
            community: `G${k}`,
            name: `Community G${k}`,
            state: 'approved',
            since: 0,
            waiting: [],
          });
        }
        await repo.communities.saveSharing({
          network: NETWORK,
          community: `G${k}`,
          sendTo: 'all',
          receiveFrom: ['north:home', ...others],
          names: 'hidden',
        });
      }
      await repo.communities.saveSharing({ network: 'north', community: 'home', sendTo: 'all', receiveFrom: 'all', names: 'hidden' });
    }
    const asker = actor({ ...HOME, user: `asker-${n}` }, 'Asker');
    const start = performance.now();
    await bed.ask(asker, HOME, 'Who has run a mentoring scheme across several companies, and what made it stick?');
    const intake = since(start);
    await bed.drain(120_000);
    const total = since(start);
    const copies = [...bed.world.messages.values()].filter((m) => m.byBot && m.network === NETWORK && m.thread === undefined).length;
    return { intake, total, copies };
  } finally {
    await bed.close();
  }
}

const best = { baseline: { intake: Infinity, total: Infinity }, governed: { intake: Infinity, total: Infinity } };
let copies = { baseline: 0, governed: 0 };
for (let r = 0; r < RUNS; r++) {
  for (const kind of r % 2 === 0 ? (['baseline', 'governed'] as const) : (['governed', 'baseline'] as const)) {
    const got = await once(kind === 'governed', r);
    best[kind] = { intake: Math.min(best[kind].intake, got.intake), total: Math.min(best[kind].total, got.total) };
    copies = { ...copies, [kind]: got.copies };
    console.log(
      `  ${kind}: intake ${(got.intake * 1000).toFixed(0)} ms, delivered in ${got.total.toFixed(2)} s, ${int(got.copies)} copies`,
    );
  }
}
check('baseline sends a copy to every channel', copies.baseline === COMMUNITIES * CHANNELS, `${int(copies.baseline)} copies`);
check(
  'governed sends every copy (all 100 communities receive from the asker)',
  copies.governed === COMMUNITIES * CHANNELS,
  `${int(copies.governed)} copies`,
);
const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;
result('governance fan-out intake, baseline (no governance data)', ms(best.baseline.intake), 'info');
result('governance fan-out intake, governed', ms(best.governed.intake), 'info');
result('governance fan-out to delivered, baseline', `${best.baseline.total.toFixed(2)} s`, 'info');
result('governance fan-out to delivered, governed', `${best.governed.total.toFixed(2)} s`, 'info');
const ratio = best.governed.total / best.baseline.total;
result('governance fan-out governed/baseline (1,000 channels, SQLite)', ratio.toFixed(3), `<= ${TARGET}`, ratio <= TARGET);

/** The gate's share of handling a reply event, on SQLite, with a `community:` record to read. */
async function gateShare(): Promise<void> {
  const N = 3_000;
  const bed = await Bed.open({
    store: 'sqlite',
    channels: [
      { ...HOME, ground: false },
      ...grounds()
        .slice(0, 10)
        .map((g) => ({ ...g, ground: true })),
    ],
  });
  try {
    bed.settings.membership = { allow: {}, approvals: true };
    bed.admission = { [NETWORK]: { every: false, communities: [] } };
    await bed.restart();
    await bed.engine.ctx.repo.communities.save({ network: NETWORK, community: 'G0', name: 'G0', state: 'approved', since: 0, waiting: [] });
    await bed.ask(actor({ ...HOME, user: 'asker' }, 'Asker'), HOME, 'Who runs mentoring well?');
    await bed.drain();
    const [askId] = await bed.openAsks();
    const [thread] = await bed.copyThreads(askId ?? '');
    if (!thread) throw new Error('no copy thread');
    const events = Array.from({ length: N }, (_, i) =>
      messageEvent(bed.nextEventId('gate'), actor({ ...thread, user: `U${i % 50}` }, `Person ${i % 50}`), thread, `answer ${i}`),
    );
    let start = performance.now();
    for (const e of events) await bed.engine.handle(e);
    const handled = since(start);
    start = performance.now();
    for (let i = 0; i < N; i++) await bed.engine.ctx.membership.standing(NETWORK, 'G0');
    const gate = since(start);
    const stored = (await bed.storedReplies([askId ?? ''])) === N;
    check('every reply through the gate was stored', stored, `${N} events`);
    result('reply events handled per second (SQLite, governed)', `${int(N / handled)}/s`, 'info');
    const share = gate / handled;
    result(
      'membership gate share of an event (SQLite)',
      `${(share * 100).toFixed(1)} % (${((gate / N) * 1e6).toFixed(0)} µs of ${((handled / N) * 1e6).toFixed(0)} µs)`,
      '<= 15 %',
      share <= 0.15,
    );
  } finally {
    await bed.close();
  }
}
await gateShare();
