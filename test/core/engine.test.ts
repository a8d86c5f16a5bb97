import { describe, expect, it } from 'vitest';
import { createMemoryAdapter } from '../../adapters/memory/index.js';
import { Engine } from '../../src/core/engine.js';
import { defaultSettings } from '../../src/core/settings.js';
import type { ChatEvent } from '../../src/ports/events.js';
import type { Store } from '../../src/ports/store.js';
import { Story } from '../support/core.js';

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
      const digests = s.world.messagesIn(s.thread(card)).filter((m) => m.byBot).map((m) => m.text).join('\n');
      const toMaria = s.world.dmsTo(s.maria).map((m) => m.text).join('\n');
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
      const thread = s.world.messagesIn(s.thread(card)).filter((m) => m.byBot).map((m) => m.text).join('\n');
      expect(thread.split('First, before the tick.'), `death after ${calls} calls`).toHaveLength(2);
      expect(thread.split('Second, after the death.'), `death after ${calls} calls`).toHaveLength(2);
      await s.close();
    }
  });
});
