/** The steps a test takes on a Story (./core.ts): ask, digest, press a button, count what the world shows. */
import { afterEach } from 'vitest';
import type { StoredMessage } from '../../adapters/memory/world-types.js';
import type { ActionEvent, Actor } from '../../src/ports/events.js';
import type { PersonRef, Place } from '../../src/ports/places.js';
import { engineSettings, type EngineSettings } from '../../src/core/settings.js';
import { Story, type StoreKind } from './core.js';

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

type SettingsOver = Omit<Partial<EngineSettings>, 'limits' | 'expiry' | 'connect'> & {
  limits?: Partial<EngineSettings['limits']>;
  expiry?: Partial<EngineSettings['expiry']>;
  connect?: Partial<EngineSettings['connect']>;
};

/** `engineSettings` with nested parts given partly (the harness merges them over the defaults). */
export function settingsWith(over: SettingsOver = {}): EngineSettings {
  return engineSettings(over as Partial<EngineSettings>);
}

/** A started story; pass it to `track` so the test's afterEach closes it. */
export async function startStory(kind: StoreKind = 'memory', over: SettingsOver = {}): Promise<Story> {
  return new Story(kind, settingsWith(over)).start();
}

/** What the world has shown so far, to prove an action added nothing anywhere. */
export interface WorldCounts {
  readonly messages: number;
  readonly posts: number;
  readonly dms: number;
  readonly updates: number;
  readonly notices: number;
}

export function counts(s: Story): WorldCounts {
  const st = s.world.stats;
  return { messages: s.world.messages.size, posts: st.posts, dms: st.dms, updates: st.updates, notices: s.world.notices.length };
}

/** Runs `act`, lets the outbox drain, and returns the counts before and after. */
export async function measure(s: Story, act: () => Promise<unknown>): Promise<{ before: WorldCounts; after: WorldCounts }> {
  await s.settle();
  const before = counts(s);
  await act();
  await s.settle();
  return { before, after: counts(s) };
}

/** Asks as `who` in `where` and lets the outbox drain; returns the ask card (the bot's newest post there). */
export async function ask(s: Story, who: PersonRef, where: Place, text: string): Promise<StoredMessage> {
  await s.world.command(who, where, 'ask', text);
  await s.settle();
  return s.last(where);
}

/** The bot's copy of an ask in a channel, found by a piece of the question's text. */
export function copyOf(s: Story, place: Place, piece: string): StoredMessage | undefined {
  return s.botPosts(place).find((m) => m.text.includes(piece));
}

/** The DMs the bot sent this person that contain `piece`. */
export function dmsWith(s: Story, p: PersonRef, piece: string): StoredMessage[] {
  return s.world.dmsTo(p).filter((m) => m.text.includes(piece));
}

/** Adds a member to L&D Guild (network "south", community G1). */
export function guildMember(
  s: Story,
  id: string,
  name: string,
  extra: { admin?: boolean; isBot?: boolean; manages?: string[] } = {},
): PersonRef {
  return s.world.addMember('south', 'G1', { id, name, ...extra });
}

/**
 * A third community on the "south" network, the Coaching Forum: its channel #forum, Fiona (an
 * admin) and Cora. Added to the world (before or after the story starts); connecting is the test's.
 */
export function addCoachingForum(s: Story): { forum: Place; fiona: PersonRef; cora: PersonRef } {
  s.world.addCommunity('south', { id: 'G2', name: 'Coaching Forum' });
  return {
    forum: s.world.addChannel('south', 'G2', { id: 'C-forum', name: 'forum' }),
    fiona: s.world.addMember('south', 'G2', { id: 'U-fiona', name: 'Fiona', admin: true }),
    cora: s.world.addMember('south', 'G2', { id: 'U-cora', name: 'Cora' }),
  };
}

/** `/feelers topics ...` typed by `p` in their DM with the bot. */
export async function setTopics(s: Story, p: PersonRef, topics: string): Promise<void> {
  await s.world.command(p, s.world.dmPlace(p), 'feelers', `topics ${topics}`);
}

/** Runs a digest tick with the clock moved past the interval, then drains the outbox. */
export async function digest(s: Story): Promise<number> {
  s.clock.advance(10 * 60_000);
  const { digests } = await s.engine.digestTick();
  await s.settle();
  return digests;
}

/** How often `piece` occurs in `text`. */
export function occurrences(text: string, piece: string): number {
  return text.split(piece).length - 1;
}

let handSeq = 0;

/**
 * An action event built by hand, as a platform would send it for a press the memory world
 * refuses to make (someone pressing a button in another person's DM, or a button that never
 * existed). Rights and names come from the world's member record.
 */
export function handPress(s: Story, who: PersonRef, actionId: string, form?: ActionEvent['form'], place?: Place): ActionEvent {
  const m = s.world.member(who);
  const actor: Actor = {
    ...who,
    name: m.name,
    isBot: m.isBot,
    isSelf: false,
    rights: { admin: m.admin, manageChannel: false },
    handle: m.handle,
    profileUrl: m.profileUrl,
  };
  return {
    kind: 'action',
    id: `hand:${who.network}:${++handSeq}`,
    actor,
    place: place ?? s.world.dmPlace(who),
    actionId,
    form,
  };
}

/** The opaque id of a card's button, by label. */
export function buttonId(m: StoredMessage, label: string): string {
  for (const b of m.card?.blocks ?? []) {
    if (b.type !== 'buttons') continue;
    const found = b.buttons.find((x) => x.label === label);
    if (found) return found.id;
  }
  throw new Error(`message ${m.id} has no button "${label}"`);
}

/** One Story per test, closed after it: `const started = storyPerTest();` at the top of a file. */
export function storyPerTest(): (...args: Parameters<typeof startStory>) => Promise<Story> {
  let s: Story | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });
  return async (...args) => {
    s = await startStory(...args);
    return s;
  };
}

export const QUESTION = 'Which organisations have a successful culture of collaborative learning? #learning';
export const DIGEST_INTERVAL = 10 * 60_000;

/** Both communities connected, Jane's question asked and out: the story's opening. */
export async function askedAndCopiedOn(kind: StoreKind): Promise<{ s: Story; card: StoredMessage; copy: StoredMessage }> {
  const s = await new Story(kind).start();
  await s.connectBoth();
  await s.world.command(s.jane, s.anyAnswers, 'ask', QUESTION);
  await s.settle();
  return { s, card: s.last(s.anyAnswers), copy: s.last(s.askAround) };
}

/**
 * The story's opening once per test, closed after it: `const opened = askedAndCopiedPerTest();`
 * in a describe, then `const { s, card, copy } = await opened(kind);` in each test.
 */
export function askedAndCopiedPerTest(): (kind: StoreKind) => Promise<{ s: Story; card: StoredMessage; copy: StoredMessage }> {
  let s: Story | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });
  return async (kind) => {
    const opened = await askedAndCopiedOn(kind);
    s = opened.s;
    return opened;
  };
}
