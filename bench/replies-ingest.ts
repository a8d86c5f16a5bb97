/**
 * Replies ingested per second through `engine.handle`: dedupe, thread lookup, ask and copy
 * reads, the reply and its indexes written. Targets on 2 cores: >= 20,000/s on the memory
 * store, >= 3,000/s on a SQLite file.
 *
 * Events are built as the adapter would hand them over (a message in a copy's thread), so
 * the figure is the engine and the store, not the memory world's bookkeeping.
 *
 * Run: npx tsx bench/replies-ingest.ts [memoryReplies] [sqliteReplies]
 */
import type { Place } from '../src/ports/places.js';
import { actor, Bed, messageEvent, type StoreKind } from '../test/support/core.js';
import { check, cpuMs, int, median, profiled, result, since } from './measure.js';
import type { MessageEvent } from '../src/ports/events.js';

const ASKS = 300;
const RUNS = 3;
const PEOPLE = 5_000;
const TARGETS: Record<StoreKind, number> = { memory: 20_000, sqlite: 3_000 };
const SIZES: Record<StoreKind, number> = {
  memory: Number(process.argv[2] ?? 30_000),
  sqlite: Number(process.argv[3] ?? 6_000),
};

const CHANNELS = [
  { network: 'north', community: 'N1', channel: 'home', ground: true },
  { network: 'south', community: 'S1', channel: 'a', ground: true },
  { network: 'south', community: 'S1', channel: 'b', ground: true },
  { network: 'south', community: 'S2', channel: 'c', ground: true },
  { network: 'south', community: 'S2', channel: 'd', ground: true },
];
const HOME: Place = { network: 'north', community: 'N1', channel: 'home' };

const TEXTS = [
  'The Open University runs learning circles across every team; ask their L&D lead.',
  'We copied Buurtzorg: small teams teach each other, no central training at all.',
  'Try the working-out-loud circles, they spread on their own after the first cohort.',
  'Look at how GitLab writes everything down; the handbook is the culture.',
];

/** A few hundred open asks, every copy delivered so its thread is bound to its ask. */
async function build(kind: StoreKind): Promise<{ bed: Bed; askIds: string[]; threads: Place[] }> {
  const started = performance.now();
  const bed = await Bed.open({ store: kind, channels: CHANNELS });
  for (let i = 0; i < ASKS; i++) {
    const asker = actor({ ...HOME, user: `asker-${i % 10}` }, `Asker ${i % 10}`);
    await bed.ask(asker, HOME, `Question number ${i}: which organisations have a real culture of collaborative learning?`);
  }
  await bed.drain();
  const askIds = await bed.openAsks();
  const threads: Place[] = [];
  for (const id of askIds) threads.push(...(await bed.copyThreads(id)));
  console.log(`  setup: ${askIds.length} asks, ${threads.length} copy threads in ${since(started).toFixed(2)} s`);
  return { bed, askIds, threads };
}

/** N replies spread over every copy thread, each with its own event id, from many people. */
function events(bed: Bed, threads: readonly Place[], n: number, tag: string): MessageEvent[] {
  const out: MessageEvent[] = [];
  for (let i = 0; i < n; i++) {
    const place = threads[i % threads.length];
    if (!place) throw new Error('no copy threads to reply in');
    const who = actor({ network: place.network, community: place.community, user: `U${i % PEOPLE}` }, `Person ${i % PEOPLE}`);
    out.push(messageEvent(bed.nextEventId(tag), who, place, `${TEXTS[i % TEXTS.length] ?? ''} (${tag} ${i})`));
  }
  return out;
}

/** Feeds the events one after another, as an adapter's sink is called; returns replies/s. */
async function feed(bed: Bed, batch: readonly MessageEvent[]): Promise<{ rate: number; cpuRate: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (const e of batch) await bed.engine.handle(e);
  return { rate: batch.length / since(start), cpuRate: (batch.length * 1000) / cpuMs(cpu) };
}

async function bench(kind: StoreKind): Promise<void> {
  const n = SIZES[kind];
  console.log(`\n${kind} store: ${int(n)} replies per run, median of ${RUNS}`);
  const { bed, askIds, threads } = await build(kind);
  try {
    const warm = events(bed, threads, Math.min(2_000, n), 'warm');
    await feed(bed, warm);
    let before = await bed.storedReplies(askIds);
    const rates: number[] = [];
    let allStored = true;
    const detail: string[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const batch = events(bed, threads, n, `run${run}`);
      const { rate, cpuRate } = await profiled(`replies-ingest-${kind}-run${run}`, () => feed(bed, batch));
      rates.push(rate);
      const after = await bed.storedReplies(askIds);
      const stored = after - before;
      before = after;
      allStored &&= stored === n;
      detail.push(`${int(stored)}/${int(n)}`);
      console.log(`  run ${run}: ${int(rate)} replies/s (${int(cpuRate)} per CPU second), ${int(stored)} replies stored`);
    }
    const figure = median(rates);
    result(`replies ingested/s (${kind})`, `${int(figure)}/s`, `>= ${int(TARGETS[kind])}/s`, figure >= TARGETS[kind]);
    check(`replies stored = replies sent (${kind})`, allStored, `stored per run ${detail.join(', ')}`);
  } finally {
    await bed.close();
  }
}

await bench('memory');
await bench('sqlite');
