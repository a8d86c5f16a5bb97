/**
 * Time to first reply in a simulated network: learned routing against today's routing, on the
 * same seeds. The real engine on memory networks and a manual clock; people and channels answer
 * with per-topic probabilities and delays drawn from the seed (docs/benchmarks.md says the model).
 *
 * "today": `routing.learned` off, no pauses, no cap of firsts, no escalation (the order of
 * before issue 13). "learned": the defaults (learned order, firsts capped at 3 a week, pauses
 * after 3 unanswered prods, escalation after 24 hours).
 *
 * Printed per mode: the median time from an ask to its first reply (an ask nobody answered
 * before it expired counts as never, so it pulls the median up), the share answered within
 * 4 hours, and prods sent per reply that prods brought; then the ratios learned / today.
 *
 * Run: npx tsx bench/first-reply.ts [seeds] [asks]
 */
import { EngineBed } from '../test/support/core.js';
import { ManualClock } from '../test/support/manual-clock.js';
import { engineSettings, type EngineSettings, type SeedGround } from '../src/core/settings.js';
import { threadOf, type Place } from '../src/ports/places.js';
import { median, result } from './measure.js';
import { mulberry32 } from '../test/support/prng.js';
import { buildNetwork, type Sim } from './first-reply-model.js';

const SEEDS = Number(process.argv[2] ?? 5);
const ASKS = Number(process.argv[3] ?? 240);
const HOUR = 3600_000;
/** Asks come this often on average (simulated), over every community. */
const ASK_EVERY_MS = 4 * HOUR;
/** The scheduler's expiry sweep (schedule.expirySweep), which also widens unanswered asks. */
const SWEEP_EVERY_MS = 15 * 60_000;

type Mode = 'today' | 'learned';

function settingsFor(mode: Mode, grounds: SeedGround[]): EngineSettings {
  const base = engineSettings({ grounds, expiry: { days: 3, warnBeforeHours: 12 } });
  base.limits = { ...base.limits, asksPerDay: 1000 };
  if (mode === 'today') {
    base.routing = { learned: false, firstPerWeek: 0, pauseAfterUnanswered: 0 };
    base.escalation = { afterHours: 1e6, communities: {} };
  }
  return base;
}

interface Outcome {
  /** Per ask: ms to its first reply, or Infinity. */
  firsts: number[];
  prods: number;
  prodReplies: number;
}

async function simulate(mode: Mode, seed: number): Promise<Outcome> {
  const rnd = mulberry32(seed);
  const clock = new ManualClock();
  const net = buildNetwork(rnd, seed);
  const bed = new EngineBed(clock, { store: 'memory', settings: settingsFor(mode, net.seedGrounds), adapters: ['north', 'south'] });
  net.populate(bed.world);
  await bed.start();
  for (const p of net.people) await bed.world.command(p.ref, bed.world.dmPlace(p.ref), 'feelers', `topics ${p.listed.join(', ')}`);

  const sim: Sim = { queue: [], seen: new Set() };
  const at = (t: number, run: () => Promise<void>, makesCopies = false) => sim.queue.push({ t, run, makesCopies });
  const start = clock.now();
  let t = start;
  for (let i = 0; i < ASKS; i++) {
    t += Math.round(-Math.log(1 - rnd()) * ASK_EVERY_MS);
    const { asker, text } = net.nextAsk(rnd, i);
    at(
      t,
      async () => {
        await bed.world.command(asker.ref, asker.home, 'ask', text);
        await bed.settle();
      },
      true,
    );
  }
  const end = t + 4 * 24 * HOUR;
  for (let s = start + SWEEP_EVERY_MS; s < end; s += SWEEP_EVERY_MS) {
    at(
      s,
      async () => {
        await bed.engine.expirySweep();
        await bed.settle();
      },
      true,
    );
  }

  // Every new copy the engine sent gets its answers scheduled, drawn from the model.
  const answerNewCopies = async (): Promise<void> => {
    for (const askId of await bed.openAsks()) {
      const ask = await bed.engine.ctx.repo.ask(askId);
      if (!ask) continue;
      for (const copy of await bed.engine.ctx.repo.copiesOf(askId)) {
        if (!copy.ref || sim.seen.has(copy.id)) continue;
        sim.seen.add(copy.id);
        const thread: Place = threadOf(copy.ref);
        const answers = copy.person ? net.personAnswers(askId, copy.person, ask.topics) : net.groundAnswers(askId, copy.place, ask.asker);
        for (const a of answers) {
          at(clock.now() + a.delayMs, async () => {
            await bed.world.say(a.who, thread, `From experience: ${a.text}`);
          });
        }
      }
    }
  };

  for (;;) {
    sim.queue.sort((a, b) => a.t - b.t);
    const next = sim.queue.shift();
    if (!next) break;
    if (next.t > clock.now()) clock.advance(next.t - clock.now());
    await next.run();
    // Only an ask or a sweep (widening) sends copies; a reply never does.
    if (next.makesCopies) await answerNewCopies();
  }

  const repo = bed.engine.ctx.repo;
  const firsts: number[] = [];
  let prods = 0;
  let prodReplies = 0;
  for (const { member: askId } of await bed.store.sortedRange('asks-by-time')) {
    const ask = await repo.ask(askId);
    if (!ask) continue;
    const replies = await repo.repliesOf(askId);
    const first = Math.min(...replies.map((r) => r.at));
    firsts.push(Number.isFinite(first) ? first - ask.createdAt : Infinity);
    const copies = await repo.copiesOf(askId);
    const prodIds = new Set(copies.filter((c) => c.kind === 'prod' && c.ref).map((c) => c.id));
    prods += prodIds.size;
    prodReplies += new Set(replies.filter((r) => r.copyId && prodIds.has(r.copyId)).map((r) => r.copyId)).size;
  }
  await bed.close();
  if (firsts.length !== ASKS) throw new Error(`expected ${ASKS} asks, found ${firsts.length}`);
  return { firsts, prods, prodReplies };
}

function hours(ms: number): string {
  return Number.isFinite(ms) ? `${(ms / HOUR).toFixed(2)} h` : 'never';
}

async function main(): Promise<void> {
  console.log(`first reply: ${SEEDS} seeds × ${ASKS} asks, each seed run with today's routing and with learned routing`);
  const all: Record<Mode, Outcome> = { today: { firsts: [], prods: 0, prodReplies: 0 }, learned: { firsts: [], prods: 0, prodReplies: 0 } };
  const late: Record<Mode, number[]> = { today: [], learned: [] };
  for (let seed = 1; seed <= SEEDS; seed++) {
    for (const mode of ['today', 'learned'] as const) {
      const o = await simulate(mode, seed);
      all[mode].firsts.push(...o.firsts);
      late[mode].push(...o.firsts.slice(Math.floor(o.firsts.length / 2)));
      all[mode].prods += o.prods;
      all[mode].prodReplies += o.prodReplies;
      console.log(`  seed ${seed} ${mode.padEnd(7)}: median ${hours(median(o.firsts))}, ${o.prods} prods, ${o.prodReplies} answered`);
    }
  }
  const figures = (mode: Mode) => {
    const f = all[mode].firsts;
    return {
      median: median(f),
      lateMedian: median(late[mode]),
      within4h: f.filter((x) => x <= 4 * HOUR).length / f.length,
      answered: f.filter((x) => Number.isFinite(x)).length / f.length,
      prodsPerReply: all[mode].prods / Math.max(1, all[mode].prodReplies),
    };
  };
  const today = figures('today');
  const learned = figures('learned');
  for (const [mode, f] of [
    ['today', today],
    ['learned', learned],
  ] as const) {
    result(`${mode}: median time to first reply`, hours(f.median), 'info');
    result(`${mode}: median, second half of the asks`, hours(f.lateMedian), 'info');
    result(`${mode}: answered within 4 h / at all`, `${(f.within4h * 100).toFixed(1)}% / ${(f.answered * 100).toFixed(1)}%`, 'info');
    result(`${mode}: prods sent per reply a prod brought`, f.prodsPerReply.toFixed(2), 'info');
  }
  result('learned / today: median time to first reply', (learned.median / today.median).toFixed(2), '< 1', learned.median < today.median);
  result(
    'learned / today: prods per reply',
    (learned.prodsPerReply / today.prodsPerReply).toFixed(2),
    '< 1',
    learned.prodsPerReply < today.prodsPerReply,
  );
}

await main();
