import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryAdapter, MemoryWorld } from '../../../adapters/memory/index.js';
import { isLiveMention, neutraliseMentions, sanitizeCard } from '../../../adapters/memory/sanitize.js';
import type { Card } from '../../../src/ports/cards.js';
import { ManualClock } from '../../support/manual-clock.js';
import { DeliveryError } from '../../../src/ports/errors.js';
import type { ChatEvent } from '../../../src/ports/events.js';
import { threadOf } from '../../../src/ports/places.js';

const card = (text: string, extra: Partial<Card> = {}): Card => ({ summary: text, blocks: [{ type: 'text', text }], ...extra });

function setup(opts: { clock?: ManualClock } = {}) {
  const world = new MemoryWorld(opts.clock ? { clock: opts.clock } : {});
  world.addCommunity('north', { id: 'T1', name: 'Clockmakers' });
  const general = world.addChannel('north', 'T1', { id: 'general', name: 'general' });
  const random = world.addChannel('north', 'T1', { id: 'random', name: 'random' });
  const alice = world.addMember('north', 'T1', { id: 'alice', name: 'Alice', handle: '@alice', profileUrl: 'https://x/alice' });
  const bob = world.addMember('north', 'T1', { id: 'bob', name: 'Bob', manages: ['random'] });
  const root = world.addMember('north', 'T1', { id: 'root', name: 'Root', admin: true });
  const adapter = createMemoryAdapter({ world, network: 'north' });
  const events: ChatEvent[] = [];
  const sink = async (e: ChatEvent): Promise<void> => {
    events.push(e);
  };
  return { world, general, random, alice, bob, root, adapter, events, sink };
}

async function rejection(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DeliveryError)) throw new Error(`expected a DeliveryError, got ${String(err)}`);
  return err;
}

describe('memory world: people and events', () => {
  it('gives sortable message ids and per-community event ids, and awaits the sink', async () => {
    const { world, general, alice, adapter } = setup();
    let handled = 0;
    await adapter.start(async () => {
      await new Promise((r) => setTimeout(r, 1));
      handled += 1;
    });
    const a = await world.say(alice, general, 'one');
    expect(handled).toBe(1);
    const b = await world.say(alice, general, 'two');
    expect([a.messageId, b.messageId]).toEqual(['m1', 'm2']);
    expect(a.eventId).toMatch(/^memory:north:T1:\d+$/);
    expect(b.eventId).not.toBe(a.eventId);
  });

  it('maps authors, rights, bots and the bot mention', async () => {
    const { world, general, random, alice, bob, root, adapter, events, sink } = setup();
    world.addMember('north', 'T1', { id: 'hook', name: 'Hook', isBot: true });
    await adapter.start(sink);
    await world.say(alice, general, '@Feelers  where are the maps?');
    await world.say(bob, random, 'mail me at bob@feelers.org');
    await world.say(root, general, 'admin here');
    await world.say({ network: 'north', community: 'T1', user: 'hook' }, general, 'beep');
    await world.say(world.bot('north', 'T1'), general, 'my own post');
    const [m1, m2, m3, m4, m5] = events;
    expect(m1).toMatchObject({ kind: 'message', text: 'where are the maps?', mentionsBot: true, communityName: 'Clockmakers' });
    expect(m1?.actor).toMatchObject({
      name: 'Alice',
      handle: '@alice',
      profileUrl: 'https://x/alice',
      rights: { admin: false, manageChannel: false },
    });
    expect(m2).toMatchObject({ text: 'mail me at bob@feelers.org', mentionsBot: false });
    expect(m2?.actor.rights).toEqual({ admin: false, manageChannel: true });
    expect(m3?.actor.rights).toEqual({ admin: true, manageChannel: true });
    expect(m4?.actor).toMatchObject({ isBot: true, isSelf: false });
    expect(m5?.actor).toMatchObject({ isBot: true, isSelf: true });
  });

  it('keeps threads: replies are in the thread, not the channel; a thread needs a real root', async () => {
    const { world, general, alice, adapter, sink } = setup();
    await adapter.start(sink);
    const ref = await adapter.post(general, card('ask', { thread: { title: 'ask' } }), { idempotencyKey: 'k1' });
    await world.say(alice, threadOf(ref), 'reply');
    expect(world.messagesIn(threadOf(ref)).map((m) => m.text)).toEqual(['reply']);
    expect(world.messagesIn(general).map((m) => m.id)).toEqual([ref.id]);
    await expect(world.say(alice, { ...general, thread: 'm99' }, 'x')).rejects.toThrow(/no thread/);
    const err = await rejection(adapter.post({ ...general, thread: 'm99' }, card('x'), { idempotencyKey: 'k2' }));
    expect(err.kind).toBe('gone');
  });

  it('presses: by id or label, refuses unknown buttons, wants form data exactly when a form opens', async () => {
    const { world, general, alice, bob, adapter, events, sink } = setup();
    await adapter.start(sink);
    const c: Card = {
      summary: 's',
      blocks: [
        {
          type: 'buttons',
          buttons: [
            { id: 'f1', label: 'Follow' },
            { id: 'a1', label: 'Answer', form: { title: 'Answer', kind: 'text', label: 'Answer', maxLength: 5 } },
            { id: 'r1', label: 'Refer', form: { title: 'Refer', kind: 'person', label: 'Who' } },
          ],
        },
      ],
    };
    const ref = await adapter.post(general, c, { idempotencyKey: 'k' });
    await world.press(alice, ref.id, 'Follow');
    expect(events.at(-1)).toMatchObject({ kind: 'action', actionId: 'f1' });
    await expect(world.press(alice, ref.id, 'Nope')).rejects.toThrow(/no button/);
    await expect(world.press(alice, ref.id, 'a1')).rejects.toThrow(/opens a form/);
    await expect(world.press(alice, ref.id, 'f1', { text: 'x' })).rejects.toThrow(/opens no form/);
    await expect(world.press(alice, ref.id, 'a1', { text: 'too long' })).rejects.toThrow(/longer than 5/);
    await expect(world.press(alice, ref.id, 'r1', { text: 'bob' })).rejects.toThrow(/wants \{ person \}/);
    await world.press(alice, ref.id, 'r1', { person: bob });
    expect(events.at(-1)).toMatchObject({ kind: 'action', actionId: 'r1', form: { person: { user: 'bob', name: 'Bob' } } });
    const dm = await adapter.directMessage(alice, c, { idempotencyKey: 'dm' });
    await expect(world.press(bob, dm.id, 'f1')).rejects.toThrow();
  });

  it('edits keep history; only the author edits; the author or an admin deletes', async () => {
    const { world, general, alice, bob, root, adapter, events, sink } = setup();
    await adapter.start(sink);
    const { messageId } = await world.say(alice, general, 'secret-v1');
    await expect(world.edit(bob, messageId, 'hijack')).rejects.toThrow();
    await world.edit(alice, messageId, '@feelers v2');
    expect(events.at(-1)).toMatchObject({ kind: 'edited', messageId, text: 'v2' });
    expect(world.message(messageId)?.history).toEqual(['secret-v1']);
    expect(world.everything()).toContain('secret-v1');
    await expect(world.remove(bob, messageId)).rejects.toThrow();
    await world.remove(root, messageId);
    expect(events.at(-1)).toMatchObject({ kind: 'deleted', messageId });
    expect(world.messagesIn(general)).toHaveLength(0);
  });
});

describe('memory world: faults', () => {
  it('failNext fails the next calls with the given kind, only where asked', async () => {
    const { world, general, random, adapter } = setup();
    world.failNext('north', { kind: 'transient', where: 'random', times: 2 });
    await adapter.post(general, card('fine'), { idempotencyKey: 'a' });
    expect((await rejection(adapter.post(random, card('x'), { idempotencyKey: 'b' }))).kind).toBe('transient');
    expect((await rejection(adapter.post(random, card('x'), { idempotencyKey: 'b' }))).kind).toBe('transient');
    await adapter.post(random, card('x'), { idempotencyKey: 'b' });
    world.failNext('north', { kind: 'rate_limited', retryAfterMs: 250 });
    const limited = await rejection(adapter.update({ ...general, id: 'm1' }, card('y')));
    expect([limited.kind, limited.retryAfterMs]).toEqual(['rate_limited', 250]);
    world.failNext('north', { kind: 'gone' });
    expect((await rejection(adapter.notice({ ...general, user: 'alice' }, general, 'hi'))).kind).toBe('gone');
    expect(adapter.health().lastError).toMatch(/gone/);
    expect(world.stats.rateLimited).toBe(1);
  });

  it('crashAfterPost stores the post, throws, and a retry with the same key finds it', async () => {
    const { world, general, adapter } = setup();
    world.crashAfterPost('north', 2);
    await adapter.post(general, card('first'), { idempotencyKey: 'k1' });
    const err = await rejection(adapter.post(general, card('second'), { idempotencyKey: 'k2' }));
    expect(err.kind).toBe('transient');
    expect(world.messagesIn(general).map((m) => m.text)).toEqual(['first', 'second']);
    const again = await adapter.post(general, card('second'), { idempotencyKey: 'k2' });
    expect(again.id).toBe('m2');
    expect(world.messagesIn(general)).toHaveLength(2);
    expect(world.stats.deduped).toBe(1);
  });

  it('closed DMs, archived channels, foreign messages and other networks are gone', async () => {
    const { world, general, alice, adapter } = setup();
    const { messageId } = await world.say(alice, general, 'mine');
    world.closeDms(alice);
    expect((await rejection(adapter.directMessage(alice, card('x'), { idempotencyKey: 'd' }))).kind).toBe('gone');
    world.openDms(alice);
    await adapter.directMessage(alice, card('x'), { idempotencyKey: 'd' });
    expect((await rejection(adapter.update({ ...general, id: messageId }, card('y')))).kind).toBe('gone');
    world.archiveChannel(general);
    expect((await rejection(adapter.post(general, card('x'), { idempotencyKey: 'e' }))).kind).toBe('gone');
    world.addCommunity('south', { id: 'G1', name: 'Guild' });
    const far = world.addChannel('south', 'G1', { id: 'c', name: 'c' });
    expect((await rejection(adapter.post(far, card('x'), { idempotencyKey: 'f' }))).kind).toBe('gone');
    expect((await rejection(adapter.directMessage({ ...alice, user: 'nobody' }, card('x'), { idempotencyKey: 'g' }))).kind).toBe('gone');
  });

  it('enforces token buckets on the injected clock, and a deduped resend takes no token', async () => {
    const clock = new ManualClock();
    const { world, general, random, adapter } = setup({ clock });
    world.enforceLimits('north', { channel: { ratePerSec: 1, burst: 2 }, community: { ratePerSec: 10, burst: 3 } });
    await adapter.post(general, card('1'), { idempotencyKey: '1' });
    await adapter.post(general, card('2'), { idempotencyKey: '2' });
    await adapter.post(general, card('2'), { idempotencyKey: '2' });
    const over = await rejection(adapter.post(general, card('3'), { idempotencyKey: '3' }));
    expect([over.kind, over.retryAfterMs]).toEqual(['rate_limited', 1000]);
    await adapter.post(random, card('r'), { idempotencyKey: 'r' });
    const community = await rejection(adapter.post(random, card('r2'), { idempotencyKey: 'r2' }));
    expect(community.kind).toBe('rate_limited');
    expect(world.stats.rateLimited).toBe(2);
    clock.advance(1000);
    await adapter.post(general, card('3'), { idempotencyKey: '3' });
    expect(world.messagesIn(general).map((m) => m.text)).toEqual(['1', '2', '3']);
  });
});

describe('memory adapter: restart and several networks', () => {
  it('a new adapter on the same world sees what was posted before; the stopped one hears nothing', async () => {
    const { world, general, alice, adapter, events, sink } = setup();
    await adapter.start(sink);
    await expect(adapter.start(sink)).rejects.toThrow(/already started/);
    const ref = await adapter.post(general, card('before'), { idempotencyKey: 'same' });
    await adapter.stop();
    const next = createMemoryAdapter({ world, network: 'north' });
    const later: ChatEvent[] = [];
    await next.start(async (e) => {
      later.push(e);
    });
    expect((await next.post(general, card('before'), { idempotencyKey: 'same' })).id).toBe(ref.id);
    await world.say(alice, threadOf(ref), 'reply after restart');
    expect(events).toHaveLength(0);
    expect(later.map((e) => e.kind)).toEqual(['message']);
    await adapter.start(sink);
    expect(adapter.health().connected).toBe(true);
  });

  it('delivers each network’s events to its own adapter only', async () => {
    const { world, general, alice, adapter, events, sink } = setup();
    world.addCommunity('south', { id: 'G1', name: 'Guild' });
    const south = createMemoryAdapter({ world, network: 'south' });
    const southEvents: ChatEvent[] = [];
    await south.start(async (e) => {
      southEvents.push(e);
    });
    await adapter.start(sink);
    await world.say(alice, general, 'north only');
    expect(events).toHaveLength(1);
    expect(southEvents).toHaveLength(0);
  });
});

describe('memory sanitising', () => {
  it('defuses mentions, leaves emails and button ids alone', () => {
    expect(neutraliseMentions('@everyone')).toBe('@\u200beveryone');
    expect(neutraliseMentions('jane@example.com')).toBe('jane@example.com');
    expect(isLiveMention(neutraliseMentions('<@U1> <!here>'))).toBe(false);
    const clean = sanitizeCard({ summary: '@here', blocks: [{ type: 'buttons', buttons: [{ id: '@id', label: '@here' }] }] });
    expect(clean.blocks[0]).toEqual({ type: 'buttons', buttons: [{ id: '@id', label: '@\u200bhere', style: undefined, form: undefined }] });
  });

  it('nothing neutralised is live, whatever the characters (property)', () => {
    const piece = fc.oneof(
      fc.constantFrom('@', '\uff20', '\ufe6b', '<', '\uff1c', '!', '#', 'e', '\u0301', '\u2474'),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), (xs) => !isLiveMention(neutraliseMentions(xs.join('')))),
      { numRuns: 1000 },
    );
  });
});
