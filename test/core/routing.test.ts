import { afterEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../adapters/memory/world-types.js';
import { indexes, keys } from '../../src/core/keys.js';
import { personKey } from '../../src/ports/places.js';
import { buttonLabels, type Story } from '../support/core.js';
import { ask, copyOf, DAY, dmsWith, handPress, setTopics, startStory } from '../support/core-steps.js';

/**
 * Learned routing from the people's side (src/core/routing*.ts): a prod says why, people who
 * helped go first until their week's share of firsts is used, my-data shows what was learned
 * and a button forgets it, forget-me erases it.
 */

let s: Story | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const WHY_TWICE = 'You helped with #onboarding twice before, so feelers asked you first.';

/** Sam and Harold both know #onboarding; one prod per ask. Harold answers Jane's first two asks in the guild's channel. */
async function haroldHelpedTwice(): Promise<Story> {
  const st = await startStory('memory', { limits: { prodsPerAsk: 1 } });
  s = st;
  await st.connectBoth();
  await setTopics(st, st.sam, 'onboarding');
  await setTopics(st, st.harold, 'onboarding');
  for (const n of [1, 2]) {
    await ask(st, st.jane, st.anyAnswers, `Onboarding question ${n}: what worked for you? #onboarding`);
    const copy = copyOf(st, st.askAround, `Onboarding question ${n}`);
    if (!copy) throw new Error(`no copy of question ${n}`);
    await st.world.say(st.harold, st.thread(copy), `Pair every new starter with a buddy (answer ${n}).`);
    await st.world.say(st.maria, st.thread(copy), 'Same here, buddies.');
    st.clock.advance(DAY);
  }
  return st;
}

function prodsTo(st: Story, who: 'sam' | 'harold', piece: string): StoredMessage[] {
  return dmsWith(st, st[who], piece).filter((m) => m.text.includes('asks:'));
}

describe('learned routing: who is prodded first, and why', () => {
  it('prods the person who helped on the topic first, saying why, until their share of firsts is used; then the others take turns', async () => {
    const st = await haroldHelpedTwice();
    for (const n of [3, 4]) {
      await ask(st, st.jane, st.anyAnswers, `Onboarding question ${n}: remote starters? #onboarding`);
      const [prod] = prodsTo(st, 'harold', `Onboarding question ${n}`);
      expect(prod?.text).toContain(WHY_TWICE);
      expect(prodsTo(st, 'sam', `Onboarding question ${n}`)).toHaveLength(0);
    }
    // Harold has had three prods this week (one before he helped, two first): Sam's turn.
    expect(st.world.dmsTo(st.harold).filter((m) => m.text.includes('asks:'))).toHaveLength(3);
    await ask(st, st.jane, st.anyAnswers, 'Onboarding question 5: first week plan? #onboarding');
    const [samsProd] = prodsTo(st, 'sam', 'Onboarding question 5');
    expect(samsProd?.text).toContain('You said you know about #onboarding, so feelers thought of you.');
    expect(samsProd?.text).not.toContain('helped with');
    expect(prodsTo(st, 'harold', 'Onboarding question 5')).toHaveLength(0);
  });

  it('learns nothing about someone who never opted in to prods, and counts an ask once however often they reply', async () => {
    const st = await haroldHelpedTwice();
    // Maria replied twice too, but never set topics: nothing is kept about her.
    expect(await st.store.get(keys.learned(st.maria))).toBeUndefined();
    expect((await st.store.sortedRange(indexes.helpers('onboarding'))).map((e) => e.member)).toEqual([personKey(st.harold)]);
    const copy = copyOf(st, st.askAround, 'Onboarding question 2');
    if (!copy) throw new Error('no copy');
    await st.world.say(st.harold, st.thread(copy), 'And one more thought on question 2.');
    await st.world.command(st.harold, st.askAround, 'feelers', 'learned');
    expect(st.lastNotice(st.harold)).toContain('#onboarding: answered 2 questions');
  });
});

describe('learned routing: what a person sees and can undo', () => {
  it('/feelers my-data shows what feelers learned, and its Reset button forgets it: the next prod no longer says why', async () => {
    const st = await haroldHelpedTwice();
    await st.world.command(st.harold, st.askAround, 'feelers', 'my-data');
    await st.settle();
    const dm = st.lastDm(st.harold);
    expect(dm.text).toContain('What feelers learned from your help');
    expect(dm.text).toContain('#onboarding: answered 2, introductions accepted 0');
    const data = JSON.parse(dm.file?.text ?? '{}') as { learned: { topics: { topic: string; replies: number }[] } | null };
    expect(data.learned?.topics).toEqual([expect.objectContaining({ topic: 'onboarding', replies: 2, intros: 0 })]);
    expect(buttonLabels(dm)).toEqual(['Reset what feelers learned']);

    // Only Harold can press it.
    const resetId = dm.card?.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons.map((x) => x.id) : []))[0] ?? '';
    await st.engine.handle(handPress(st, st.jane, resetId));
    expect(st.lastNotice(st.jane)).toBe('This button is for someone else, so nothing happened.');
    expect((await st.store.sortedRange(indexes.helpers('onboarding'))).length).toBe(1);

    await st.world.press(st.harold, dm.id, 'Reset what feelers learned');
    expect(st.lastNotice(st.harold)).toContain('feelers forgot what it learned about your help on 1 topic');
    expect(await st.store.sortedRange(indexes.helpers('onboarding'))).toEqual([]);
    await st.world.command(st.harold, st.askAround, 'feelers', 'learned');
    expect(st.lastNotice(st.harold)).toBe('feelers has learned nothing about your help yet.');

    // Both are equals again: the prod goes by turns (Sam was prodded least recently) and says no "helped".
    await ask(st, st.jane, st.anyAnswers, 'Onboarding question 3: after the reset? #onboarding');
    const prods = [...prodsTo(st, 'harold', 'question 3'), ...prodsTo(st, 'sam', 'question 3')];
    expect(prods).toHaveLength(1);
    expect(prods[0]?.text).not.toContain('helped with');
  });

  it('forget-me erases what feelers learned about the person', async () => {
    const st = await haroldHelpedTwice();
    expect(await st.store.get(keys.learned(st.harold))).toBeDefined();
    await st.world.command(st.harold, st.askAround, 'feelers', 'forget-me');
    expect(await st.store.get(keys.learned(st.harold))).toBeUndefined();
    expect(await st.store.sortedRange(indexes.helpers('onboarding'))).toEqual([]);
  });

  it('answers a bad /feelers learned or /feelers prods with what to type', async () => {
    const st = await haroldHelpedTwice();
    await st.world.command(st.harold, st.askAround, 'feelers', 'learned everything');
    expect(st.lastNotice(st.harold)).toContain('/feelers learned reset');
    await st.world.command(st.harold, st.askAround, 'feelers', 'prods maybe');
    expect(st.lastNotice(st.harold)).toContain('/feelers prods on');
  });
});

describe('learned routing: copies go first to the channels that answer', () => {
  it('sends the next copy to the channel that answered quickly before the one that never answered', async () => {
    const st = await startStory('memory');
    s = st;
    const w = st.world;
    // Two channels in one community: "a-quiet" comes first by name, so it used to get the first copy.
    const quiet = w.addChannel('south', 'G1', { id: 'C-a-quiet', name: 'a-quiet' });
    const lively = w.addChannel('south', 'G1', { id: 'C-b-lively', name: 'b-lively' });
    await w.command(st.guildAdmin, quiet, 'feelers', 'connect');
    await w.command(st.guildAdmin, lively, 'feelers', 'connect');
    const first = async (piece: string) => {
      const q = copyOf(st, quiet, piece);
      const l = copyOf(st, lively, piece);
      if (!q || !l) throw new Error(`copies of ${piece} missing`);
      return q.seq < l.seq ? 'quiet' : 'lively';
    };
    const card = await ask(st, st.jane, st.anyAnswers, 'Question one: mentoring schemes?');
    expect(await first('Question one')).toBe('quiet');
    st.clock.advance(3_600_000);
    const copy = copyOf(st, lively, 'Question one');
    if (!copy) throw new Error('no copy');
    await w.say(st.sam, st.thread(copy), 'We run one, happy to share.');
    await w.press(st.jane, card.id, 'Close');
    await st.settle();

    await ask(st, st.jane, st.anyAnswers, 'Question two: peer coaching?');
    expect(await first('Question two')).toBe('lively');
    expect(await st.store.sortedRange(indexes.groundsByPace)).toEqual([
      { member: 'south:G1:C-b-lively:', score: 3_600_000 },
      { member: 'south:G1:C-a-quiet:', score: 48 * 3_600_000 },
    ]);
  });
});
