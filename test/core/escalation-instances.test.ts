import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryAdapter } from '../../adapters/memory/index.js';
import { Engine } from '../../src/core/engine.js';
import { indexes } from '../../src/core/keys.js';
import type { Store } from '../../src/ports/store.js';
import { createStore } from '../../src/store/create-store.js';
import { personKey } from '../../src/ports/places.js';
import { Story } from '../support/core.js';
import { ask, copyOf, DAY, dmsWith, setTopics, settingsWith } from '../support/core-steps.js';
import { flushDb, startTestRedis, withDb, type TestRedis } from '../support/redis-server.js';

/**
 * Two instances on one Redis: both run the expiry sweep at the same moment, and an unanswered
 * question still widens once (one copy per near channel, one notice); what is learned from a
 * reply on one instance routes the next prod on the other.
 */

const DB = 9;
let redis: TestRedis | undefined;
beforeAll(async () => {
  redis = await startTestRedis();
}, 30_000);
afterAll(async () => redis?.stop());

let s: Story | undefined;
let second: { engine: Engine; store: Store } | undefined;
afterEach(async () => {
  await second?.engine.stop({ drainMs: 0 });
  await second?.store.close();
  await s?.close();
  s = second = undefined;
});

async function twoInstances(): Promise<{ st: Story; other: Engine }> {
  const url = withDb(redis?.url ?? '', DB);
  await flushDb(url);
  const st = await new Story({ url }, settingsWith({ limits: { prodsPerAsk: 1 } })).start();
  s = st;
  const store = await createStore(url, { clock: st.clock });
  const adapters = ['north', 'south'].map((network) => createMemoryAdapter({ world: st.world, network }));
  const engine = new Engine({ store, adapters, clock: st.clock, settings: st.settings, instanceId: 'second' });
  await engine.start();
  second = { engine, store };
  return { st, other: engine };
}

describe('escalation and learning with two instances on Redis', () => {
  it('two sweeps at once widen an unanswered question once', async () => {
    const { st, other } = await twoInstances();
    const remote = st.world.addChannel('south', 'G1', { id: 'C-remote', name: 'remote' });
    await st.world.command(st.guildAdmin, st.askAround, 'feelers', 'connect onboarding');
    await st.world.command(st.guildAdmin, remote, 'feelers', 'connect onboarding-remote');
    await ask(st, st.jane, st.anyAnswers, 'Remote onboarding ideas? #onboarding');
    st.clock.advance(DAY);
    await Promise.all([st.engine.expirySweep(), other.expirySweep()]);
    await st.settle();
    await other.deliver();
    expect(dmsWith(st, st.jane, 'Nobody has answered your question yet')).toHaveLength(1);
    expect(st.botPosts(remote).filter((m) => m.text.includes('Remote onboarding ideas?'))).toHaveLength(1);
    await Promise.all([st.engine.expirySweep(), other.expirySweep()]);
    await st.settle();
    expect(st.botPosts(remote)).toHaveLength(1);
  });

  it('help learned through one instance moves the helper up on the other', async () => {
    const { st, other } = await twoInstances();
    await st.connectBoth();
    await setTopics(st, st.sam, 'onboarding');
    await setTopics(st, st.harold, 'onboarding');
    await ask(st, st.jane, st.anyAnswers, 'Onboarding question 1? #onboarding');
    const copy = copyOf(st, st.askAround, 'Onboarding question 1?');
    if (!copy) throw new Error('no copy');
    // Harold's answer reaches the engine of the second instance.
    const thread = st.thread(copy);
    await other.handle({
      kind: 'message',
      id: 'redis-test:harold:1',
      messageId: 'm-harold-1',
      text: 'A buddy for every starter.',
      direct: false,
      mentionsBot: false,
      actor: { ...st.harold, name: 'Harold', isBot: false, isSelf: false, rights: { admin: false, manageChannel: false } },
      place: thread,
      communityName: 'L&D Guild',
    });
    expect(await st.store.sortedRange(indexes.helpers('onboarding'))).toEqual([{ member: personKey(st.harold), score: 1 }]);
    await ask(st, st.jane, st.anyAnswers, 'Onboarding question 2? #onboarding');
    expect(dmsWith(st, st.harold, 'Onboarding question 2?')[0]?.text).toContain('You helped with #onboarding once before');
  });
});
