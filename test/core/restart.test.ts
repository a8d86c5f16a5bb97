import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryAdapter, MemoryWorld } from '../../adapters/memory/index.js';
import { ManualClock } from '../support/manual-clock.js';
import { defaultSettings } from '../../src/core/settings.js';
import { Engine } from '../../src/core/engine.js';
import type { Place } from '../../src/ports/places.js';
import type { ChatAdapter } from '../../src/ports/chat-adapter.js';
import type { Store } from '../../src/ports/store.js';
import { createStore } from '../../src/store/create-store.js';

const GROUNDS = 50;

/**
 * An adapter whose process "dies" during its (n+1)th post: that post reaches the platform, the
 * answer never comes back, and no later call returns either. What a SIGKILL mid fan-out leaves.
 */
function dyingAfter(inner: ChatAdapter, n: number): ChatAdapter {
  let posts = 0;
  const never = new Promise<never>(() => {});
  return {
    network: inner.network,
    limits: inner.limits,
    start: (sink) => inner.start(sink),
    stop: () => inner.stop(),
    health: () => inner.health(),
    update: (ref, card) => inner.update(ref, card),
    notice: (to, where, text) => inner.notice(to, where, text),
    directMessage: (to, card, opts) => inner.directMessage(to, card, opts),
    post: async (to, card, opts) => {
      posts++;
      if (posts <= n) return inner.post(to, card, opts);
      if (posts === n + 1) await inner.post(to, card, opts);
      return never;
    },
  };
}

describe('a restart in the middle of a fan-out', () => {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close().catch(() => {});
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it.each([0, 1, 7, 23, 49])('delivers every copy exactly once when the first process dies after %i posts', async (diesAfter) => {
    const dir = mkdtempSync(join(tmpdir(), 'feelers-restart-'));
    dirs.push(dir);
    const url = `sqlite://${join(dir, 'feelers.sqlite')}`;
    const clock = new ManualClock();
    const world = new MemoryWorld({ clock });
    world.addCommunity('north', { id: 'T1', name: 'TrainingZone' });
    const origin = world.addChannel('north', 'T1', { id: 'C-any', name: 'any-answers' });
    const jane = world.addMember('north', 'T1', { id: 'U-jane', name: 'Jane' });
    world.addCommunity('south', { id: 'G1', name: 'L&D Guild' });
    const admin = world.addMember('south', 'G1', { id: 'U-admin', name: 'Gita', admin: true });
    const harold = world.addMember('south', 'G1', { id: 'U-harold', name: 'Harold' });
    const grounds: Place[] = [];
    for (let i = 0; i < GROUNDS; i++) grounds.push(world.addChannel('south', 'G1', { id: `C${i}`, name: `ch-${i}` }));

    // First process: the ask card (north) goes out, then it dies during the copies (south).
    const storeA = await createStore(url, { clock });
    stores.push(storeA);
    const a = new Engine({
      store: storeA,
      adapters: [createMemoryAdapter({ world, network: 'north' }), dyingAfter(createMemoryAdapter({ world, network: 'south' }), diesAfter)],
      clock,
      instanceId: 'a',
    });
    await a.start();
    for (const g of grounds) await world.command(admin, g, 'feelers', 'connect');
    await world.command(jane, origin, 'ask', 'Who runs good mentoring schemes? #mentoring');
    // Let A get as far as it can before it "dies".
    void a.deliver();
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    const firstCopy = world.messagesIn(grounds[0]!).find((m) => m.byBot);
    if (firstCopy) await world.say(harold, { ...grounds[0]!, thread: firstCopy.id }, 'Written while the first process still ran.');
    // Its adapters stop listening: the process is gone.
    await a.stop({ drainMs: 0 }).catch(() => {});

    // Second process on the same file. Claims of the dead process run out before anything is resent.
    const storeB = await createStore(url, { clock });
    stores.push(storeB);
    const b = new Engine({
      store: storeB,
      adapters: [createMemoryAdapter({ world, network: 'north' }), createMemoryAdapter({ world, network: 'south' })],
      clock,
      instanceId: 'b',
    });
    await b.start();
    clock.advance(defaultSettings.claimMs + 1);
    await b.deliver();

    for (const g of grounds) {
      expect(
        world.messagesIn(g).filter((m) => m.byBot),
        `copies in ${g.channel}`,
      ).toHaveLength(1);
    }
    expect(world.messagesIn(origin).filter((m) => m.byBot)).toHaveLength(1);

    // Nothing lost: a reply written before the death and one after are both digested.
    const later = world.messagesIn(grounds[GROUNDS - 1]!).find((m) => m.byBot)!;
    await world.say(harold, { ...grounds[GROUNDS - 1]!, thread: later.id }, 'Written after the restart.');
    expect(await b.digestTick()).toEqual({ digests: 1 });
    await b.deliver();
    const card = world.messagesIn(origin).find((m) => m.byBot)!;
    const digest = world.messagesIn({ ...origin, thread: card.id }).filter((m) => m.byBot);
    expect(digest).toHaveLength(1);
    if (firstCopy) expect(digest[0]!.text).toContain('Written while the first process still ran.');
    expect(digest[0]!.text).toContain('Written after the restart.');
    await b.stop({ drainMs: 0 });
  });
});
