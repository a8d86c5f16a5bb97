import { afterEach, describe, expect, it } from 'vitest';
import type { Card } from '../../../src/ports/cards.js';
import { DeliveryError } from '../../../src/ports/errors.js';
import type { MessageEvent } from '../../../src/ports/events.js';
import type { MessageRef } from '../../../src/ports/places.js';
import { adapterFor, G, GENERAL, HELP, USERS, startFake, startHarness, type Harness } from '../../support/discord-adapter.js';
import type { FakeDiscord } from '../../fakes/discord/fake-discord.js';
import { MENTION_CORPUS, hasLiveMention, stringsIn } from '../../fakes/discord/mention-corpus.js';

let h: Harness | undefined;
let extra: FakeDiscord | undefined;

afterEach(async () => {
  await h?.stop();
  await extra?.stop();
  h = undefined;
  extra = undefined;
});

const general = { network: 'discord', community: G, channel: GENERAL };
const jane = { network: 'discord', community: G, user: USERS.jane.id };

function card(text: string, more: Partial<Card> = {}): Card {
  return { summary: text, blocks: [{ type: 'text', text }], ...more };
}

function corpusCard(): Card {
  const all = MENTION_CORPUS.join(' | ');
  return {
    summary: all,
    thread: { title: `Question ${all}` },
    blocks: [
      { type: 'text', text: all },
      ...MENTION_CORPUS.map((t) => ({ type: 'quote' as const, text: t, by: t })),
      { type: 'divider' },
      { type: 'buttons', buttons: MENTION_CORPUS.slice(0, 5).map((t, i) => ({ id: `b${i}`, label: t })) },
    ],
  };
}

describe('discord adapter delivery against the fake REST API', () => {
  it('never sends a live mention: every create and edit carries allowed_mentions {parse: []}', async () => {
    h = await startHarness();
    // The checker must see the corpus as dangerous, or the assertions below prove nothing.
    expect(MENTION_CORPUS.filter(hasLiveMention).length).toBeGreaterThan(10);
    const ref = await h.adapter.post(general, corpusCard(), { idempotencyKey: 'k-corpus' });
    await h.adapter.update(ref, corpusCard());
    await h.adapter.directMessage(jane, corpusCard(), { idempotencyKey: 'k-corpus-dm' });
    await h.adapter.notice(jane, general, MENTION_CORPUS.join(' '));

    const writes = h.fake.requests.filter(
      (r) => (r.method === 'POST' || r.method === 'PATCH') && /^\/channels\/\d+\/messages(\/\d+)?$/.test(r.path),
    );
    // post, edit, DM, notice-as-DM.
    expect(writes.length).toBe(4);
    for (const w of writes) {
      expect(w.body).toMatchObject({ allowed_mentions: { parse: [] } });
      for (const s of stringsIn(w.body)) expect(hasLiveMention(s), JSON.stringify(s)).toBe(false);
    }
    const thread = h.fake.requestsTo('POST', /\/threads$/)[0];
    for (const s of stringsIn(thread?.body)) expect(hasLiveMention(s)).toBe(false);
  });

  it('sends copies with a nonce + enforce_nonce and starts the thread on the message', async () => {
    h = await startHarness();
    const ref = await h.adapter.post(general, card('A question', { thread: { title: 'A question' } }), {
      idempotencyKey: 'copy-1',
    });
    const create = h.fake.requestsTo('POST', /^\/channels\/\d+\/messages$/)[0];
    const body = create?.body as { nonce?: string; enforce_nonce?: boolean };
    expect(body.enforce_nonce).toBe(true);
    expect(body.nonce?.length).toBeLessThanOrEqual(25);
    expect(ref).toMatchObject({ network: 'discord', community: G, channel: GENERAL, thread: ref.id });
    expect(h.fake.world.channels.get(ref.id)?.parent_id).toBe(GENERAL);

    // A reply in that thread reaches the sink with the thread as place.thread and the channel as parent.
    h.fake.postMessage({ guild: G, channel: ref.id, user: USERS.sam.id }, 'I do!', { mentionsBot: true });
    const ev = await h.waitFor((e) => e.kind === 'message' && e.text === 'I do!', 'thread reply');
    expect(ev.place).toEqual({ network: 'discord', community: G, channel: GENERAL, thread: ref.id });

    // And a message-reply to the copy carries replyTo.
    h.fake.postMessage({ guild: G, channel: GENERAL, user: USERS.jane.id }, 'me too', { mentionsBot: true, replyTo: ref.id });
    const reply = (await h.waitFor((e) => e.kind === 'message' && e.text === 'me too', 'reply')) as MessageEvent;
    expect(reply.replyTo).toBe(ref.id);
  });

  it('posts once per idempotency key: by nonce, and after the nonce window by the footer when maybeSent', async () => {
    h = await startHarness({ fake: { echoOwnMessages: false } });
    const a = await h.adapter.post(general, card('once'), { idempotencyKey: 'same' });
    const b = await h.adapter.post(general, card('once'), { idempotencyKey: 'same' });
    expect(b.id).toBe(a.id);
    // Nothing said the message might be out: no history read was spent on it.
    const reads = () => h?.fake.requestsTo('GET', new RegExp(`^/channels/${GENERAL}/messages$`)) ?? [];
    expect(reads()).toHaveLength(0);

    // Minutes later Discord has forgotten the nonce; a fresh process resends what the outbox
    // says may have gone out, and finds it by the footer instead of posting again.
    h.fake.rest.forgetNonces();
    await h.adapter.stop();
    const restarted = adapterFor(h.fake);
    await restarted.start(async () => {});
    h = { ...h, adapter: restarted };
    const c = await restarted.post(general, card('once'), { idempotencyKey: 'same', maybeSent: true });
    expect(c.id).toBe(a.id);
    expect(reads()).toHaveLength(1);
    expect(h.fake.world.messagesIn(GENERAL)).toHaveLength(1);

    const d = await restarted.post(general, card('twice'), { idempotencyKey: 'other' });
    expect(d.id).not.toBe(a.id);
    expect(reads()).toHaveLength(1);
    expect(h.fake.world.messagesIn(GENERAL)).toHaveLength(2);
    const create = h.fake.requestsTo('POST', new RegExp(`^/channels/${GENERAL}/messages$`)).at(-1);
    expect(create?.body).toMatchObject({ enforce_nonce: true });
  });

  it('a DM maybe sent is also looked for by its footer before a resend', async () => {
    h = await startHarness({ fake: { echoOwnMessages: false } });
    const a = await h.adapter.directMessage(jane, card('for you'), { idempotencyKey: 'dm-same' });
    h.fake.rest.forgetNonces();
    await h.adapter.stop();
    const restarted = adapterFor(h.fake);
    await restarted.start(async () => {});
    h = { ...h, adapter: restarted };
    const b = await restarted.directMessage(jane, card('for you'), { idempotencyKey: 'dm-same', maybeSent: true });
    expect(b.id).toBe(a.id);
    expect(h.fake.world.messagesIn(a.channel)).toHaveLength(1);
  });

  it('a 429 on message create still yields exactly one message', async () => {
    h = await startHarness({ fake: { echoOwnMessages: false } });
    h.fake.inject({ method: 'POST', path: new RegExp(`^/channels/${HELP}/messages$`), status: 429, retryAfter: 0.05 });
    const ref = await h.adapter.post({ ...general, channel: HELP }, card('after a 429'), { idempotencyKey: 'rl' });
    const creates = h.fake.requestsTo('POST', new RegExp(`^/channels/${HELP}/messages$`));
    expect(creates.map((r) => r.status)).toEqual([429, 200]);
    expect(h.fake.world.messagesIn(HELP).map((m) => m.id)).toEqual([ref.id]);
  });

  it('keeps within enforced limits: 7 posts to one channel, all land, no 429 escapes', async () => {
    h = await startHarness({ fake: { enforceLimits: true, echoOwnMessages: false } });
    h.fake.rest.resetLimits();
    for (let i = 0; i < 7; i++) await h.adapter.post(general, card(`n${i}`), { idempotencyKey: `lim-${i}` });
    expect(h.fake.world.messagesIn(GENERAL)).toHaveLength(7);
  });

  it('maps 403/404 to gone and 5xx to transient', async () => {
    h = await startHarness({ fake: { echoOwnMessages: false } });
    h.fake.inject({ method: 'POST', path: new RegExp(`^/channels/${GENERAL}/messages$`), status: 403, code: 50013 });
    await expect(h.adapter.post(general, card('x'), { idempotencyKey: 'e1' })).rejects.toMatchObject({ kind: 'gone' });
    await expect(h.adapter.post({ ...general, channel: '42' }, card('x'), { idempotencyKey: 'e2' })).rejects.toMatchObject({
      kind: 'gone',
    });
    h.fake.inject({ method: 'POST', path: new RegExp(`^/channels/${GENERAL}/messages$`), status: 502, times: 10 });
    const err = await h.adapter.post(general, card('x'), { idempotencyKey: 'e3' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).kind).toBe('transient');
    h.fake.rest.injector.clear();
    h.fake.inject({ method: 'POST', path: /^\/users\/@me\/channels$/, status: 403, code: 50007 });
    await expect(h.adapter.directMessage(jane, card('hi'), { idempotencyKey: 'dm' })).rejects.toMatchObject({ kind: 'gone' });
  });

  it('in a DM a card with a thread opens none, and a post "in its thread" replies to it', async () => {
    h = await startHarness({ fake: { echoOwnMessages: false } });
    const dm = h.fake.dmChannel(USERS.jane.id).id;
    const place = { network: 'discord', community: G, channel: dm };
    const ref = await h.adapter.post(place, card('Your question', { thread: { title: 'Your question' } }), { idempotencyKey: 'dm-ask' });
    expect(ref).toEqual({ network: 'discord', community: G, channel: dm, id: ref.id });
    expect(h.fake.requestsTo('POST', /\/threads$/)).toHaveLength(0);

    const digest = await h.adapter.post({ ...place, thread: ref.id }, card('Two answers so far'), { idempotencyKey: 'dm-digest' });
    expect(digest.channel).toBe(dm);
    const stored = h.fake.world.findMessage(dm, digest.id);
    expect(stored?.message_reference).toMatchObject({ message_id: ref.id });
    expect(h.fake.world.messagesIn(dm).map((m) => m.id)).toEqual([ref.id, digest.id]);
    // Nothing was sent to a channel named after the card's id.
    expect(h.fake.requestsTo('POST', new RegExp(`^/channels/${ref.id}/messages$`))).toHaveLength(0);
  });

  it('sends a DM card and a notice without a pending interaction as a DM', async () => {
    extra = await startFake({ echoOwnMessages: false });
    const adapter = adapterFor(extra);
    const ref = await adapter.directMessage(jane, card('for you'), { idempotencyKey: 'dm-1' });
    await adapter.notice(jane, general, 'a private line');
    const dm = extra.world.channels.get(ref.channel);
    expect(dm?.recipients?.[0]?.id).toBe(USERS.jane.id);
    const texts = extra.world.messagesIn(ref.channel).map((m) => m.content);
    expect(texts).toContain('a private line');
  });

  it('links a copy to its message: in the parent channel when it opened the thread, in the thread when posted there; a DM gets none', async () => {
    h = await startHarness();
    const adapter = h.adapter;
    const link = (ref: MessageRef) => adapter.linkTo?.(ref);
    const copy = await h.adapter.post(general, card('A question', { thread: { title: 'A question' } }), { idempotencyKey: 'link-1' });
    expect(link(copy)).toBe(`https://discord.com/channels/${G}/${GENERAL}/${copy.id}`);
    const inThread = await h.adapter.post({ ...general, thread: copy.thread }, card('A digest'), { idempotencyKey: 'link-2' });
    expect(inThread.id).not.toBe(copy.id);
    expect(link(inThread)).toBe(`https://discord.com/channels/${G}/${copy.thread}/${inThread.id}`);
    const dm = await h.adapter.directMessage(jane, card('A prod'), { idempotencyKey: 'link-3' });
    expect(link(dm)).toBeUndefined();
  });
});
