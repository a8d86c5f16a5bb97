import type { MemoryWorld } from '../../../adapters/memory/world.js';
import { defaultSettings, engineSettings, type EngineSettings, type SeedGround } from '../../core/settings.js';
import type { DeliveryLimits } from '../../ports/chat-adapter.js';
import type { PersonRef, Place } from '../../ports/places.js';

/**
 * The playground's world, modelled on feelers' own story (test/support/core.ts): TrainingZone,
 * where Jane asks; L&D Guild, where Harold knows the answer; and two more communities, on three
 * simulated networks. What the engine knows of it (grounds, topics, contacts, opt-outs) is not
 * written into the store by hand: grounds are seeded as YAML grounds are, and people set their
 * topics and contacts with the same `/feelers` commands a platform would carry.
 */

export interface SeedNetwork {
  readonly name: string;
  /** What it plays, for the page. */
  readonly kind: string;
  /** Small budgets (real platforms allow more), so a fan-out to many channels visibly queues. */
  readonly limits: DeliveryLimits;
  /** The budgets in words, for the page. */
  readonly pace: string;
}

export interface SeedPerson {
  readonly id: string;
  readonly name: string;
  readonly admin?: boolean | undefined;
  readonly handle?: string | undefined;
  readonly profileUrl?: string | undefined;
  /** Set with `/feelers topics` on first start. */
  readonly topics?: readonly string[] | undefined;
  /** Set with `/feelers contact` on first start. */
  readonly contact?: string | undefined;
  /** `/feelers optout` on first start. */
  readonly optedOut?: boolean | undefined;
}

export interface SeedChannel {
  readonly id: string;
  readonly name: string;
  /** Connected to feelers (a ground) with these topics; [] receives every question. Unset: not connected. */
  readonly ground?: readonly string[] | undefined;
}

export interface SeedCommunity {
  readonly network: string;
  readonly id: string;
  readonly name: string;
  readonly channels: readonly SeedChannel[];
  readonly people: readonly SeedPerson[];
}

export const NETWORKS: readonly SeedNetwork[] = [
  {
    name: 'workspace',
    kind: 'a Slack-like workspace',
    limits: { channel: { ratePerSec: 1, burst: 3 }, community: { ratePerSec: 4, burst: 8 } },
    pace: 'about 1 message a second per channel, 4 a second per workspace',
  },
  {
    name: 'server',
    kind: 'a Discord-like server',
    limits: { network: { ratePerSec: 5, burst: 10 }, channel: { ratePerSec: 1, burst: 5 } },
    pace: '5 messages a second for the whole network, 5 per 5 seconds per channel',
  },
  {
    name: 'board',
    kind: 'a forum-like board',
    limits: { network: { ratePerSec: 2, burst: 4 } },
    pace: '2 posts a second for the whole board',
  },
];

export const COMMUNITIES: readonly SeedCommunity[] = [
  {
    network: 'workspace',
    id: 'TZ',
    name: 'TrainingZone',
    channels: [
      { id: 'C-any', name: 'any-answers', ground: [] },
      { id: 'C-general', name: 'general' },
    ],
    people: [
      {
        id: 'U-jane',
        name: 'Jane',
        handle: '@jane.tz',
        profileUrl: 'https://trainingzone.example/jane',
        contact: 'jane@trainingzone.example',
      },
      { id: 'U-tess', name: 'Tess', admin: true },
      { id: 'U-omar', name: 'Omar', topics: ['onboarding', 'coaching'] },
    ],
  },
  {
    network: 'workspace',
    id: 'PO',
    name: 'People Ops Circle',
    channels: [
      { id: 'C-help', name: 'help-desk', ground: ['onboarding', 'hr', 'culture'] },
      { id: 'C-random', name: 'random' },
    ],
    people: [
      { id: 'U-priya', name: 'Priya', topics: ['onboarding', 'hr'], contact: 'priya@peopleops.example' },
      { id: 'U-leo', name: 'Leo', topics: ['learning'], optedOut: true },
      { id: 'U-rosa', name: 'Rosa', admin: true },
    ],
  },
  {
    network: 'server',
    id: 'LDG',
    name: 'L&D Guild',
    channels: [
      { id: 'C-ask', name: 'ask-around', ground: ['learning', 'culture', 'onboarding'] },
      { id: 'C-tools', name: 'tools', ground: ['tools', 'lms'] },
    ],
    people: [
      {
        id: 'U-harold',
        name: 'Harold',
        handle: '@harold',
        topics: ['learning', 'culture'],
        contact: 'harold@ldguild.example',
      },
      { id: 'U-karyn', name: 'Karyn' },
      { id: 'U-sam', name: 'Sam', topics: ['learning'], optedOut: true },
      { id: 'U-gita', name: 'Gita', admin: true },
    ],
  },
  {
    network: 'board',
    id: 'CF',
    name: 'Coaching Forum',
    channels: [
      { id: 'C-questions', name: 'questions', ground: [] },
      { id: 'C-intros', name: 'introductions' },
    ],
    people: [
      { id: 'U-maria', name: 'Maria', topics: ['coaching', 'learning'], contact: 'maria@coachingforum.example' },
      { id: 'U-ben', name: 'Ben' },
      { id: 'U-ada', name: 'Ada', admin: true },
    ],
  },
];

/** Who the page acts as until the visitor picks someone: the story's asker. */
export const FIRST_PERSON: PersonRef = { network: 'workspace', community: 'TZ', user: 'U-jane' };

/** Asks per day and unsolicited DMs per week are raised: one visitor plays everyone, many times. */
export function playgroundSettings(base: EngineSettings = defaultSettings): EngineSettings {
  const grounds: SeedGround[] = COMMUNITIES.flatMap((c) =>
    c.channels.flatMap((ch) =>
      ch.ground ? [{ network: c.network, community: c.id, channel: ch.id, topics: [...ch.ground], communityName: c.name }] : [],
    ),
  );
  return engineSettings({
    ...base,
    limits: { ...base.limits, asksPerDay: 200, unsolicitedPerWeek: 200 },
    connect: { allowAnyone: false },
    communityNames: Object.fromEntries(COMMUNITIES.map((c) => [`${c.network}:${c.id}`, c.name])),
    grounds,
  });
}

/** The networks, communities, channels and people, in a fresh world. */
export function buildWorld(world: MemoryWorld): void {
  for (const c of COMMUNITIES) {
    world.addCommunity(c.network, { id: c.id, name: c.name });
    for (const ch of c.channels) world.addChannel(c.network, c.id, { id: ch.id, name: ch.name });
    for (const p of c.people) {
      world.addMember(c.network, c.id, { id: p.id, name: p.name, admin: p.admin, handle: p.handle, profileUrl: p.profileUrl });
    }
  }
}

/** Applies each network's limits to the world (the platform) and returns them for the adapters. */
export function enforceLimits(world: MemoryWorld): void {
  for (const n of NETWORKS) world.enforceLimits(n.name, n.limits);
}

/**
 * On first start, people say what they know and how to reach them, as they would in chat: the
 * engine stores it as its own records.
 */
export async function seedProfiles(world: MemoryWorld): Promise<void> {
  for (const c of COMMUNITIES) {
    for (const p of c.people) {
      const who: PersonRef = { network: c.network, community: c.id, user: p.id };
      const dm: Place = world.dmPlace(who);
      if (p.topics) await world.command(who, dm, 'feelers', `topics ${p.topics.join(' ')}`);
      if (p.contact) await world.command(who, dm, 'feelers', `contact ${p.contact}`);
      if (p.optedOut) await world.command(who, dm, 'feelers', 'optout');
    }
  }
}

/** How many channels "Connect more channels" adds at a time, and the most the world takes. */
export const GROW_BY = 50;
export const GROW_MAX = 300;

/**
 * Adds `GROW_BY` channels spread over the communities other than TrainingZone, each connected
 * by its community's admin with `/feelers connect` (no topics: they receive every question).
 * Returns how many were added (0 once the world has GROW_MAX of them).
 */
export async function growChannels(world: MemoryWorld): Promise<number> {
  const hosts = COMMUNITIES.filter((c) => c.id !== 'TZ');
  const existing = world.communities().reduce((n, c) => n + c.channels.filter((ch) => ch.id.startsWith('C-circle-')).length, 0);
  const add = Math.min(GROW_BY, GROW_MAX - existing);
  for (let i = 0; i < add; i++) {
    const n = existing + i + 1;
    const host = hosts[(n - 1) % hosts.length];
    const admin = host?.people.find((p) => p.admin);
    if (!host || !admin) continue;
    const label = String(n).padStart(3, '0');
    const place = world.addChannel(host.network, host.id, { id: `C-circle-${label}`, name: `circle-${label}` });
    await world.command({ network: host.network, community: host.id, user: admin.id }, place, 'feelers', 'connect');
  }
  return add;
}
