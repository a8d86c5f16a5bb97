import { describe, expect, it } from 'vitest';
import { ask, copyOf, counts, HOUR, storyPerTest } from '../support/core-steps.js';

const started = storyPerTest();

describe('asks per person per day', () => {
  it('refuses the 6th ask of a UTC day with a clear notice, posts nothing, and takes asks again the next day', async () => {
    const st = await started();
    await st.connectBoth();
    for (let i = 1; i <= 5; i++) await ask(st, st.jane, st.anyAnswers, `Daily ${i}?`);
    expect(st.botPosts(st.askAround)).toHaveLength(5);

    const before = counts(st);
    await st.world.command(st.jane, st.anyAnswers, 'ask', 'Daily 6?');
    await st.settle();
    expect(st.lastNotice(st.jane)).toContain('You have asked 5 questions today');
    expect(st.lastNotice(st.jane)).toContain('tomorrow');
    const after = counts(st);
    expect(after.messages).toBe(before.messages);
    expect(after.notices).toBe(before.notices + 1);
    expect([...st.world.messages.values()].filter((m) => m.text.includes('Daily 6?'))).toEqual([]);

    // The clock starts at 09:00 UTC: 15 hours on is midnight, a new UTC day.
    st.clock.advance(15 * HOUR);
    await ask(st, st.jane, st.anyAnswers, 'Daily 7?');
    expect(copyOf(st, st.askAround, 'Daily 7?')).toBeDefined();
    expect(copyOf(st, st.askAround, 'Daily 6?')).toBeUndefined();
  });

  it('counts each person separately', async () => {
    const st = await started('memory', { limits: { asksPerDay: 1 } });
    await st.connectBoth();
    await ask(st, st.jane, st.anyAnswers, 'Jane once?');
    await ask(st, st.tzAdmin, st.anyAnswers, 'Tess once?');
    expect(
      st
        .botPosts(st.askAround)
        .map((m) => m.text)
        .join('\n'),
    ).toMatch(/Jane once\?[\s\S]*Tess once\?/);
  });

  it('takes its limit from the settings', async () => {
    const st = await started('memory', { limits: { asksPerDay: 2 } });
    await st.connectBoth();
    await ask(st, st.jane, st.anyAnswers, 'Limit 1?');
    await ask(st, st.jane, st.anyAnswers, 'Limit 2?');
    await st.world.command(st.jane, st.anyAnswers, 'ask', 'Limit 3?');
    await st.settle();
    expect(st.lastNotice(st.jane)).toContain('You have asked 2 questions today');
    expect(copyOf(st, st.askAround, 'Limit 3?')).toBeUndefined();
    expect(st.botPosts(st.askAround)).toHaveLength(2);
  });
});
