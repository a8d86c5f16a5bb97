/**
 * Search before asking (src/core/search-first.ts): when a similar question was answered before,
 * the asker sees it privately first, with Ask anyway and That answers it.
 */
import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../adapters/memory/world-types.js';
import { collectMyData } from '../../src/core/my-data.js';
import { buttonLabels, type Story } from '../support/core.js';
import { ask, buttonId, DAY, dmsWith, handPress, measure, storyPerTest } from '../support/core-steps.js';

const started = storyPerTest();
const EARLIER = 'How do you run exit interviews that people are honest in? #hr';
const AGAIN = 'Any tips for honest exit interviews? #hr';
const ANSWER = 'Have someone outside the line run them, and promise the notes stay anonymous.';

/** Jane asked in TrainingZone, Harold (L&D Guild) answered, Jane closed it, three weeks went by. */
async function answeredEarlier(st: Story): Promise<void> {
  await st.connectBoth();
  const card = await ask(st, st.jane, st.anyAnswers, EARLIER);
  const copy = st.last(st.askAround);
  await st.world.say(st.harold, st.thread(copy), ANSWER);
  await st.world.press(st.jane, card.id, 'Close');
  await st.settle();
  st.clock.advance(21 * DAY);
  await st.engine.ctx.search.warm();
}

/** The prompt feelers DMed this person. */
function prompt(st: Story, who = st.maria): StoredMessage {
  const found = dmsWith(st, who, 'A similar question was answered');
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('search before asking', () => {
  it('shows a similar answered question privately first, and sends nothing yet', async () => {
    const st = await started();
    await answeredEarlier(st);
    const asks = await st.openAsks();
    const { before, after } = await measure(st, () => st.world.command(st.maria, st.askAround, 'ask', AGAIN));
    expect(await st.openAsks()).toEqual(asks);
    // Nothing public: the only new message is the DM to Maria.
    expect(after.posts).toBe(before.posts);
    const card = prompt(st);
    expect(card.text).toContain('answered 3 weeks ago in TrainingZone');
    expect(card.text).toContain('exit interviews that people are honest in');
    expect(card.text).toContain(ANSWER);
    expect(card.text).toContain(AGAIN);
    expect(buttonLabels(card)).toEqual(['Ask anyway', 'That answers it']);
    expect(st.lastNotice(st.maria)).toContain('a similar one was answered earlier');
  });

  it('Ask anyway sends the question out as any ask', async () => {
    const st = await started();
    await answeredEarlier(st);
    await st.world.command(st.maria, st.askAround, 'ask', AGAIN);
    await st.settle();
    const card = prompt(st);
    const anyway = buttonId(card, 'Ask anyway');
    await st.world.press(st.maria, card.id, 'Ask anyway');
    await st.settle();
    expect(await st.openAsks()).toHaveLength(1);
    expect(st.botPosts(st.anyAnswers).some((m) => m.text.includes('Any tips for honest exit interviews'))).toBe(true);
    expect(st.lastNotice(st.maria)).toContain('Asked');
    expect(buttonLabels(card)).toEqual([]);
    // Pressed again (a double click, the button's id replayed): still one ask.
    await st.engine.handle(handPress(st, st.maria, anyway));
    await st.settle();
    expect(await st.openAsks()).toHaveLength(1);
  });

  it('That answers it asks nothing, counts it on the earlier ask and credits who answered', async () => {
    const st = await started();
    await answeredEarlier(st);
    const earlierId = (await st.engine.ctx.repo.asks.newest(undefined, 0, 1))[0]!;
    await st.world.command(st.maria, st.askAround, 'ask', AGAIN);
    await st.settle();
    const card = prompt(st);
    const { before, after } = await measure(st, () => st.world.press(st.maria, card.id, 'That answers it'));
    expect(after.posts).toBe(before.posts);
    expect(await st.openAsks()).toEqual([]);
    expect(st.lastNotice(st.maria)).toContain('your question was not sent');
    expect(card.text).not.toContain(AGAIN);
    expect(buttonLabels(card)).toEqual([]);
    expect(await st.engine.ctx.repo.search.timesAnsweredAgain(earlierId)).toBe(1);
    expect(await st.engine.ctx.repo.search.creditsOf(st.harold)).toBe(1);
    // Harold's own data says so; forget-me takes it away with the rest.
    expect((await collectMyData(st.engine.ctx, st.harold, { name: 'Harold', community: 'L&D Guild' }))?.answeredLater).toBe(1);
    await st.world.command(st.harold, st.askAround, 'feelers', 'forget-me');
    expect(await st.engine.ctx.repo.search.creditsOf(st.harold)).toBe(0);
  });

  it('lets only the asker answer the prompt', async () => {
    const st = await started();
    await answeredEarlier(st);
    await st.world.command(st.maria, st.askAround, 'ask', AGAIN);
    await st.settle();
    const card = prompt(st);
    // Sam forges a press of Maria's button (the world would not let him into her DMs).
    await st.engine.handle(handPress(st, st.sam, buttonId(card, 'That answers it')));
    await st.settle();
    expect(st.lastNotice(st.sam)).toContain('for someone else');
    expect(buttonLabels(card)).toEqual(['Ask anyway', 'That answers it']);
    expect(await st.engine.ctx.repo.search.creditsOf(st.harold)).toBe(0);
  });

  it('asks at once when nothing similar was answered, and never prompts with an open ask', async () => {
    const st = await started();
    await st.connectBoth();
    await ask(st, st.jane, st.anyAnswers, EARLIER);
    await st.engine.ctx.search.warm();
    // The earlier ask is still open (no answer yet): no prompt, the question goes out.
    await st.world.command(st.maria, st.askAround, 'ask', AGAIN);
    await st.settle();
    expect(dmsWith(st, st.maria, 'A similar question')).toEqual([]);
    expect(await st.openAsks()).toHaveLength(2);
    await st.world.command(st.sam, st.askAround, 'ask', 'Which LMS would you pick for 500 people? #learning');
    await st.settle();
    expect(dmsWith(st, st.sam, 'A similar question')).toEqual([]);
    expect(await st.openAsks()).toHaveLength(3);
  });

  it('keeps finding earlier asks after a restart (SQLite)', async () => {
    const st = await started('sqlite');
    await answeredEarlier(st);
    await st.restart();
    await st.engine.ctx.search.warm();
    await st.world.command(st.maria, st.askAround, 'ask', AGAIN);
    await st.settle();
    expect(prompt(st).text).toContain(ANSWER);
  });

  it('shows no name of a replier who used forget-me, and credits nobody for them', async () => {
    const st = await started();
    await answeredEarlier(st);
    await st.world.command(st.harold, st.askAround, 'feelers', 'forget-me');
    await st.world.command(st.maria, st.askAround, 'ask', AGAIN);
    await st.settle();
    const card = prompt(st);
    expect(card.text).toContain(ANSWER);
    expect(card.text).not.toContain('Harold');
    await st.world.press(st.maria, card.id, 'That answers it');
    await st.settle();
    expect(await st.engine.ctx.repo.search.creditsOf(st.harold)).toBe(0);
  });
});
