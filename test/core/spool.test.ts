import { describe, expect, it } from 'vitest';
import { createMemoryAdapter } from '../../adapters/memory/index.js';
import { Engine } from '../../src/core/engine.js';
import { FeelersError } from '../../src/ports/errors.js';
import type { Store } from '../../src/ports/store.js';
import { SqliteSpool } from '../../src/store/sqlite-spool.js';
import { Story } from '../support/core.js';

/**
 * A store that can be taken down, as a Redis connection can: every call rejects with
 * store_unavailable. `downAfter(n)` lets n more calls through first (a failure half-way
 * through an event).
 */
class FlakyStore implements Store {
  readonly kind = 'flaky';
  private budget = Infinity;
  constructor(private readonly inner: Store) {}
  down(): void {
    this.budget = 0;
  }
  downAfter(calls: number): void {
    this.budget = calls;
  }
  up(): void {
    this.budget = Infinity;
  }
  private gate(): void {
    if (this.budget <= 0) throw new FeelersError('store_unavailable', 'test store is down');
    this.budget--;
  }
  get<T>(key: string) { this.gate(); return this.inner.get<T>(key); }
  set<T>(key: string, value: T, ttlMs?: number) { this.gate(); return this.inner.set(key, value, ttlMs); }
  delete(key: string) { this.gate(); return this.inner.delete(key); }
  acquire(key: string, owner: string, ttlMs: number) { this.gate(); return this.inner.acquire(key, owner, ttlMs); }
  release(key: string, owner: string) { this.gate(); return this.inner.release(key, owner); }
  incr(key: string, ttlMs: number, by?: number) { this.gate(); return this.inner.incr(key, ttlMs, by); }
  setAdd(set: string, ...m: string[]) { this.gate(); return this.inner.setAdd(set, ...m); }
  setRemove(set: string, ...m: string[]) { this.gate(); return this.inner.setRemove(set, ...m); }
  setMembers(set: string) { this.gate(); return this.inner.setMembers(set); }
  setHas(set: string, m: string) { this.gate(); return this.inner.setHas(set, m); }
  setSize(set: string) { this.gate(); return this.inner.setSize(set); }
  ping() { this.gate(); return this.inner.ping(); }
  close() { return this.inner.close(); }
}

async function storyWithSpool() {
  const s = await new Story('memory').start();
  const flaky = new FlakyStore(s.store);
  const spool = new SqliteSpool(':memory:');
  await s.engine.stop({ drainMs: 0 });
  s.engine = new Engine({
    store: flaky,
    adapters: [createMemoryAdapter({ world: s.world, network: 'north' }), createMemoryAdapter({ world: s.world, network: 'south' })],
    clock: s.clock,
    settings: s.settings,
    spool,
  });
  await s.engine.start();
  await s.connectBoth();
  await s.world.command(s.jane, s.anyAnswers, 'ask', 'Who teaches well across teams? #learning');
  await s.settle();
  return { s, flaky, spool, card: s.last(s.anyAnswers), copy: s.last(s.askAround) };
}

describe('events accepted while the store is down', () => {
  it('wait in the spool and are processed once the store is back', async () => {
    const { s, flaky, spool, card, copy } = await storyWithSpool();
    flaky.down();
    await s.world.say(s.harold, s.thread(copy), 'Kept while the store was down.');
    await s.world.say(s.karyn, s.thread(copy), 'Me too.');
    expect(await spool.size()).toBe(2);
    expect(await s.engine.replaySpool()).toBe(0); // still down: nothing taken out
    expect(await spool.size()).toBe(2);
    flaky.up();
    expect(await s.engine.replaySpool()).toBe(2);
    expect(await spool.size()).toBe(0);
    await s.engine.digestTick();
    await s.settle();
    const digest = s.last(s.thread(card));
    expect(digest.text).toContain('Kept while the store was down.');
    expect(digest.text).toContain('Me too.');
    await s.close();
  });

  it.each([1, 2, 3, 4, 5, 6, 8])('finish an event the store failed %i calls into, without doubling it', async (calls) => {
    const { s, flaky, spool, card, copy } = await storyWithSpool();
    flaky.downAfter(calls);
    await s.world.say(s.harold, s.thread(copy), 'Half-way when the store went.');
    flaky.up();
    await s.engine.replaySpool();
    expect(await spool.size()).toBe(0);
    // A platform retry of the same event afterwards is still a duplicate.
    await s.engine.digestTick();
    await s.settle();
    const digest = s.last(s.thread(card));
    expect(digest.text.match(/Half-way when the store went\./g)).toHaveLength(1);
    await s.close();
  });
});
