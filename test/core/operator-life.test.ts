import { describe, expect, it } from 'vitest';
import { askIdOf } from '../../src/core/intake.js';
import type { CopyLife } from '../../src/core/operator-api.js';
import type { StoreKind } from '../support/core.js';
import { QUESTION, setTopics, storyPerTest } from '../support/core-steps.js';

const CONTACT = 'HAROLD-PRIVATE-PHONE-07700-900123';
const JANE_CONTACT = 'JANE-PRIVATE-MAIL-at-home';

/** One ask's life as the console shows it (src/core/operator-life.ts). */
describe.each<StoreKind>(['memory', 'sqlite'])('operator: the life of an ask (%s store)', (kind) => {
  const started = storyPerTest();

  /**
   * Jane's question reaches L&D Guild's ask-around, a channel that is gone, a channel whose
   * sends keep failing, Maria (prodded, and referred by Harold), Karyn (prodded, DMs closed).
   * Harold, Sam and Tess reply; Sam then uses forget-me; a digest goes out; Harold shares
   * his contact with Jane.
   */
  async function lived() {
    const s = await started(kind);
    await s.connectBoth();
    const gone = s.world.addChannel('south', 'G1', { id: 'C-gone', name: 'gone' });
    const flaky = s.world.addChannel('south', 'G1', { id: 'C-flaky', name: 'flaky' });
    await s.world.command(s.guildAdmin, gone, 'feelers', 'connect');
    await s.world.command(s.guildAdmin, flaky, 'feelers', 'connect');
    await setTopics(s, s.maria, 'learning');
    await setTopics(s, s.karyn, 'learning');
    await s.world.command(s.harold, s.askAround, 'feelers', `contact ${CONTACT}`);
    await s.world.command(s.jane, s.anyAnswers, 'feelers', `contact ${JANE_CONTACT}`);
    s.world.closeDms(s.karyn);
    s.world.archiveChannel(gone);
    s.world.failNext('south', { kind: 'transient', where: 'C-flaky', times: 8 });

    const { eventId } = await s.world.command(s.jane, s.anyAnswers, 'ask', QUESTION);
    await s.settle();
    // Every retry of the flaky channel, 2 s, 4 s ... apart, until the deliverer gives up.
    for (let i = 0; i < 8; i++) {
      s.clock.advance(15 * 60_000);
      await s.settle();
    }
    const card = s.last(s.anyAnswers);
    const copy = s.last(s.askAround);
    await s.world.press(s.harold, copy.id, 'I know someone', { person: s.maria });
    await s.world.say(s.harold, s.thread(copy), 'Try communities of practice.');
    s.clock.advance(1_000);
    await s.world.say(s.sam, s.thread(copy), 'We pair new starters with mentors.');
    s.clock.advance(1_000);
    await s.world.say(s.tzAdmin, s.thread(card), 'Ask the Learning Guild too.');
    s.clock.advance(10 * 60_000);
    await s.engine.digestTick();
    await s.settle();
    const digest = s.last(s.thread(card));
    await s.world.command(s.sam, s.world.dmPlace(s.sam), 'feelers', 'forget-me');
    await s.world.press(s.jane, digest.id, 'Request intro');
    await s.settle();
    await s.world.press(s.harold, s.lastDm(s.harold).id, 'Share my contact');
    await s.settle();
    return { s, askId: askIdOf(eventId), card, copy, digest };
  }

  it('shows where each copy went and how it fared, the replies by community, digests and intros', async () => {
    const { s, askId, card, copy, digest } = await lived();
    const life = await s.engine.operator.askLife(askId);
    if (!life) throw new Error('no life');
    expect(life.ask).toMatchObject({ id: askId, text: QUESTION, askerName: 'Jane', communityName: 'TrainingZone', state: 'open' });
    expect(life.card).toEqual({ state: 'sent', link: `/#${card.id}` });

    const at = (kindOf: CopyLife['kind'], where: string) => life.copies.find((c) => c.kind === kindOf && c.where === where);
    expect(at('ground', 'ask-around')).toMatchObject({
      shown: 'sent',
      state: 'sent',
      link: `/#${copy.id}`,
      communityName: 'L&D Guild',
      network: 'south',
    });
    expect(at('ground', 'gone')).toMatchObject({ shown: 'unreachable', state: 'failed', link: undefined });
    expect(at('ground', 'gone')?.lastError).toContain('archived');
    expect(at('ground', 'flaky')).toMatchObject({ shown: 'failed', state: 'failed' });
    expect(at('ground', 'flaky')?.lastError).toContain('server error');
    // A DM is its recipient's: it is shown, never linked.
    expect(at('prod', 'Maria')).toMatchObject({ shown: 'sent', link: undefined });
    expect(at('prod', 'Karyn')).toMatchObject({ shown: 'unreachable' });
    expect(at('referral', 'Maria')).toMatchObject({ shown: 'sent', via: ['Harold'], link: undefined });
    expect(life.copies.map((c) => c.kind)).toEqual(['ground', 'ground', 'ground', 'prod', 'prod', 'referral']);

    expect(life.replies).toEqual([
      {
        communityName: 'L&D Guild',
        replies: [
          expect.objectContaining({ authorName: 'Harold', text: 'Try communities of practice.', state: 'live' }),
          // Sam used forget-me.
          expect.objectContaining({ authorName: 'Someone', text: 'We pair new starters with mentors.', state: 'live' }),
        ],
      },
      { communityName: 'TrainingZone', replies: [expect.objectContaining({ authorName: 'Tess', text: 'Ask the Learning Guild too.' })] },
    ]);
    expect(life.digests).toEqual([expect.objectContaining({ state: 'sent', link: `/#${digest.id}` })]);
    expect(life.intros).toEqual([
      expect.objectContaining({
        direction: 'requested',
        askerName: 'Jane',
        responderName: 'Harold',
        responderCommunity: 'L&D Guild',
        state: 'shared',
      }),
    ]);
    expect(life.intros[0]?.decidedAt).toBeGreaterThanOrEqual(life.intros[0]?.createdAt ?? Infinity);
  });

  it('never carries a contact, a handle or a profile link, in the life or the overview', async () => {
    const { s, askId } = await lived();
    // The contacts were released (the test would prove nothing if they were nowhere).
    expect(s.lastDm(s.jane).text).toContain(CONTACT);
    expect(s.lastDm(s.harold).text).toContain(JANE_CONTACT);
    const shown = JSON.stringify([
      await s.engine.operator.askLife(askId),
      await s.engine.operator.overview(),
      await s.engine.operator.asks({}),
      await s.engine.operator.communityGraph(30),
    ]);
    for (const secret of [CONTACT, JANE_CONTACT, '@harold', '@jane.tz', 'https://tz.example/jane']) expect(shown).not.toContain(secret);
    expect(shown).toContain('Harold');
  });

  it('says a closed ask is closed, with its final summary among the digests; no such ask is undefined', async () => {
    const { s, askId } = await lived();
    expect(await s.engine.operator.closeAsk(askId, { operator: 'ops' })).toBe('closed');
    await s.settle();
    const life = await s.engine.operator.askLife(askId);
    expect(life?.ask.state).toBe('closed');
    expect(life?.ask.closedAt).toBe(s.clock.now());
    expect(life?.digests).toHaveLength(2);
    expect(await s.engine.operator.askLife('no-such-ask')).toBeUndefined();
  });
});
