import { describe, expect, it } from 'vitest';
import { createMemoryAdapter, MemoryWorld } from '../../adapters/memory/index.js';
import { Engine } from '../../src/core/engine.js';
import { stableId } from '../../src/core/ids.js';
import type { Ask, Copy } from '../../src/core/model.js';
import { Repo } from '../../src/core/repo.js';
import { engineSettings } from '../../src/core/settings.js';
import { DAY_MS } from '../../src/ports/clock.js';
import type { Store } from '../../src/ports/store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { ldGuild, trainingZone } from '../support/core.js';
import { ManualClock } from '../support/manual-clock.js';

const READS = ['get', 'setMembers', 'setHas', 'setSize', 'sortedRange', 'sortedCount'] as const;

/** The store, counting each read by name (the writes and the rest pass straight through). */
function counting(inner: Store): { store: Store; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const store = Object.create(inner) as Store;
  for (const op of READS) {
    const real = inner[op].bind(inner) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(store, {
      [op]: (...args: unknown[]) => {
        reads.set(op, (reads.get(op) ?? 0) + 1);
        return real(...args);
      },
    });
  }
  return { store, reads };
}

function askOf(i: number, now: number, state: Ask['state']): Ask {
  return {
    id: `ask-${i}`,
    text: `Question ${i}: who has run learning circles across teams?`,
    topics: [],
    asker: { network: 'north', community: 'T1', user: `U${i}`, name: `Asker ${i}`, communityName: 'TrainingZone' },
    origin: { network: 'north', community: 'T1', channel: 'C-any' },
    createdAt: now - 30 * DAY_MS + i,
    expiresAt: now + 14 * DAY_MS,
    state,
    ...(state === 'open' ? {} : { closedAt: now - DAY_MS }),
  };
}

/** A store with two open asks and `ended` finished ones, each with a copy in a thread; then what an engine reads starting on it. */
async function readsAtStart(ended: number): Promise<Map<string, number>> {
  const clock = new ManualClock();
  const inner = new MemoryStore(clock);
  const repo = new Repo(inner);
  const now = clock.now();
  for (let i = 0; i < ended + 2; i++) {
    const ask = askOf(i, now, i < 2 ? 'open' : i % 2 ? 'closed' : 'expired');
    await repo.openAsk({ ...ask, state: 'open' });
    const ref = { network: 'south', community: 'G1', channel: 'C-ask', id: `m${i}`, thread: `m${i}` };
    const copy: Copy = {
      id: stableId('copy', ask.id),
      askId: ask.id,
      kind: 'ground',
      place: { network: 'south', community: 'G1', channel: 'C-ask' },
      communityName: 'L&D Guild',
      deliveryId: stableId('delivery', ask.id),
      ref,
    };
    await repo.addCopy(copy);
    await repo.bindThread(ref, { askId: ask.id, copyId: copy.id });
    if (ask.state !== 'open') {
      await repo.saveAsk(ask);
      await repo.unlistAsk(ask.id);
      await repo.asks.refile(ask);
      await repo.retention.listFinished(ask.id, ask.closedAt ?? now);
    }
  }
  const { store, reads } = counting(inner);
  const world = new MemoryWorld({ clock });
  trainingZone(world);
  ldGuild(world);
  const engine = new Engine({
    store,
    adapters: ['north', 'south'].map((network) => createMemoryAdapter({ world, network })),
    clock,
    settings: engineSettings(),
  });
  await engine.start();
  // Both the outbox pass and the read-back of open threads (the memory network can) are done.
  await engine.whenCaughtUp();
  await engine.deliver();
  await engine.stop({ drainMs: 0 });
  return reads;
}

describe('what an engine reads when it starts', () => {
  it('is the same with 4 asks that ended as with 400: only the open ones are read', async () => {
    const few = await readsAtStart(4);
    const many = await readsAtStart(400);
    // It did read the open asks' threads (catch-up) and the outbox.
    expect(few.get('setMembers') ?? 0).toBeGreaterThan(0);
    expect(few.get('get') ?? 0).toBeGreaterThanOrEqual(2);
    expect(Object.fromEntries(many)).toEqual(Object.fromEntries(few));
  });
});
