/**
 * Catching up after a gap in the gateway connection: `recent()` reads a thread through REST and
 * hands back the events the live gateway would have delivered, with the same ids, so the core's
 * dedupe drops what it already saw. And a standby instance, which never logs in, still sends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Card } from '../../../src/ports/cards.js';
import type { ChatEvent, MessageEvent } from '../../../src/ports/events.js';
import type { Place } from '../../../src/ports/places.js';
import { adapterFor, G, GENERAL, HELP, USERS, startFake, startHarness, type Harness } from '../../support/discord-adapter.js';
import { ASK_AROUND, DiscordStory, GUILD, shownText } from '../../support/discord.js';
import type { FakeDiscord } from '../../fakes/discord/fake-discord.js';

const DIGEST_INTERVAL = 10 * 60_000;
const general: Place = { network: 'discord', community: G, channel: GENERAL };

let h: Harness | undefined;
let fake: FakeDiscord | undefined;
let story: DiscordStory | undefined;

afterEach(async () => {
  await h?.stop();
  await fake?.stop();
  await story?.close();
  h = undefined;
  fake = undefined;
  story = undefined;
});

function card(text: string, more: Partial<Card> = {}): Card {
  return { summary: text, blocks: [{ type: 'text', text }], ...more };
}

const isText =
  (text: string) =>
  (e: ChatEvent): e is MessageEvent =>
    e.kind === 'message' && e.text === text;
const messages = (events: readonly ChatEvent[]): MessageEvent[] => events.filter((e): e is MessageEvent => e.kind === 'message');

function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** The adapter posts a card with a thread in #general; returns the thread's place. */
async function threadIn(harness: Harness): Promise<Place> {
  const ref = await harness.adapter.post(general, card('Who knows embedded Rust?', { thread: { title: 'embedded Rust' } }), {
    idempotencyKey: 'k-thread',
  });
  if (!ref.thread) throw new Error('no thread started');
  return { ...general, thread: ref.thread };
}

describe('discord recent(): the latest messages of a thread, as the live gateway would have delivered them', () => {
  it('returns messages written while stopped with the live ids, oldest first, limited, bot posts flagged', async () => {
    h = await startHarness({ adapter: { messageContent: true } });
    const thread = await threadIn(h);
    const threadId = thread.thread ?? '';
    const who = { guild: G, channel: threadId, user: USERS.jane.id };

    const liveId = h.fake.postMessage(who, 'Delivered live.');
    const live = await h.waitFor(isText('Delivered live.'), 'the live message');
    await h.adapter.post(thread, card('A note from the bot in the thread.'), { idempotencyKey: 'k-note' });

    await h.adapter.stop();
    // Written while nobody holds the gateway: Discord keeps them, the gateway delivers nothing.
    const gap = ['First in the gap.', 'Second in the gap.', 'Third in the gap.'].map((t) =>
      h!.fake.postMessage({ ...who, user: USERS.sam.id }, t, { dispatch: false }),
    );
    const before = h.events.length;
    await h.adapter.start(async (e) => void h!.events.push(e));
    expect(messages(h.events.slice(before)).filter((e) => e.text.includes('gap'))).toEqual([]);

    const last3 = await h.adapter.recent!(thread, 3);
    expect(last3.map((e) => e.id)).toEqual(gap.map((id) => `discord:${G}:${id}`));
    expect(messages(last3).map((e) => e.text)).toEqual(['First in the gap.', 'Second in the gap.', 'Third in the gap.']);
    expect(messages(last3).every((e) => e.place.thread === threadId && e.place.channel === GENERAL && e.actor.user === USERS.sam.id)).toBe(
      true,
    );

    const all = messages(await h.adapter.recent!(thread, 50));
    expect(all).toHaveLength(5);
    const again = all.find((e) => e.messageId === liveId);
    // The same event the gateway delivered: same id (so the core's dedupe drops it), same place and text.
    expect(again).toMatchObject({
      id: live.id,
      kind: 'message',
      place: live.place,
      text: live.text,
      messageId: live.messageId,
      direct: false,
    });
    expect(again?.actor).toMatchObject({ user: live.actor.user, community: live.actor.community, isBot: false, isSelf: false });
    const note = all[1];
    expect(note?.actor).toMatchObject({ isBot: true, isSelf: true });
    expect(all.map((e) => e.messageId)).toEqual([liveId, note?.messageId, ...gap]);
    const get = h.fake.requestsTo('GET', new RegExp(`^/channels/${threadId}/messages$`)).at(-1);
    expect(get?.query.get('limit')).toBe('50');
  });

  it('without the Message Content intent, reads text only where the live path would get it (mentions of the bot)', async () => {
    h = await startHarness();
    const thread = await threadIn(h);
    const who = { guild: G, channel: thread.thread ?? '', user: USERS.jane.id };
    h.fake.postMessage(who, 'Plain words.');
    const liveBlank = await h.waitFor((e) => e.kind === 'message' && e.actor.user === USERS.jane.id && !e.mentionsBot, 'the live message');
    expect(liveBlank.kind === 'message' && liveBlank.text).toBe('');
    h.fake.postMessage(who, 'asking you directly', { mentionsBot: true });
    await h.waitFor((e) => e.kind === 'message' && e.mentionsBot, 'the mention');

    const read = messages(await h.adapter.recent!(thread, 10));
    expect(read.map((e) => [e.text, e.mentionsBot])).toEqual([
      ['', false],
      ['asking you directly', true],
    ]);
    expect(read[0]?.id).toBe(liveBlank.id);
  });

  it("blanks other people's text itself when the app has the intent but is not configured for it", async () => {
    h = await startHarness({ fake: { messageContentGranted: true } });
    const thread = await threadIn(h);
    h.fake.postMessage({ guild: G, channel: thread.thread ?? '', user: USERS.sam.id }, 'Readable through REST.', { dispatch: false });
    // The fake shows the text (the grant), so only the adapter's own rule can blank it.
    const list = h.fake.world.messagesIn(thread.thread ?? '');
    expect(list.at(-1)?.content).toBe('Readable through REST.');
    const read = messages(await h.adapter.recent!(thread, 5));
    expect(read.map((e) => e.text)).toEqual(['']);
  });

  it('sends from a standby instance that never logged in: post with thread, update, DM, and a resend found by its footer', async () => {
    fake = await startFake();
    const standby = adapterFor(fake);
    const help: Place = { network: 'discord', community: G, channel: HELP };
    const ref = await standby.post(help, card('Copy from a standby.', { thread: { title: 'standby copy' } }), {
      idempotencyKey: 'k-standby',
    });
    expect(ref.thread).toBe(ref.id);
    expect(fake.world.channels.get(ref.id)?.parent_id).toBe(HELP);

    // After the nonce window, a resend of a maybe-sent post finds it by its footer: that needs
    // the bot's own id, which a standby learns from REST rather than from the gateway's READY.
    fake.rest.forgetNonces();
    const again = await standby.post(help, card('Copy from a standby.', { thread: { title: 'standby copy' } }), {
      idempotencyKey: 'k-standby',
      maybeSent: true,
    });
    expect(again.id).toBe(ref.id);
    expect(fake.world.messagesIn(HELP).filter((m) => m.author.id === fake!.world.bot.id)).toHaveLength(1);
    await standby.update(ref, card('Copy from a standby, edited.'));
    expect(JSON.stringify(fake.world.findMessage(HELP, ref.id)?.embeds)).toContain('edited');
    const dm = await standby.directMessage({ network: 'discord', community: G, user: USERS.jane.id }, card('A DM from a standby.'), {
      idempotencyKey: 'k-dm',
    });
    expect(fake.world.findMessage(dm.channel, dm.id)).toBeDefined();
    // Two posts to the same channel: whether it is a DM was asked once.
    expect(fake.requestsTo('GET', new RegExp(`^/channels/${HELP}$`))).toHaveLength(1);
    expect(fake.gateway.identifies).toBe(0);
    expect(fake.requestsTo('GET', /^\/gateway\/bot$/)).toHaveLength(0);
  });
});

describe('engine catch-up on Discord after a gap', () => {
  it('collects each reply written while the adapter was stopped once, and a second catch-up nothing new', async () => {
    story = await DiscordStory.start({
      messageContent: true,
      settings: { grounds: [{ network: 'discord', community: GUILD, channel: ASK_AROUND, topics: [] }] },
    });
    const s = story;
    await s.world.command(s.jane, s.anyAnswers, 'ask', 'Who has run a mentoring circle for new managers?');
    await s.settle();
    const askCard = s.last(s.anyAnswers);
    const copy = await s.fake.until(() => s.botMessages(ASK_AROUND)[0], 'the copy');
    const thread = await s.fake.until(() => s.fake.world.channels.get(copy.id), 'the thread on the copy');

    const live = s.fake.postMessage(s.who('harold', thread.id), 'Live: we ran one at the city council.');
    await s.handledId(live, "Harold's live reply");

    await s.adapter.stop();
    const gap = [
      s.fake.postMessage(s.who('karyn', thread.id), 'Gap: try the Mentoring Network.', { dispatch: false }),
      s.fake.postMessage(s.who('maria', thread.id), 'Gap: our HR team did this last year.', { dispatch: false }),
    ];
    await s.adapter.start((e) => s.engine.handle(e));
    for (const id of gap) expect(s.handled.some((e) => e.id.endsWith(`:${id}`))).toBe(false);

    const read = await s.engine.catchUp('discord');
    // Three people's replies and nothing else in the copy's thread; the ask card is on memory.
    expect(read).toBe(3);
    s.clock.advance(DIGEST_INTERVAL);
    expect(await s.engine.digestTick()).toEqual({ digests: 1 });
    await s.settle();
    const digest = s.last(s.thread(askCard)).text;
    expect(occurrences(digest, 'we ran one at the city council')).toBe(1);
    expect(occurrences(digest, 'try the Mentoring Network')).toBe(1);
    expect(occurrences(digest, 'our HR team did this last year')).toBe(1);

    await s.engine.catchUp('discord');
    s.clock.advance(DIGEST_INTERVAL);
    expect(await s.engine.digestTick()).toEqual({ digests: 0 });
    await s.settle();
    expect(s.last(s.thread(askCard)).text).toBe(digest);
    expect(shownText(copy)).toContain('mentoring circle');
  });
});
