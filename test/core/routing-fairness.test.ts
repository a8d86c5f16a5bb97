import { afterEach, describe, expect, it } from 'vitest';
import { buttonLabels, type Story } from '../support/core.js';
import { ask, DAY, dmsWith, setTopics, startStory } from '../support/core-steps.js';

/**
 * Fairness from the prodded person's side (src/core/routing-learning.ts): after a few prods in a
 * row go unanswered, feelers pauses prods to them, tells them once, and they can resume.
 */

let s: Story | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const PAUSED = 'so it has paused sending you questions by topic';

async function samKnowsOnboarding(): Promise<Story> {
  const st = await startStory('memory', { limits: { prodsPerAsk: 1 } });
  s = st;
  await st.connectBoth();
  await setTopics(st, st.sam, 'onboarding');
  return st;
}

/** Jane asks, Sam is prodded (or not), and, unless `open`, Jane closes the ask. */
async function askAndClose(st: Story, n: number, opts: { samAnswers?: boolean } = {}): Promise<boolean> {
  const card = await ask(st, st.jane, st.anyAnswers, `Onboarding question ${n}? #onboarding`);
  const prodded = dmsWith(st, st.sam, `Onboarding question ${n}?`).length > 0;
  if (opts.samAnswers) await st.world.dm(st.sam, `A buddy for every starter (on question ${n}).`);
  await st.world.press(st.jane, card.id, 'Close');
  await st.settle();
  st.clock.advance(DAY);
  return prodded;
}

describe('fairness: people who never answer are paused, told, and can resume', () => {
  it('pauses prods after three unanswered in a row, says so once with a Resume button, and resumes on the press', async () => {
    const st = await samKnowsOnboarding();
    for (const n of [1, 2, 3]) expect(await askAndClose(st, n)).toBe(true);
    const told = dmsWith(st, st.sam, PAUSED);
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toContain("You didn't answer the last 3 questions feelers sent you");
    expect(buttonLabels(told[0]!)).toEqual(['Resume questions']);

    // Paused: the next ask reaches the channels, not Sam.
    expect(await askAndClose(st, 4)).toBe(false);
    expect(dmsWith(st, st.sam, PAUSED)).toHaveLength(1);

    await st.world.press(st.sam, told[0]!.id, 'Resume questions');
    expect(st.lastNotice(st.sam)).toBe('Done: feelers may again send you questions on your topics, within your weekly limit.');
    expect(await askAndClose(st, 5)).toBe(true);
  });

  it('an answered prod starts the count again, so only prods unanswered in a row pause', async () => {
    const st = await samKnowsOnboarding();
    expect(await askAndClose(st, 1)).toBe(true);
    expect(await askAndClose(st, 2, { samAnswers: true })).toBe(true);
    expect(await askAndClose(st, 3)).toBe(true);
    expect(await askAndClose(st, 4)).toBe(true);
    expect(dmsWith(st, st.sam, PAUSED)).toHaveLength(0);
    expect(await askAndClose(st, 5)).toBe(true);
    expect(dmsWith(st, st.sam, PAUSED)).toHaveLength(1);
  });

  it('/feelers prods off pauses by hand and /feelers prods on resumes', async () => {
    const st = await samKnowsOnboarding();
    await st.world.command(st.sam, st.askAround, 'feelers', 'prods off');
    expect(st.lastNotice(st.sam)).toContain('Paused: feelers will not send you questions by topic');
    expect(await askAndClose(st, 1)).toBe(false);
    await st.world.command(st.sam, st.askAround, 'feelers', 'prods on');
    expect(await askAndClose(st, 2)).toBe(true);
  });
});
