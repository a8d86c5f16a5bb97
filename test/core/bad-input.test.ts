import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Story } from '../support/core.js';
import { ask, buttonId, copyOf, counts, handPress, startStory, type WorldCounts } from '../support/core-steps.js';

const CRASH = 'something went wrong';

let st: Story;
let before: WorldCounts;

beforeEach(async () => {
  st = await startStory();
  await st.connectBoth();
  await st.settle();
  before = counts(st);
});
afterEach(async () => st.close());

/** After bad input: one private notice to `who`, and not one message posted or edited anywhere. */
async function onlyNoticed(who: Story['jane']): Promise<string> {
  await st.settle();
  const after = counts(st);
  expect(after).toEqual({ ...before, notices: before.notices + 1 });
  const notice = st.world.notices[st.world.notices.length - 1];
  expect(notice?.user).toBe(who.user);
  expect(notice?.text).not.toContain(CRASH);
  return notice?.text ?? '';
}

describe('bad input is refused with a notice, and posts nothing', () => {
  it('an empty ask gets an example of how to ask', async () => {
    await st.world.command(st.jane, st.anyAnswers, 'ask', '   ');
    const notice = await onlyNoticed(st.jane);
    expect(notice).toContain('Write your question after the command');
    expect(notice).toContain('/ask ');
  });

  it('an ask over 3,000 characters is told its length and the limit', async () => {
    await st.world.command(st.jane, st.anyAnswers, 'ask', `${'x'.repeat(3_000)}?`);
    const notice = await onlyNoticed(st.jane);
    expect(notice).toContain('3,001 characters');
    expect(notice).toContain('the limit is 3,000');
  });

  it('an ask of exactly 3,000 characters is taken', async () => {
    const text = `Long one ${'y'.repeat(2_991)}`;
    expect(text).toHaveLength(3_000);
    await ask(st, st.jane, st.anyAnswers, text);
    expect(copyOf(st, st.askAround, 'Long one')).toBeDefined();
  });

  it('strips control and zero-width characters before storing, so the copy shows clean text', async () => {
    const dirty = 'Who\u0000 runs\u200b good\u202e mentor\u2060ing\u0007 sche\uFEFFmes? #learning';
    await ask(st, st.jane, st.anyAnswers, dirty);
    const copy = copyOf(st, st.askAround, 'mentoring');
    expect(copy?.text).toContain('Who runs good mentoring schemes? #learning');
    // Nothing the bot showed carries an invisible or control character (newlines are layout).
    // eslint-disable-next-line no-control-regex
    const hidden = /[\u0000-\u0008\u000B-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/;
    for (const m of st.world.messages.values()) expect(m.text).not.toMatch(hidden);
  });

  it('an ask of only control and zero-width characters is refused as empty', async () => {
    await st.world.command(st.jane, st.anyAnswers, 'ask', '\u200b\u0007\u202e\uFEFF\u0000');
    const notice = await onlyNoticed(st.jane);
    expect(notice).toContain('Write your question after the command');
  });

  it('a mention with nothing after it is refused as empty', async () => {
    const { messageId } = await st.world.say(st.jane, st.anyAnswers, '@feelers   ');
    await st.settle();
    const after = counts(st);
    // The person's own message is the only new one.
    expect(after).toEqual({ ...before, messages: before.messages + 1, notices: before.notices + 1 });
    expect(st.world.message(messageId)?.byBot).toBe(false);
    expect(st.lastNotice(st.jane)).toContain('Write your question');
  });

  it('an unknown /feelers subcommand points to /feelers help', async () => {
    await st.world.command(st.karyn, st.askAround, 'feelers', 'frobnicate now');
    const notice = await onlyNoticed(st.karyn);
    expect(notice).toContain('frobnicate');
    expect(notice).toContain('/feelers help');
  });

  it('a button id with no binding gets a notice', async () => {
    await st.engine.handle(handPress(st, st.karyn, 'nope', undefined, st.askAround));
    const notice = await onlyNoticed(st.karyn);
    expect(notice).toContain('no longer active');
  });

  it('an Answer form submitted empty gets a notice, and nothing is collected', async () => {
    const card = await ask(st, st.jane, st.anyAnswers, 'Who knows about xAPI? #learning');
    const copy = st.last(st.askAround);
    before = counts(st);
    await st.world.press(st.harold, copy.id, 'Answer', { text: '' });
    expect(await onlyNoticed(st.harold)).toContain('Your answer was empty');
    await st.world.press(st.harold, copy.id, 'Answer', { text: ' \u200b\u0000 ' });
    expect(st.lastNotice(st.harold)).toContain('Your answer was empty');
    st.clock.advance(10 * 60_000);
    expect(await st.engine.digestTick()).toEqual({ digests: 0 });
    await st.settle();
    expect(st.world.messagesIn(st.thread(card))).toHaveLength(0);
  });

  it('a "I know someone" form with nobody picked gets a notice', async () => {
    await ask(st, st.jane, st.anyAnswers, 'Who knows about SCORM? #learning');
    const copy = st.last(st.askAround);
    before = counts(st);
    await st.engine.handle(handPress(st, st.karyn, buttonId(copy, 'I know someone'), {}, st.askAround));
    expect(await onlyNoticed(st.karyn)).toContain('Pick the person');
  });

  it('a button of a closed question gets a notice and changes nothing', async () => {
    const card = await ask(st, st.jane, st.anyAnswers, 'Closing soon? #learning');
    const copy = st.last(st.askAround);
    const answerId = buttonId(copy, 'Answer');
    await st.world.press(st.jane, card.id, 'Close');
    await st.settle();
    before = counts(st);
    await st.engine.handle(handPress(st, st.harold, answerId, { text: 'Too late?' }, st.askAround));
    expect(await onlyNoticed(st.harold)).toContain('This question is closed now');
  });

  it('keeps serving after all of that', async () => {
    await st.world.command(st.jane, st.anyAnswers, 'ask', '');
    await st.world.command(st.jane, st.anyAnswers, 'feelers', 'frobnicate');
    await st.engine.handle(handPress(st, st.jane, 'nope'));
    await ask(st, st.jane, st.anyAnswers, 'A fine question at last? #learning');
    expect(copyOf(st, st.askAround, 'A fine question at last')).toBeDefined();
    expect(st.world.notices.map((n) => n.text).join('\n')).not.toContain(CRASH);
  });
});
