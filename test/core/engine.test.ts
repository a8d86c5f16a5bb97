import { describe, expect, it } from 'vitest';
import { createMemoryAdapter } from '../../adapters/memory/index.js';
import { Engine } from '../../src/core/engine.js';
import { defaultSettings } from '../../src/core/settings.js';
import { sets } from '../../src/core/keys.js';
import type { ChatEvent } from '../../src/ports/events.js';
import type { SortedRangeOptions, Store, StoreWrite } from '../../src/ports/store.js';
import { Story } from '../support/core.js';
import { FeelersError } from '../../src/ports/errors.js';
import { SqliteSpool } from '../../src/store/sqlite-spool.js';

/** A store seen from a process that dies after `calls` more calls: later calls never return. */
function dyingStore(inner: Store, calls: number): Store {
  let left = calls;
  const never = new Promise<never>(() => {});
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || prop === 'kind') return value;
      return (...args: unknown[]) => (left-- > 0 ? (value as (...a: unknown[]) => unknown).apply(target, args) : never);
    },
  });
}

describe('an event whose handler died half-way', () => {
  it.each([2, 4, 6])('is asked for again while claimed, then handled once the claim runs out (death after %i calls)', async (calls) => {
    const s = await new Story('memory').start();
    await s.connectBoth();
    await s.world.command(s.jane, s.anyAnswers, 'ask', 'Who runs learning circles? #learning');
    await s.settle();
    const copy = s.last(s.askAround);
    const card = s.last(s.anyAnswers);

    // Capture the reply event as the platform sent it, without handling it.
    let captured: ChatEvent | undefined;
    await s.engine.stop({ drainMs: 0 });
    const south = createMemoryAdapter({ world: s.world, network: 'south' });
    await south.start(async (e) => {
      captured = e;
    });
    await s.world.say(s.harold, s.thread(copy), 'Written just before a crash.');
    await south.stop();
    const event = captured!;

    // Process A dies handling it.
    const a = new Engine({ store: dyingStore(s.store, calls), adapters: [], clock: s.clock, instanceId: 'a' });
    void a.handle(event);
    await new Promise((r) => setImmediate(r));

    // Process B gets the platform's retry: still claimed by A, so B asks for another retry.
    await s.boot();
    expect(await s.engine.handle(event)).toBe('retry');
    s.clock.advance(defaultSettings.claimMs + 1);
    expect(await s.engine.handle(event)).toBe('done');
    // Finished: a further retry is a duplicate, and changes nothing.
    expect(await s.engine.handle(event)).toBe('done');

    await s.engine.digestTick();
    await s.settle();
    const digest = s.last(s.thread(card));
    expect(digest.text.split('Written just before a crash.')).toHaveLength(2);
    await s.close();
  });
});

describe('a digest tick that died half-way', () => {
  it('leaves every reply in exactly one digest after the next tick, whatever the moment of death', async () => {
    for (let calls = 1; calls <= 45; calls++) {
      const s = await new Story('memory').start();
      await s.connectBoth();
      await s.world.command(s.jane, s.anyAnswers, 'ask', 'Who runs learning circles? #learning');
      await s.settle();
      const copy = s.last(s.askAround);
      const card = s.last(s.anyAnswers);
      await s.world.press(s.maria, copy.id, 'Follow');
      await s.world.say(s.harold, s.thread(copy), 'First, before the tick.');

      const a = new Engine({ store: dyingStore(s.store, calls), adapters: [], clock: s.clock, instanceId: 'a' });
      void a.digestTick();
      for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));

      await s.world.say(s.karyn, s.thread(copy), 'Second, after the death.');
      s.clock.advance(3 * 60_000);
      await s.engine.digestTick();
      await s.engine.deliver();
      const digests = s.world
        .messagesIn(s.thread(card))
        .filter((m) => m.byBot)
        .map((m) => m.text)
        .join('\n');
      const toMaria = s.world
        .dmsTo(s.maria)
        .map((m) => m.text)
        .join('\n');
      for (const text of [digests, toMaria]) {
        expect(text.split('First, before the tick.'), `death after ${calls} calls`).toHaveLength(2);
        expect(text.split('Second, after the death.'), `death after ${calls} calls`).toHaveLength(2);
      }
      await s.close();
    }
  });
});

describe('an ask closed after a digest tick died half-way', () => {
  it('puts every reply in exactly one of the digests and the final summary', async () => {
    for (let calls = 1; calls <= 45; calls++) {
      const s = await new Story('memory').start();
      await s.connectBoth();
      await s.world.command(s.jane, s.anyAnswers, 'ask', 'Who runs learning circles? #learning');
      await s.settle();
      const copy = s.last(s.askAround);
      const card = s.last(s.anyAnswers);
      await s.world.say(s.harold, s.thread(copy), 'First, before the tick.');

      const a = new Engine({ store: dyingStore(s.store, calls), adapters: [], clock: s.clock, instanceId: 'a' });
      void a.digestTick();
      for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));

      await s.world.say(s.karyn, s.thread(copy), 'Second, after the death.');
      await s.world.press(s.jane, card.id, 'Close');
      await s.engine.deliver();
      const thread = s.world
        .messagesIn(s.thread(card))
        .filter((m) => m.byBot)
        .map((m) => m.text)
        .join('\n');
      expect(thread.split('First, before the tick.'), `death after ${calls} calls`).toHaveLength(2);
      expect(thread.split('Second, after the death.'), `death after ${calls} calls`).toHaveLength(2);
      await s.close();
    }
  });
});

// ---- the spool: events accepted while the store is down ----

/**
 * A store that can be taken down, as a Redis connection can: every call rejects with
 * store_unavailable. `downAfter(n)` lets n more calls through first (a failure half-way
 * through an event).
 */
class FlakyStore implements Store {
  readonly kind = 'flaky';
  private budget = Infinity;
  private why = 'test store is down';
  constructor(private readonly inner: Store) {}
  /** Every call rejects from now on, with `why` as the error's message. */
  down(why = 'test store is down'): void {
    this.budget = 0;
    this.why = why;
  }
  downAfter(calls: number): void {
    this.budget = calls;
  }
  up(): void {
    this.budget = Infinity;
  }
  /** The next batch is refused as a lost connection would refuse it; single calls go through. */
  failNextBatch(): void {
    this.batchFails = true;
  }
  private batchFails = false;
  private gate(): void {
    if (this.budget <= 0) throw new FeelersError('store_unavailable', this.why);
    this.budget--;
  }
  get<T>(key: string) {
    this.gate();
    return this.inner.get<T>(key);
  }
  set<T>(key: string, value: T, ttlMs?: number) {
    this.gate();
    return this.inner.set(key, value, ttlMs);
  }
  delete(key: string) {
    this.gate();
    return this.inner.delete(key);
  }
  acquire(key: string, owner: string, ttlMs: number) {
    this.gate();
    return this.inner.acquire(key, owner, ttlMs);
  }
  release(key: string, owner: string) {
    this.gate();
    return this.inner.release(key, owner);
  }
  incr(key: string, ttlMs: number, by?: number) {
    this.gate();
    return this.inner.incr(key, ttlMs, by);
  }
  batch(writes: readonly StoreWrite[]) {
    this.gate();
    if (this.batchFails) {
      this.batchFails = false;
      throw new FeelersError('store_unavailable', 'the batch was lost with the connection');
    }
    return this.inner.batch(writes);
  }
  setAdd(set: string, ...m: string[]) {
    this.gate();
    return this.inner.setAdd(set, ...m);
  }
  setRemove(set: string, ...m: string[]) {
    this.gate();
    return this.inner.setRemove(set, ...m);
  }
  setMembers(set: string) {
    this.gate();
    return this.inner.setMembers(set);
  }
  setHas(set: string, m: string) {
    this.gate();
    return this.inner.setHas(set, m);
  }
  setSize(set: string) {
    this.gate();
    return this.inner.setSize(set);
  }
  sortedAdd(index: string, member: string, score: number) {
    this.gate();
    return this.inner.sortedAdd(index, member, score);
  }
  sortedIncr(index: string, member: string, by: number) {
    this.gate();
    return this.inner.sortedIncr(index, member, by);
  }
  sortedRemove(index: string, ...m: string[]) {
    this.gate();
    return this.inner.sortedRemove(index, ...m);
  }
  sortedRange(index: string, opts?: SortedRangeOptions) {
    this.gate();
    return this.inner.sortedRange(index, opts);
  }
  sortedCount(index: string, bounds?: { min?: number; max?: number }) {
    this.gate();
    return this.inner.sortedCount(index, bounds);
  }
  ping() {
    this.gate();
    return this.inner.ping();
  }
  close() {
    return this.inner.close();
  }
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

  it('an ask whose writes the store refuses leaves none of them; its redo fans it out once', async () => {
    const { s, flaky, spool } = await storyWithSpool();
    flaky.failNextBatch();
    await s.world.command(s.jane, s.anyAnswers, 'ask', 'Who mentors new managers well? #learning');
    expect(await spool.size()).toBe(1);
    // Nothing of the second ask: no record, no copy, nothing in the outbox.
    expect(await s.openAsks()).toHaveLength(1);
    expect(await s.store.setSize(sets.outbox)).toBe(0);
    await s.settle();
    expect(s.botPosts(s.askAround)).toHaveLength(1);
    expect(await s.engine.replaySpool()).toBe(1);
    await s.settle();
    expect(await s.openAsks()).toHaveLength(2);
    const copies = s.botPosts(s.askAround).map((m) => m.text);
    expect(copies.filter((t) => t.includes('Who mentors new managers well?'))).toHaveLength(1);
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

describe('the health report', () => {
  it('says which part is down, never the error behind it (hostnames, addresses stay in the log)', async () => {
    const { s, flaky } = await storyWithSpool();
    flaky.down('connect ECONNREFUSED 10.1.2.3:6379 (redis.internal.example)');
    const report = await s.engine.health();
    expect(report.ok).toBe(false);
    expect(report.parts['store']).toEqual({ ok: false, detail: 'the flaky store does not answer' });
    expect(JSON.stringify(report)).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|internal\.example/);
    await s.close();
  });
});
