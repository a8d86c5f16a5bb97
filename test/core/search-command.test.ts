/**
 * `/feelers search <words>` (src/core/search-command.ts) and the index behind it
 * (src/core/search-index.ts): private results with what each earlier ask came to, bad input
 * answered clearly, and an index that another instance keeps current from the store.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/core/engine.js';
import { MAX_SEARCH } from '../../src/core/search-command.js';
import { Fts5TextIndex } from '../../src/store/fts5-text-index.js';
import type { Story } from '../support/core.js';
import { addCoachingForum, ask, DAY, storyPerTest } from '../support/core-steps.js';

const started = storyPerTest();

/** Jane asks, Harold answers from L&D Guild, Jane closes; a week goes by. */
async function answered(st: Story, question: string, answer: string): Promise<void> {
  const card = await ask(st, st.jane, st.anyAnswers, question);
  const copy = st.last(st.askAround);
  await st.world.say(st.harold, st.thread(copy), answer);
  await st.world.press(st.jane, card.id, 'Close');
  await st.settle();
  st.clock.advance(7 * DAY);
}

async function search(st: Story, words: string, who = st.maria): Promise<string> {
  await st.world.command(who, st.askAround, 'feelers', `search ${words}`);
  return st.lastNotice(who);
}

describe('/feelers search', () => {
  it('answers privately with the best matches, what each came to and where to read it, and no names', async () => {
    const st = await started();
    await st.connectBoth();
    await answered(st, 'How do you run exit interviews that people are honest in? #hr', 'Let someone outside the line run them.');
    await answered(st, 'Which LMS would you pick for 500 people? #learning', 'We moved to an open-source one last year.');
    const found = await search(st, 'honest exit interviews');
    expect(found).toContain('Earlier questions matching "honest exit interviews"');
    expect(found).toContain('1. Answered, closed 2 weeks ago, in TrainingZone: "How do you run exit interviews');
    expect(found).toContain('1 reply from 1 community; the first: "Let someone outside the line run them."');
    // The copy in the searcher's own community: a channel they can open.
    const copy = st.botPosts(st.askAround).find((m) => m.text.includes('exit interviews'));
    expect(found).toContain(`#${copy?.id}`);
    expect(found).not.toContain('LMS');
    expect(found).not.toMatch(/Harold|Jane/);
    // Private: nothing was posted anywhere for it.
    expect(st.botPosts(st.askAround).filter((m) => m.text.includes('Earlier questions'))).toEqual([]);
  });

  it("finds only what the community could have received: the asker's community's sharing policy hides its asks from others", async () => {
    const st = await started();
    await st.connectBoth();
    await answered(st, 'How do you onboard remote engineers in their first week? #onboarding', 'A buddy and a written plan.');
    expect(await search(st, 'onboard remote engineers')).toContain('How do you onboard remote engineers');
    // A third community joins; TrainingZone's admins then send its asks only there.
    const { forum, fiona } = addCoachingForum(st);
    await st.world.command(fiona, forum, 'feelers', 'connect');
    await st.world.command(st.tzAdmin, st.anyAnswers, 'feelers', 'share send only Coaching Forum');
    expect(st.lastNotice(st.tzAdmin)).toContain('Saved');
    expect(await search(st, 'onboard remote engineers')).not.toContain('How do you onboard remote engineers');
    await st.world.command(fiona, forum, 'feelers', 'search onboard remote engineers');
    expect(st.lastNotice(fiona)).toContain('How do you onboard remote engineers');
    // Its own members still find it.
    await st.world.command(st.tzAdmin, st.anyAnswers, 'feelers', 'search onboard remote engineers');
    expect(st.lastNotice(st.tzAdmin)).toContain('How do you onboard remote engineers');
  });

  it('shows at most five, best first, and finds words in replies too', async () => {
    const st = await started('memory', { limits: { asksPerDay: 100 } });
    await st.connectBoth();
    // All asked before any is answered: an open ask prompts nobody, so each goes out.
    const cards = [];
    for (let i = 1; i <= 7; i++) cards.push(await ask(st, st.jane, st.anyAnswers, `Mentoring circle idea number ${i}? #learning`));
    for (const [i, card] of cards.entries()) {
      const copy = st.botPosts(st.askAround).find((m) => m.text.includes(`number ${i + 1}?`));
      await st.world.say(st.harold, st.thread(copy!), `Reply ${i + 1} about peer groups.`);
      await st.world.press(st.jane, card.id, 'Close');
    }
    await st.settle();
    const found = await search(st, 'mentoring circle');
    expect(found.match(/^\d\. /gm)).toHaveLength(5);
    expect(await search(st, 'peer groups')).toContain('Mentoring circle idea');
  });

  it('finds an open ask too, and says it is open', async () => {
    const st = await started();
    await st.connectBoth();
    await ask(st, st.jane, st.anyAnswers, 'Who runs reverse mentoring with their board? #learning');
    expect(await search(st, 'reverse mentoring board')).toContain('1. Open, asked today, in TrainingZone');
  });

  it('gives a clear message for an empty, a huge or an all-common-words search, and for no match', async () => {
    const st = await started();
    await st.connectBoth();
    expect(await search(st, '')).toContain('Write what to look for after the command');
    expect(await search(st, 'x'.repeat(MAX_SEARCH + 1))).toContain(`the limit is ${MAX_SEARCH}`);
    expect(await search(st, 'how do you do it')).toContain('too common to search by');
    expect(await search(st, 'zanzibar')).toContain('No earlier question matches "zanzibar"');
  });

  it('searches asks full of markup as words, and returns their text as written', async () => {
    const st = await started();
    await st.connectBoth();
    const nasty = 'Who has <!channel> **tips** for <script>alert(1)</script> onboarding <@U123> remote hires?';
    await answered(st, nasty, '<!here> use a buddy & a checklist');
    const found = await search(st, 'onboarding remote hires');
    expect(found).toContain('alert(1)');
    expect(found).toContain('use a buddy & a checklist');
    // Relayed as text, never as a live mention: the network's own escaping defuses it.
    expect(found).not.toMatch(/<!channel>|<!here>|<@U123>/);
    // Markup is not words: "script", "channel" and the mention's id find it only as the letters they are.
    expect(await search(st, '<@U999>')).toContain('No earlier question matches');
  });

  it('leaves out asks that retention purged, and keeps finding anonymised replies after forget-me', async () => {
    const st = await started();
    await st.connectBoth();
    await answered(st, 'How do you write a team charter? #teams', 'Start from what you argue about most.');
    await st.world.command(st.harold, st.askAround, 'feelers', 'forget-me');
    const found = await search(st, 'team charter');
    expect(found).toContain('Start from what you argue about most.');
    expect(found).not.toContain('Harold');
  });
});

describe('the search index across instances', () => {
  it('finds on one instance what another closed a moment ago, through the store', async () => {
    const st = await started();
    await st.connectBoth();
    // The second instance keeps its index in SQLite FTS5, as feelers does (the first: MiniSearch).
    const other = new Engine({ store: st.store, adapters: [], clock: st.clock, settings: st.settings, textIndex: new Fts5TextIndex() });
    await other.ctx.search.warm();
    expect(await other.ctx.search.find('exit interviews honest', { limit: 5 })).toEqual([]);
    await answered(st, 'How do you run exit interviews that people are honest in? #hr', 'Outside the line.');
    const [hit] = await other.ctx.search.find('exit interviews honest', { limit: 5 });
    expect(hit?.ask.state).toBe('closed');
    expect(hit?.replies.map((r) => r.text)).toEqual(['Outside the line.']);
    // A reply edited, then deleted, on the first, past the feed's overlap: the second finds by what it says now.
    expect(await other.ctx.search.find('outside line', { limit: 5 })).toHaveLength(1);
    // Another ask a minute later moves the second's watermark past the first ask's last change.
    st.clock.advance(60_000);
    await ask(st, st.jane, st.anyAnswers, 'Something else entirely? #misc');
    expect(await other.ctx.search.find('something else entirely', { limit: 5 })).toHaveLength(1);
    st.clock.advance(60_000);
    const copy = st.botPosts(st.askAround).find((m) => m.text.includes('exit interviews'));
    const reply = st.world.messagesIn(st.thread(copy!)).find((m) => m.text === 'Outside the line.');
    await st.world.edit(st.harold, reply!.id, 'A neutral facilitator.');
    expect(await other.ctx.search.find('outside line', { limit: 5 })).toEqual([]);
    expect(await other.ctx.search.find('neutral facilitator', { limit: 5 })).toHaveLength(1);
    st.clock.advance(60_000);
    await st.world.remove(st.harold, reply!.id);
    expect(await other.ctx.search.find('neutral facilitator', { limit: 5 })).toEqual([]);
  });
});
