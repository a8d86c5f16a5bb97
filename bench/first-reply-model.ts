/**
 * The simulated network of bench/first-reply.ts: communities, their channels (grounds) and
 * people, and who answers what, how likely and how fast. Everything is drawn from the seed, and
 * each answer from a generator seeded by the seed, the ask and the target, so both routings see
 * the same network, the same asks, and the same answer from the same person to the same ask.
 */
import type { MemoryWorld } from '../adapters/memory/index.js';
import type { SeedGround } from '../src/core/settings.js';
import { samePerson, type PersonRef, type Place } from '../src/ports/places.js';
import { mulberry32 } from '../test/support/prng.js';

export const TOPICS = [
  'onboarding',
  'coaching',
  'learning',
  'hiring',
  'culture',
  'remote',
  'feedback',
  'leadership',
  'analytics',
  'mentoring',
  'wellbeing',
  'tooling',
];
const COMMUNITIES = 8;
const MEMBERS = 12;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** How likely someone answers, and how long they take (uniform between the two). */
interface Answering {
  readonly p: number;
  readonly minMs: number;
  readonly maxMs: number;
}

export interface SimPerson {
  readonly ref: PersonRef;
  readonly name: string;
  /** The channel they ask in: their community's general channel. */
  readonly home: Place;
  /** What they told feelers they know (`/feelers topics`). */
  readonly listed: string[];
  /** How they really answer, per listed topic: some are real experts, most are not, a few never answer. */
  readonly skill: Record<string, Answering>;
}

interface SimGround {
  readonly place: Place;
  readonly topics: string[];
  readonly answering: Answering;
  readonly members: PersonRef[];
}

export interface Answer {
  readonly who: PersonRef;
  readonly delayMs: number;
  readonly text: string;
}

export interface Sim {
  queue: { t: number; run: () => Promise<void>; makesCopies: boolean }[];
  seen: Set<string>;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  const x = xs[Math.floor(rnd() * xs.length)];
  if (x === undefined) throw new Error('pick from an empty list');
  return x;
}

function some(rnd: () => number, n: number): string[] {
  const out = new Set<string>();
  while (out.size < n) out.add(pick(rnd, TOPICS));
  return [...out];
}

function delay(rnd: () => number, a: Answering): number {
  return Math.round(a.minMs + rnd() * (a.maxMs - a.minMs));
}

export function buildNetwork(rnd: () => number, seed: number) {
  const people: SimPerson[] = [];
  const grounds: SimGround[] = [];
  for (let c = 0; c < COMMUNITIES; c++) {
    const network = c < COMMUNITIES / 2 ? 'north' : 'south';
    const community = `C${c}`;
    const members: PersonRef[] = [];
    const home: Place = { network, community, channel: `${community}-general` };
    for (let m = 0; m < MEMBERS; m++) {
      const ref = { network, community, user: `${community}-U${m}` };
      members.push(ref);
      const listed = some(rnd, 2 + Math.floor(rnd() * 2));
      const silent = rnd() < 0.2;
      const skill: Record<string, Answering> = {};
      for (const t of listed) {
        skill[t] = silent
          ? { p: 0, minMs: 0, maxMs: 0 }
          : rnd() < 0.35
            ? { p: 0.75, minMs: 10 * MINUTE, maxMs: 90 * MINUTE }
            : { p: 0.08, minMs: 4 * HOUR, maxMs: 36 * HOUR };
      }
      people.push({ ref, name: `Person ${community}-${m}`, home, listed, skill });
    }
    for (let g = 0; g < 3; g++) {
      const place = g === 0 ? home : { network, community, channel: `${community}-ch${g}` };
      const r = rnd();
      const answering =
        r < 0.3
          ? { p: 0.45, minMs: 30 * MINUTE, maxMs: 3 * HOUR }
          : r < 0.7
            ? { p: 0.25, minMs: 6 * HOUR, maxMs: 30 * HOUR }
            : { p: 0.03, minMs: HOUR, maxMs: 48 * HOUR };
      grounds.push({ place, topics: g === 0 ? [] : some(rnd, 2), answering, members });
    }
  }
  const answerRnd = (askId: string, target: string) => mulberry32(hash(`${seed}|${askId}|${target}`));

  return {
    people,
    seedGrounds: grounds.map((g): SeedGround => ({ ...g.place, topics: g.topics, communityName: `Community ${g.place.community}` })),

    populate(world: MemoryWorld): void {
      for (let c = 0; c < COMMUNITIES; c++) {
        const network = c < COMMUNITIES / 2 ? 'north' : 'south';
        world.addCommunity(network, { id: `C${c}`, name: `Community C${c}` });
      }
      for (const g of grounds) world.addChannel(g.place.network, g.place.community, { id: g.place.channel, name: g.place.channel });
      for (const p of people) world.addMember(p.ref.network, p.ref.community, { id: p.ref.user, name: p.name });
    },

    nextAsk(r: () => number, i: number): { asker: SimPerson; text: string } {
      const asker = pick(r, people);
      const topics = some(r, r() < 0.7 ? 1 : 2);
      return { asker, text: `Question ${i}: what worked for you? ${topics.map((t) => `#${t}`).join(' ')}` };
    },

    /** A prodded person answers at most once, if they really know one of the ask's topics. */
    personAnswers(askId: string, who: PersonRef, topics: readonly string[]): Answer[] {
      const p = people.find((x) => samePerson(x.ref, who));
      const best = topics.map((t) => p?.skill[t]).reduce<Answering | undefined>((a, b) => (b && (!a || b.p > a.p) ? b : a), undefined);
      const r = answerRnd(askId, who.user);
      if (!p || !best || r() >= best.p) return [];
      return [{ who, delayMs: delay(r, best), text: `${p.name} knows this one.` }];
    },

    /** A channel's crowd: someone answers with the channel's likelihood, and sometimes a second person. */
    groundAnswers(askId: string, place: Place | undefined, asker: PersonRef): Answer[] {
      const g = grounds.find((x) => place && x.place.channel === place.channel);
      if (!g) return [];
      const r = answerRnd(askId, g.place.channel);
      const out: Answer[] = [];
      for (const chance of [g.answering.p, g.answering.p / 2]) {
        if (r() >= chance) break;
        const who = pick(
          r,
          g.members.filter((m) => !samePerson(m, asker)),
        );
        out.push({ who, delayMs: delay(r, g.answering), text: 'here is what we did.' });
      }
      return out;
    },
  };
}
