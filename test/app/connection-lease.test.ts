import { describe, expect, it } from 'vitest';
import { createMemoryAdapter, MemoryWorld } from '../../adapters/memory/index.js';
import { ManualClock } from '../support/manual-clock.js';
import { Engine } from '../../src/core/engine.js';
import { silentLogger } from '../../src/ports/logger.js';
import { ExclusiveAdapter } from '../../src/app/connection-lease.js';
import { MemoryStore } from '../../src/store/memory-store.js';

const LEASE = 15_000;

/** Let queued promise callbacks run (lease ticks await the store). */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

/**
 * Two instances share one store. The "south" network allows one connection at a time (as
 * Discord's gateway does): each instance wraps it in an ExclusiveAdapter.
 */
async function twoInstances() {
  const clock = new ManualClock();
  const world = new MemoryWorld({ clock });
  world.addCommunity('north', { id: 'T1', name: 'TrainingZone' });
  world.addCommunity('south', { id: 'G1', name: 'L&D Guild' });
  const origin = world.addChannel('north', 'T1', { id: 'C-any', name: 'any-answers' });
  const ground = world.addChannel('south', 'G1', { id: 'C-ask', name: 'ask-around' });
  const jane = world.addMember('north', 'T1', { id: 'U-jane', name: 'Jane' });
  const admin = world.addMember('south', 'G1', { id: 'U-admin', name: 'Gita', admin: true });
  const harold = world.addMember('south', 'G1', { id: 'U-harold', name: 'Harold' });
  const store = new MemoryStore(clock);
  const make = (owner: string) => {
    let engine!: Engine;
    const south = new ExclusiveAdapter(createMemoryAdapter({ world, network: 'south' }), {
      store,
      owner,
      clock,
      log: silentLogger,
      leaseMs: LEASE,
      onActive: () => engine.catchUp('south'),
    });
    engine = new Engine({ store, adapters: [createMemoryAdapter({ world, network: 'north' }), south], clock, instanceId: owner });
    return { engine, south };
  };
  const a = make('a');
  const b = make('b');
  return { clock, world, store, origin, ground, jane, admin, harold, a, b };
}

describe('one connection among several instances', () => {
  it('lets exactly one instance connect, and another take over within a lease when it dies, catching up on the gap', async () => {
    const t = await twoInstances();
    // North is an ordinary network: only instance a listens there, so events are not doubled.
    await t.a.engine.start();
    await t.b.south.start((e) => t.b.engine.handle(e));
    expect(t.a.south.isActive()).toBe(true);
    expect(t.b.south.isActive()).toBe(false);
    expect(t.b.south.health()).toMatchObject({ connected: true, role: 'standby' });

    await t.world.command(t.admin, t.ground, 'feelers', 'connect');
    await t.world.command(t.jane, t.origin, 'ask', 'Who runs learning circles? #learning');
    await t.a.engine.deliver();
    const copy = t.world.messagesIn(t.ground).find((m) => m.byBot)!;
    const thread = { ...t.ground, thread: copy.id };
    await t.world.say(t.harold, thread, 'Before the holder died.');

    // Instance a dies: its south connection drops and its lease is never renewed.
    await createDeath(t.a.south);
    await t.world.say(t.harold, thread, 'Written while nobody held the connection.');

    // Before the lease runs out, b stays on standby; after, it connects and reads the gap.
    t.clock.advance(LEASE / 3);
    await flush();
    expect(t.b.south.isActive()).toBe(false);
    for (let i = 0; i < 4; i++) {
      t.clock.advance(LEASE / 3);
      await flush();
    }
    expect(t.b.south.isActive()).toBe(true);
    await t.world.say(t.harold, thread, 'After the takeover.');

    expect(await t.b.engine.digestTick()).toEqual({ digests: 1 });
    await t.b.engine.deliver();
    const card = t.world.messagesIn(t.origin).find((m) => m.byBot)!;
    const digest = t.world.messagesIn({ ...t.origin, thread: card.id }).filter((m) => m.byBot);
    expect(digest).toHaveLength(1);
    for (const line of ['Before the holder died.', 'Written while nobody held the connection.', 'After the takeover.']) {
      expect(digest[0]!.text.split(line)).toHaveLength(2);
    }
    await t.b.south.stop();
  });

  it('gives the connection up when another instance holds the lease', async () => {
    const t = await twoInstances();
    await t.a.south.start(async () => {});
    expect(t.a.south.isActive()).toBe(true);
    // Someone else takes the lease (a's renewals were lost, say): a must disconnect.
    await t.store.release('lease:connection:south', 'a');
    expect(await t.store.acquire('lease:connection:south', 'other', LEASE)).toBe(true);
    t.clock.advance(LEASE / 3);
    await flush();
    expect(t.a.south.isActive()).toBe(false);
    await t.a.south.stop();
  });
});

/** A crash: the inner connection is gone and nothing renews the lease any more. */
async function createDeath(adapter: ExclusiveAdapter): Promise<void> {
  const inner = (adapter as unknown as { inner: { stop(): Promise<void> } }).inner;
  (adapter as unknown as { running: boolean }).running = false;
  await inner.stop();
}
