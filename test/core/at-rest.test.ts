import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../src/core/keys.js';
import type { Profile } from '../../src/core/model.js';
import { createSealer, plainSealer, type SecretKey } from '../../src/core/sealer.js';
import { FeelersError } from '../../src/ports/errors.js';
import { buttonLabels, Story } from '../support/core.js';
import { QUESTION, setTopics } from '../support/core-steps.js';
import { rawStoreText } from '../support/raw-store.js';
import { flushDb, startTestRedis, type TestRedis } from '../support/redis-server.js';

const key = (id: string): SecretKey => ({ id, key: randomBytes(32) });
const HAROLD = 'harold@guild.example';
const JANE = 'jane@tz.example';

let redis: TestRedis | undefined;
beforeAll(async () => {
  redis = await startTestRedis();
}, 30_000);
afterAll(async () => redis?.stop());

type Kind = 'memory' | 'sqlite' | 'redis';

/**
 * Contacts at rest (src/core/sealer.ts, applied in repo.ts): with FEELERS_SECRET_KEY, what
 * someone reading the store's raw bytes finds is ciphertext, and introductions still work.
 */
describe.each<Kind>(['memory', 'sqlite', 'redis'])('contacts at rest (%s store)', (kind) => {
  let s: Story;
  afterEach(async () => s?.close());

  async function story(sealer: Story['sealer']): Promise<Story> {
    if (kind === 'redis') await flushDb(redis?.url ?? '');
    s = new Story(kind === 'redis' ? { url: redis?.url ?? '' } : kind);
    s.sealer = sealer;
    return s.start();
  }

  /** A new engine with other keys on the same data: a restart (memory keeps its store open, or it would be empty). */
  async function restartWith(sealer: Story['sealer']): Promise<void> {
    s.sealer = sealer;
    if (kind !== 'memory') return s.restart();
    await s.engine.stop({ drainMs: 0 });
    await s.boot();
  }

  const raw = () => rawStoreText(s.storeUrl(), s.store);
  const storedContact = async (p: Story['harold']) => (await s.store.get<Profile>(keys.profile(p)))?.contact;
  const showContact = async (p: Story['harold']) => {
    await s.world.command(p, s.world.dmPlace(p), 'feelers', 'contact');
    return s.lastNotice(p);
  };

  it('keeps no trace of a contact in the raw store, and an introduction still delivers it', async () => {
    await story(createSealer([key('k1')]));
    await s.connectBoth();
    await s.world.command(s.harold, s.askAround, 'feelers', `contact ${HAROLD}`);
    await s.world.command(s.jane, s.anyAnswers, 'feelers', `contact ${JANE}`);
    const text = await raw();
    expect(text).toContain('enc:v1:k1:');
    expect(text).not.toContain(HAROLD);
    expect(text).not.toContain(JANE);
    expect(await showContact(s.harold)).toContain(HAROLD);

    await s.world.command(s.jane, s.anyAnswers, 'ask', QUESTION);
    await s.settle();
    const card = s.last(s.anyAnswers);
    await s.world.say(s.harold, s.thread(s.last(s.askAround)), 'Ask me about communities of practice.');
    await s.engine.digestTick();
    await s.settle();
    await s.world.press(s.jane, s.last(s.thread(card)).id, 'Request intro');
    await s.settle();
    expect(buttonLabels(s.lastDm(s.harold))).toContain('Share my contact');
    await s.world.press(s.harold, s.lastDm(s.harold).id, 'Share my contact');
    await s.settle();
    expect(s.lastDm(s.jane).text).toContain(HAROLD);
    expect(s.lastDm(s.harold).text).toContain(JANE);
  });

  it('rotation: a contact sealed under k1 is read with keys [k2, k1]; what is saved next is sealed under k2', async () => {
    const k1 = key('k1');
    await story(createSealer([k1]));
    await s.world.command(s.harold, s.askAround, 'feelers', `contact ${HAROLD}`);
    expect(await storedContact(s.harold)).toMatch(/^enc:v1:k1:/);
    await restartWith(createSealer([key('k2'), k1]));
    expect(await showContact(s.harold)).toContain(HAROLD);
    await setTopics(s, s.harold, 'learning');
    expect(await storedContact(s.harold)).toMatch(/^enc:v1:k2:/);
    expect(await showContact(s.harold)).toContain(HAROLD);
  });

  it('migration: a contact saved before any key is still read, and sealed when its profile is saved again', async () => {
    await story(undefined);
    await s.world.command(s.harold, s.askAround, 'feelers', `contact ${HAROLD}`);
    expect(await storedContact(s.harold)).toBe(HAROLD);
    await restartWith(createSealer([key('k1')]));
    expect(await showContact(s.harold)).toContain(HAROLD);
    await setTopics(s, s.harold, 'learning');
    expect(await storedContact(s.harold)).toMatch(/^enc:v1:k1:/);
    expect(await showContact(s.harold)).toContain(HAROLD);
  });

  it('a missing or wrong key is a clear error naming the key id, answered once, never garbage', async () => {
    await story(createSealer([key('k1')]));
    await s.world.command(s.harold, s.askAround, 'feelers', `contact ${HAROLD}`);
    for (const [sealer, code] of [
      [plainSealer, 'secret_key_missing'],
      [createSealer([key('k2')]), 'secret_key_missing'],
      [createSealer([key('k1')]), 'secret_key_wrong'],
    ] as const) {
      await restartWith(sealer);
      const err: unknown = await s.engine.ctx.repo.profile(s.harold).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FeelersError);
      expect(err).toMatchObject({ code, message: expect.stringContaining('key id "k1"') as unknown });
      // The event that meets it is answered and marked done, not retried in a loop.
      const answer = await showContact(s.harold);
      expect(answer).toContain('something went wrong');
      expect(answer).not.toContain('enc:');
    }
  });
});
