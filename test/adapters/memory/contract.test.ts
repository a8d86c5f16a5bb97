import { describe, expect, it } from 'vitest';
import { createMemoryAdapter, isLiveMention, MemoryWorld } from '../../../adapters/memory/index.js';
import type { StoredMessage } from '../../../adapters/memory/world.js';
import { runAdapterContract, type AdapterHarness, type Delivered } from '../../support/contracts/adapter-contract.js';

const shown = (m: StoredMessage): Delivered => ({ id: m.id, text: m.text });

async function memoryHarness(): Promise<AdapterHarness> {
  const world = new MemoryWorld();
  const network = 'memnet';
  world.addCommunity(network, { id: 'C1', name: 'Clockmakers' });
  const channel = world.addChannel(network, 'C1', { id: 'general', name: 'general' });
  const alice = world.addMember(network, 'C1', { id: 'alice', name: 'Alice' });
  const bob = world.addMember(network, 'C1', { id: 'bob', name: 'Bob' });
  const otherBot = world.addMember(network, 'C1', { id: 'hookbot', name: 'Hook', isBot: true });
  let last: string | undefined;
  const track = <T extends { eventId: string }>(r: T): T => {
    last = r.eventId;
    return r;
  };
  return {
    adapter: createMemoryAdapter({ world, network }),
    channel,
    alice,
    bob,
    otherBot,
    say: async (p, place, text, opts) => track(await world.say(p, place, text, opts)).messageId,
    mentionBot: (text) => `@feelers ${text}`,
    dmBot: async (p, text) => track(await world.dm(p, text)).messageId,
    command: async (p, place, name, text) => void track(await world.command(p, place, name, text)),
    press: async (p, ref, id) => void track(await world.press(p, ref.id, id)),
    submit: async (p, ref, id, form) => void track(await world.press(p, ref.id, id, form)),
    edit: async (p, id, text) => void track(await world.edit(p, id, text)),
    remove: async (p, id) => void track(await world.remove(p, id)),
    botSays: async (place, text) => track(await world.say(world.bot(network, place.community), place, text)).messageId,
    otherBotSays: async (place, text) => track(await world.say(otherBot, place, text)).messageId,
    redeliverLast: async () => {
      if (last === undefined) throw new Error('nothing delivered yet');
      await world.redeliver(last);
    },
    messagesIn: async (place) => world.messagesIn(place).map(shown),
    message: async (ref) => {
      const m = world.message(ref.id);
      return m && !m.deleted ? shown(m) : undefined;
    },
    dmsTo: async (p) => world.dmsTo(p).map(shown),
    filesTo: async (p) => world.dmsTo(p).flatMap((m) => (m.file ? [{ name: m.file.name, text: m.file.text }] : [])),
    noticesTo: async (p) => world.noticesTo(p).map((n) => n.text),
    isLiveMention,
    liveMentionSample: 'hi @everyone',
    close: async () => {},
  };
}

runAdapterContract('memory', memoryHarness);

describe('memory adapter links', () => {
  it("links a message to the playground's page, anchored by its id; a DM as its owner", async () => {
    const h = await memoryHarness();
    const card = { summary: 'Hi', blocks: [{ type: 'text' as const, text: 'Hi' }] };
    const ref = await h.adapter.post(h.channel, card, { idempotencyKey: 'k1' });
    expect(h.adapter.linkTo?.(ref)).toBe(`/#${ref.id}`);
    expect(ref.id).not.toBe('');
    const dm = await h.adapter.directMessage(h.alice, card, { idempotencyKey: 'k2' });
    expect(h.adapter.linkTo?.(dm)).toBe(`/?as=${encodeURIComponent('memnet:C1:alice')}#${dm.id}`);
  });
});
