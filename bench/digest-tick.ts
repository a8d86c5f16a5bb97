/**
 * One digest tick over 10,000 open asks, 1,000 of them with 1-3 new replies: the tick plus
 * draining its digests to the memory adapter. Target: < 0.5 s on the memory store; the
 * SQLite figure is printed for information.
 *
 * The asks are built through the engine (asks-per-day raised), so setup takes a while; it is
 * reported apart from the timed tick.
 *
 * Run: npx tsx bench/digest-tick.ts [asks] [withReplies] [memory|sqlite|both]
 */
import type { Place } from '../src/ports/places.js';
import { actor, Bed, messageEvent, type StoreKind } from '../test/support/core.js';
import { check, cpuMs, int, profiled, result, since } from './measure.js';

const ASKS = Number(process.argv[2] ?? 10_000);
const WITH_REPLIES = Number(process.argv[3] ?? 1_000);
const WHICH = process.argv[4] ?? 'both';
const TARGET_S = 0.5;

const HOME: Place = { network: 'north', community: 'N1', channel: 'home' };
const GROUND: Place = { network: 'south', community: 'S1', channel: 'ground' };

interface Built {
  readonly bed: Bed;
  readonly askIds: string[];
  readonly replies: number;
}

async function build(kind: StoreKind): Promise<Built> {
  const started = performance.now();
  const bed = await Bed.open({
    store: kind,
    channels: [
      { ...HOME, ground: false },
      { ...GROUND, ground: true },
    ],
  });
  for (let i = 0; i < ASKS; i++) {
    const asker = actor({ ...HOME, user: `asker-${i % 50}` }, `Asker ${i % 50}`);
    await bed.ask(asker, HOME, `Question ${i}: who has moved a team from yearly reviews to continuous feedback?`);
    // Drain as we go, so the outbox never holds thousands of sends at once (as in production).
    if (i % 500 === 499) await bed.drain();
  }
  await bed.drain();
  const askIds = await bed.openAsks();
  const built = performance.now();
  console.log(`  asks: ${int(askIds.length)} open, built in ${since(started).toFixed(1)} s`);

  // Every tenth ask gets 1-3 replies in its copy's thread.
  const step = Math.max(1, Math.floor(askIds.length / WITH_REPLIES));
  let replies = 0;
  for (let k = 0; k < WITH_REPLIES; k++) {
    const askId = askIds[k * step];
    const thread = askId === undefined ? undefined : (await bed.copyThreads(askId))[0];
    if (!thread) throw new Error(`ask ${k * step} has no delivered copy`);
    for (let r = 0; r <= k % 3; r++) {
      const who = actor({ ...GROUND, user: `U${(k * 3 + r) % 2_000}` }, `Person ${r}`);
      await bed.engine.handle(
        messageEvent(bed.nextEventId('reply'), who, thread, `Answer ${r} to ask ${k}: we did it in 2023, ask me how.`),
      );
      replies++;
    }
  }
  console.log(`  replies: ${int(replies)} on ${int(WITH_REPLIES)} asks in ${since(built).toFixed(1)} s`);
  return { bed, askIds, replies };
}

/** Bot messages in the threads of the ask cards: the digests. */
async function digestsPosted(bed: Bed, askIds: readonly string[]): Promise<number> {
  const cards = new Set<string>();
  for (const id of askIds) {
    const card = await bed.engine.ctx.repo.askCard(id);
    if (card) cards.add(card.thread ?? card.id);
  }
  let n = 0;
  for (const m of bed.world.messages.values()) {
    if (m.byBot && m.network === HOME.network && m.channel === HOME.channel && m.thread !== undefined && cards.has(m.thread)) n++;
  }
  return n;
}

async function bench(kind: StoreKind): Promise<void> {
  console.log(`\n${kind} store: ${int(ASKS)} open asks, ${int(WITH_REPLIES)} with new replies`);
  const setupStart = performance.now();
  const { bed, askIds } = await build(kind);
  try {
    result(`digest setup time (${kind})`, `${since(setupStart).toFixed(1)} s`, 'not timed', undefined);
    const before = await digestsPosted(bed, askIds);
    const cpu = process.cpuUsage();
    const start = performance.now();
    let tickS = 0;
    const { digests } = await profiled(`digest-tick-${kind}`, async () => {
      const tick = await bed.engine.digestTick();
      tickS = since(start);
      await bed.engine.deliver();
      return tick;
    });
    const totalS = since(start);
    console.log(
      `  tick ${(tickS * 1000).toFixed(0)} ms (${int(digests)} digests written), drained ${((totalS - tickS) * 1000).toFixed(0)} ms;` +
        ` CPU ${cpuMs(cpu).toFixed(0)} ms (wall time above CPU time is other processes on a shared machine)`,
    );
    const target = kind === 'memory' ? `< ${TARGET_S} s` : 'info';
    result(`digest tick + drain (${kind})`, `${totalS.toFixed(3)} s`, target, kind === 'memory' ? totalS < TARGET_S : undefined);
    const posted = (await digestsPosted(bed, askIds)) - before;
    check(
      `digests posted = asks with replies (${kind})`,
      posted === WITH_REPLIES && digests === WITH_REPLIES,
      `${int(posted)} posted, tick says ${int(digests)}, want ${int(WITH_REPLIES)}`,
    );
  } finally {
    await bed.close();
  }
}

if (WHICH !== 'sqlite') await bench('memory');
if (WHICH !== 'memory') await bench('sqlite');
