import { describe, expect, it } from 'vitest';
import type { PersonRef } from '../../src/ports/places.js';
import type { Story } from '../support/core.js';
import { ask, copyOf, DAY, dmsWith, guildMember, HOUR, setTopics, storyPerTest } from '../support/core-steps.js';

const started = storyPerTest();

describe('which channels get a copy', () => {
  it('sends a ground with topics only the asks that share one of them', async () => {
    const st = await started();
    await st.world.command(st.guildAdmin, st.askAround, 'feelers', 'connect hr, #Coaching');
    expect(st.lastNotice(st.guildAdmin)).toContain('#hr #coaching');
    await ask(st, st.jane, st.anyAnswers, 'Who runs good onboarding? #learning');
    await ask(st, st.jane, st.anyAnswers, 'Who has a coaching programme for managers? #coaching #learning');
    await ask(st, st.jane, st.anyAnswers, 'Anyone without tags here?');
    expect(copyOf(st, st.askAround, 'onboarding')).toBeUndefined();
    expect(copyOf(st, st.askAround, 'coaching programme')).toBeDefined();
    expect(copyOf(st, st.askAround, 'without tags')).toBeUndefined();
    expect(st.botPosts(st.askAround)).toHaveLength(1);
  });

  it('sends a ground without topics every ask, tagged or not', async () => {
    const st = await started();
    await st.connectBoth();
    await ask(st, st.jane, st.anyAnswers, 'Anyone without tags here?');
    await ask(st, st.jane, st.anyAnswers, 'What about #payroll software?');
    expect(copyOf(st, st.askAround, 'without tags')).toBeDefined();
    expect(copyOf(st, st.askAround, 'payroll')).toBeDefined();
  });

  it("never puts a copy in the asker's own channel, but does in every other connected one", async () => {
    const st = await started();
    const lounge = st.world.addChannel('north', 'T1', { id: 'C-lounge', name: 'lounge' });
    await st.connectBoth();
    await st.world.command(st.tzAdmin, lounge, 'feelers', 'connect');
    const card = await ask(st, st.jane, st.anyAnswers, 'Which LMS do charities use? #learning');
    // The only bot post in the asker's channel is the ask card itself.
    expect(st.botPosts(st.anyAnswers)).toEqual([card]);
    expect(card.text).toContain('Jane asks:');
    expect(copyOf(st, lounge, 'Which LMS')?.text).toContain('Jane in TrainingZone asks:');
    expect(copyOf(st, st.askAround, 'Which LMS')).toBeDefined();
  });

  it('sends nothing to a ground once it is disconnected', async () => {
    const st = await started();
    await st.connectBoth();
    await st.world.command(st.guildAdmin, st.askAround, 'feelers', 'disconnect');
    expect(st.lastNotice(st.guildAdmin)).toContain('Disconnected');
    await ask(st, st.jane, st.anyAnswers, 'Is anyone still listening? #learning');
    expect(st.botPosts(st.askAround)).toHaveLength(0);
  });

  it('seeds YAML grounds at start, honouring their topics', async () => {
    const st = await started('memory', {
      grounds: [{ network: 'south', community: 'G1', channel: 'C-ask', topics: ['learning'] }],
    });
    await ask(st, st.jane, st.anyAnswers, 'Who runs learning circles? #learning');
    await ask(st, st.jane, st.anyAnswers, 'Who knows payroll? #payroll');
    expect(copyOf(st, st.askAround, 'learning circles')?.text).toContain('Jane in TrainingZone asks:');
    expect(copyOf(st, st.askAround, 'payroll')).toBeUndefined();
  });

  it('keeps a YAML ground disconnected in chat disconnected after a restart', async () => {
    const st = await started('sqlite', {
      grounds: [{ network: 'south', community: 'G1', channel: 'C-ask', topics: [] }],
    });
    await ask(st, st.jane, st.anyAnswers, 'Before the disconnect?');
    expect(copyOf(st, st.askAround, 'Before the disconnect')).toBeDefined();
    await st.world.command(st.guildAdmin, st.askAround, 'feelers', 'disconnect');
    await st.restart();
    await ask(st, st.jane, st.anyAnswers, 'After the restart?');
    expect(copyOf(st, st.askAround, 'After the restart')).toBeUndefined();

    // Connecting it again in chat wins over the earlier disconnect, across a restart too.
    await st.world.command(st.guildAdmin, st.askAround, 'feelers', 'connect');
    await st.restart();
    await ask(st, st.jane, st.anyAnswers, 'Reconnected now?');
    expect(copyOf(st, st.askAround, 'Reconnected now')).toBeDefined();
  });
});

describe('YAML grounds changed in chat', () => {
  it('keeps topics set in chat over the YAML ones after a restart', async () => {
    const st = await started('sqlite', {
      grounds: [{ network: 'south', community: 'G1', channel: 'C-ask', topics: ['learning'] }],
    });
    await st.world.command(st.guildAdmin, st.askAround, 'feelers', 'connect hr');
    expect(st.lastNotice(st.guildAdmin)).toContain('Updated');
    await st.restart();
    await ask(st, st.jane, st.anyAnswers, 'On learning? #learning');
    await ask(st, st.jane, st.anyAnswers, 'On hr? #hr');
    expect(copyOf(st, st.askAround, 'On learning?')).toBeUndefined();
    expect(copyOf(st, st.askAround, 'On hr?')).toBeDefined();
  });
});

describe('prods: DMs to people who know the topic', () => {
  function experts(st: Story, n: number): PersonRef[] {
    return Array.from({ length: n }, (_, i) => guildMember(st, `U-x${i}`, `Expert${i}`));
  }

  const prodded = (st: Story, people: PersonRef[], piece: string) => people.filter((p) => dmsWith(st, p, piece).length > 0);

  it('DMs an expert a copy of an ask on their topic, saying why', async () => {
    const st = await started();
    await setTopics(st, st.sam, 'learning hr');
    expect(st.lastNotice(st.sam)).toContain('#learning #hr');
    await ask(st, st.jane, st.anyAnswers, 'Who trains new managers well? #hr');
    const [dm] = dmsWith(st, st.sam, 'new managers');
    expect(dm?.text).toContain('You said you know about #hr');
    expect(dm?.text).toContain('Jane in TrainingZone asks:');
    // Someone without those topics is not prodded.
    expect(st.world.dmsTo(st.maria)).toHaveLength(0);
  });

  it('prods at most 3 people per ask, most matching topics first, then the least recently contacted', async () => {
    const st = await started();
    const [a, b, c, d] = experts(st, 4) as [PersonRef, PersonRef, PersonRef, PersonRef];
    const both = guildMember(st, 'U-both', 'Both');
    for (const p of [a, b, c, d]) await setTopics(st, p, 'learning');
    await setTopics(st, both, 'learning hr');

    // "Both" is contacted first, so by recency alone it would come last.
    await ask(st, st.jane, st.anyAnswers, 'First: who does HR analytics? #hr');
    expect(prodded(st, [both], 'HR analytics')).toEqual([both]);
    st.clock.advance(HOUR);

    await ask(st, st.jane, st.anyAnswers, 'Second: learning and HR together? #learning #hr');
    const second = prodded(st, [a, b, c, d, both], 'Second:');
    expect(second).toHaveLength(3);
    expect(second).toContainEqual(both);
    st.clock.advance(HOUR);

    // The one single-topic expert left out last time has been contacted least recently.
    const leftOut = [a, b, c, d].filter((p) => !second.includes(p));
    expect(leftOut).toHaveLength(2);
    await ask(st, st.jane, st.anyAnswers, 'Third: learning only? #learning');
    const third = prodded(st, [a, b, c, d, both], 'Third:');
    expect(third).toHaveLength(3);
    for (const p of leftOut) expect(third).toContainEqual(p);
  });

  it('never prods the asker, even when the topic is theirs', async () => {
    const st = await started();
    await setTopics(st, st.sam, 'learning');
    await ask(st, st.sam, st.askAround, 'I know learning, but who knows it better? #learning');
    expect(st.world.dmsTo(st.sam)).toHaveLength(0);
  });

  it('sends one person at most 5 unsolicited DMs in a rolling week, then again after it', async () => {
    const st = await started();
    await setTopics(st, st.sam, 'learning');
    for (let i = 1; i <= 5; i++) await ask(st, st.jane, st.anyAnswers, `Question ${i}? #learning`);
    expect(st.world.dmsTo(st.sam)).toHaveLength(5);

    st.clock.advance(DAY);
    await ask(st, st.jane, st.anyAnswers, 'Question 6? #learning');
    expect(dmsWith(st, st.sam, 'Question 6')).toHaveLength(0);

    // Still inside the week of the first five.
    st.clock.advance(6 * DAY - 60_000);
    await ask(st, st.tzAdmin, st.anyAnswers, 'Question 6b? #learning');
    expect(dmsWith(st, st.sam, 'Question 6b')).toHaveLength(0);

    // A week after the first five, they have rolled out of the window.
    st.clock.advance(60_000 + 1000);
    await ask(st, st.jane, st.anyAnswers, 'Question 7? #learning');
    expect(dmsWith(st, st.sam, 'Question 7')).toHaveLength(1);
  });

  it('counts referrals and prods together against the weekly share', async () => {
    const st = await started();
    await st.connectBoth();
    await setTopics(st, st.sam, 'learning');
    for (let i = 1; i <= 4; i++) await ask(st, st.jane, st.anyAnswers, `Prod ${i}? #learning`);
    expect(st.world.dmsTo(st.sam)).toHaveLength(4);

    const copy5 = copyOf(st, st.askAround, 'Prod 4?');
    if (!copy5) throw new Error('no copy of Prod 4');
    await st.world.press(st.karyn, copy5.id, 'I know someone', { person: st.sam });
    await st.settle();
    expect(st.lastNotice(st.karyn)).toContain("I've sent the question to Sam");
    expect(st.world.dmsTo(st.sam)).toHaveLength(5);

    const copy3 = copyOf(st, st.askAround, 'Prod 3?');
    if (!copy3) throw new Error('no copy of Prod 3');
    await st.world.press(st.maria, copy3.id, 'I know someone', { person: st.sam });
    await st.settle();
    expect(st.lastNotice(st.maria)).toContain("feelers can't message Sam right now");
    expect(st.world.dmsTo(st.sam)).toHaveLength(5);
  });

  it('never prods someone who opted out, and prods them again after optin', async () => {
    const st = await started();
    await setTopics(st, st.sam, 'learning');
    await st.world.command(st.sam, st.askAround, 'feelers', 'optout');
    await ask(st, st.jane, st.anyAnswers, 'While opted out? #learning');
    expect(st.world.dmsTo(st.sam)).toHaveLength(0);

    await st.world.command(st.sam, st.askAround, 'feelers', 'optin');
    await ask(st, st.jane, st.anyAnswers, 'After optin? #learning');
    expect(dmsWith(st, st.sam, 'After optin')).toHaveLength(1);
    expect(dmsWith(st, st.sam, 'While opted out')).toHaveLength(0);
  });

  it('does not let someone who opted out be referred either', async () => {
    const st = await started();
    await st.connectBoth();
    await st.world.command(st.sam, st.askAround, 'feelers', 'optout');
    const card = await ask(st, st.jane, st.anyAnswers, 'Who knows Kirkpatrick? #evaluation');
    expect(card).toBeDefined();
    const copy = st.last(st.askAround);
    await st.world.press(st.karyn, copy.id, 'I know someone', { person: st.sam });
    await st.settle();
    expect(st.lastNotice(st.karyn)).toContain("can't message Sam");
    // Whether Sam opted out is Sam's business: the notice does not say so.
    expect(st.lastNotice(st.karyn)).not.toMatch(/opt/i);
    expect(st.world.dmsTo(st.sam)).toHaveLength(0);
  });
});
