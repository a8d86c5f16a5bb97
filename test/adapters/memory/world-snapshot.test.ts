import { describe, expect, it } from 'vitest';
import { createMemoryAdapter, MemoryWorld } from '../../../adapters/memory/index.js';
import { isWorldSnapshot } from '../../../adapters/memory/world.js';
import type { Card } from '../../../src/ports/cards.js';
import type { ChatEvent } from '../../../src/ports/events.js';
import { threadOf } from '../../../src/ports/places.js';

/** The memory world kept as JSON and brought back (the playground's restart), and its change listener. */

const card = (text: string): Card => ({
  summary: text,
  blocks: [
    { type: 'text', text },
    { type: 'buttons', buttons: [{ id: 'k1', label: 'Follow' }] },
  ],
  thread: { title: text },
});

async function lived() {
  const world = new MemoryWorld();
  world.addCommunity('north', { id: 'T1', name: 'Clockmakers' });
  const general = world.addChannel('north', 'T1', { id: 'general', name: 'general' });
  const alice = world.addMember('north', 'T1', { id: 'alice', name: 'Alice', manages: ['general'], handle: '@alice' });
  const adapter = createMemoryAdapter({ world, network: 'north' });
  await adapter.start(async () => undefined);
  const posted = await adapter.post(general, card('Who fixes cuckoo clocks?'), { idempotencyKey: 'd1' });
  await world.say(alice, threadOf(posted), 'Me!');
  await world.edit(alice, (await world.say(alice, general, 'first')).messageId, 'first, edited');
  await adapter.notice(alice, general, 'Only Alice sees this');
  await adapter.directMessage(alice, card('A DM'), { idempotencyKey: 'd2' });
  await adapter.stop();
  return { world, general, alice, posted };
}

describe('memory world snapshots', () => {
  it('bring back every message, notice, member and channel, through JSON', async () => {
    const { world } = await lived();
    const snap = JSON.parse(JSON.stringify(world.snapshot())) as unknown;
    expect(isWorldSnapshot(snap)).toBe(true);
    if (!isWorldSnapshot(snap)) return;
    const back = MemoryWorld.restore(snap);
    expect([...back.messages.values()]).toEqual([...world.messages.values()]);
    expect(back.notices).toEqual(world.notices);
    expect(back.communities()).toEqual(world.communities());
    expect(back.member({ network: 'north', community: 'T1', user: 'alice' }).manages.has('general')).toBe(true);
    expect(back.stats).toEqual(world.stats);
    expect(JSON.stringify(back.snapshot())).toBe(JSON.stringify(world.snapshot()));
  });

  it('carry on numbering messages and events, and keep the idempotency keys', async () => {
    const { world, general, alice, posted } = await lived();
    const back = MemoryWorld.restore(world.snapshot());
    const events: ChatEvent[] = [];
    const adapter = createMemoryAdapter({ world: back, network: 'north' });
    await adapter.start(async (e) => {
      events.push(e);
    });
    const said = await back.say(alice, general, 'after the restart');
    expect(said.messageId).toBe(`m${world.messages.size + 1}`);
    // An event id the engine has already seen would be dropped as a duplicate.
    const before = world.snapshot().eventSeq;
    expect(said.eventId).toBe(`memory:north:T1:${before + 1}`);
    // A resend of a delivery made before the restart posts nothing new.
    const again = await adapter.post(general, card('Who fixes cuckoo clocks?'), { idempotencyKey: 'd1' });
    expect(again.id).toBe(posted.id);
    expect(back.stats.deduped).toBe(1);
    // Catching up after a restart reads the thread's history back under its first ids.
    const history = await adapter.recent(threadOf(posted), 10);
    expect(history.map((e) => (e.kind === 'message' ? e.text : ''))).toEqual(['Me!']);
    await adapter.stop();
  });

  it('refuse what is not a snapshot', () => {
    expect(isWorldSnapshot(undefined)).toBe(false);
    expect(isWorldSnapshot({ version: 2 })).toBe(false);
    expect(isWorldSnapshot({ version: 1, eventSeq: 1, networks: [], messages: [], notices: [] })).toBe(false);
  });
});

describe('memory world change listener', () => {
  it('hears messages, edits, the bot’s posts and updates, notices and new channels; stops when told', async () => {
    const world = new MemoryWorld();
    let heard = 0;
    const stop = world.onChange(() => heard++);
    world.addCommunity('north', { id: 'T1', name: 'Clockmakers' });
    const general = world.addChannel('north', 'T1', { id: 'general', name: 'general' });
    const alice = world.addMember('north', 'T1', { id: 'alice', name: 'Alice' });
    const adapter = createMemoryAdapter({ world, network: 'north' });
    await adapter.start(async () => undefined);
    const steps: [string, () => Promise<unknown>][] = [
      ['say', () => world.say(alice, general, 'hello')],
      ['post', () => adapter.post(general, card('q'), { idempotencyKey: 'x' })],
      ['update', async () => adapter.update({ ...general, id: 'm2' }, card('q, closed'))],
      ['notice', () => adapter.notice(alice, general, 'psst')],
      ['edit', () => world.edit(alice, 'm1', 'hello again')],
      ['remove', () => world.remove(alice, 'm1')],
    ];
    for (const [what, step] of steps) {
      const before = heard;
      await step();
      expect(heard, what).toBeGreaterThan(before);
    }
    // A listener that throws does not stop the platform or the others.
    const also: string[] = [];
    world.onChange(() => {
      throw new Error('boom');
    });
    world.onChange(() => also.push('heard'));
    world.addChannel('north', 'T1', { id: 'random', name: 'random' });
    expect(also).toEqual(['heard']);
    stop();
    const before = heard;
    await world.say(alice, general, 'unheard');
    expect(heard).toBe(before);
    await adapter.stop();
  });
});
