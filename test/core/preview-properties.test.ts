import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineBed } from '../support/core.js';
import { ManualClock } from '../support/manual-clock.js';
import { settingsWith } from '../support/core-steps.js';
import type { PersonRef, Place } from '../../src/ports/places.js';

/**
 * Audience preview counts equal what is delivered (issue 12), over random topologies: several
 * communities on two networks, some outside the network, channels with and without topics,
 * people who know topics, and random sharing policies. What the preview shows is what Send
 * delivers; when policies change between the two, what is delivered is what the asker is told,
 * and never more than was shown.
 */
const TOPICS = ['a', 'b', 'c'] as const;

const community = fc.record({
  network: fc.constantFrom('north', 'south'),
  allowed: fc.boolean(),
  channels: fc.array(fc.subarray([...TOPICS]), { minLength: 1, maxLength: 3 }),
  experts: fc.array(fc.subarray([...TOPICS], { minLength: 1 }), { maxLength: 3 }),
  sendOnly: fc.option(fc.array(fc.nat(4), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  receiveOnly: fc.option(fc.array(fc.nat(4), { minLength: 1, maxLength: 3 }), { nil: undefined }),
});
const topology = fc.record({
  communities: fc.array(community, { minLength: 2, maxLength: 5 }),
  askTopics: fc.subarray([...TOPICS]),
  // Between the preview and Send: one community changes what it receives (index, or none).
  change: fc.option(fc.record({ who: fc.nat(4), receiveOnly: fc.nat(4) }), { nil: undefined, freq: 2 }),
});
type Topology = typeof topology extends fc.Arbitrary<infer T> ? T : never;

interface Built {
  bed: EngineBed<ManualClock>;
  asker: PersonRef;
  home: Place;
  channels: Place[];
  experts: PersonRef[];
  admins: { who: PersonRef; where: Place }[];
}

async function build(t: Topology): Promise<Built> {
  // Community 0 asks and always belongs; "south" admits only the listed ones.
  const allow = t.communities.flatMap((c, i) => (c.network === 'south' && (c.allowed || i === 0) ? [`K${i}`] : []));
  const bed = new EngineBed(new ManualClock(), {
    store: 'memory',
    settings: settingsWith({
      membership: { allow: { south: allow }, approvals: true },
      limits: { prodsPerAsk: 20, unsolicitedPerWeek: 50 },
    }),
    adapters: ['north', 'south'],
  });
  bed.admission = { south: { every: false, communities: [] } };
  const w = bed.world;
  const channels: Place[] = [];
  const experts: PersonRef[] = [];
  const admins: Built['admins'] = [];
  // Both networks exist in the world even when no community of the topology is on one.
  w.addCommunity('north', { id: 'Z', name: 'Quiet north' });
  w.addCommunity('south', { id: 'Z', name: 'Quiet south' });
  t.communities.forEach((c, i) => {
    w.addCommunity(c.network, { id: `K${i}`, name: `C${i}` });
    const admin = w.addMember(c.network, `K${i}`, { id: `U-admin-${i}`, name: `Admin ${i}`, admin: true });
    c.channels.forEach((_, j) => channels.push(w.addChannel(c.network, `K${i}`, { id: `CH-${i}-${j}`, name: `ch-${i}-${j}` })));
    c.experts.forEach((_, j) => experts.push(w.addMember(c.network, `K${i}`, { id: `U-x-${i}-${j}`, name: `Expert ${i}.${j}` })));
    admins.push({ who: admin, where: { network: c.network, community: `K${i}`, channel: `CH-${i}-0` } });
  });
  await bed.start();
  for (const [i, c] of t.communities.entries()) {
    const admin = admins[i]!;
    for (const [j, topics] of c.channels.entries()) {
      await w.command(admin.who, { ...admin.where, channel: `CH-${i}-${j}` }, 'feelers', `connect ${topics.join(' ')}`);
    }
    for (const [j, topics] of c.experts.entries()) {
      await w.command(
        { network: c.network, community: `K${i}`, user: `U-x-${i}-${j}` },
        admin.where,
        'feelers',
        `topics ${topics.join(' ')}`,
      );
    }
  }
  const names = (ix: number[]) => [...new Set(ix.filter((n) => n < t.communities.length).map((n) => `C${n}`))].join(', ');
  for (const [i, c] of t.communities.entries()) {
    const { who, where } = admins[i]!;
    if (c.sendOnly) await w.command(who, where, 'feelers', `share send only ${names(c.sendOnly)}`);
    if (c.receiveOnly) await w.command(who, where, 'feelers', `share receive only ${names(c.receiveOnly)}`);
  }
  const home = admins[0]!.where;
  const asker = w.addMember(home.network, home.community, { id: 'U-asker', name: 'Asker' });
  await w.command(asker, home, 'feelers', 'preview on');
  return { bed, asker, home, channels, experts, admins };
}

/** The counts a line like "This will reach 3 channels in 2 communities and 1 person who knows #a" says. */
function counts(line: string): [number, number, number] {
  const ch = /(\d+) channels? in (\d+) communit/.exec(line);
  const people = /(\d+) (?:person|people) who know/.exec(line);
  return [Number(ch?.[1] ?? 0), Number(ch?.[2] ?? 0), Number(people?.[1] ?? 0)];
}

/** What was delivered: copies in channels (by channel and community) and prods by DM. */
function delivered(b: Built, marker: string): [number, number, number] {
  const got = b.channels.filter((p) => b.bed.botPosts(p).some((m) => m.text.includes(marker) && / in .+ asks:/.test(m.text)));
  const people = b.experts.filter((p) => b.bed.world.dmsTo(p).some((m) => m.text.includes(marker)));
  return [got.length, new Set(got.map((p) => `${p.network}:${p.community}`)).size, people.length];
}

describe('audience preview over random topologies', () => {
  it('what the preview counts is what Send delivers; after a change, what is delivered is what the asker is told, never more', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(topology, async (t) => {
        const b = await build(t);
        try {
          const marker = `question-${++run}`;
          const tags = t.askTopics.map((x) => `#${x}`).join(' ');
          await b.bed.world.command(b.asker, b.home, 'ask', `${marker} ${tags}`);
          await b.bed.settle();
          const preview = b.bed.lastDm(b.asker);
          const shown = counts(preview.text);
          expect(delivered(b, marker)).toEqual([0, 0, 0]);
          if (t.change && t.change.who < t.communities.length) {
            const { who, where } = b.admins[t.change.who]!;
            await b.bed.world.command(
              who,
              where,
              'feelers',
              `share receive only C${Math.min(t.change.receiveOnly, t.communities.length - 1)}`,
            );
          }
          await b.bed.world.press(b.asker, preview.id, 'Send');
          await b.bed.drain();
          const told = counts(b.bed.lastNotice(b.asker));
          const got = delivered(b, marker);
          expect(got).toEqual(told);
          if (!t.change) expect(got).toEqual(shown);
          expect(got[0]).toBeLessThanOrEqual(shown[0]);
          expect(got[2]).toBeLessThanOrEqual(shown[2]);
        } finally {
          await b.bed.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
