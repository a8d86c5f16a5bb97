import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonLabels, type Story } from '../support/core.js';
import { ask, copyOf, counts, digest, dmsWith, setTopics, startStory } from '../support/core-steps.js';

let st: Story;
beforeEach(async () => {
  st = await startStory();
  await st.connectBoth();
});
afterEach(async () => st.close());

const feelers = (who: Story['sam'], text: string) => st.world.command(who, st.askAround, 'feelers', text);

describe('/feelers help', () => {
  it.each(['help', ''])('lists the commands (/feelers %s)', async (text) => {
    await feelers(st.karyn, text);
    const help = st.lastNotice(st.karyn);
    for (const c of [
      '/ask',
      '/feelers connect',
      '/feelers disconnect',
      '/feelers topics',
      '/feelers contact',
      '/feelers optout',
      'optin',
      '/feelers forget-me',
      '/feelers my-data',
    ]) {
      expect(help).toContain(c);
    }
  });

  it('answers "help" sent by DM with the same list, and asks nothing', async () => {
    const before = counts(st);
    await st.world.dm(st.karyn, 'help');
    await st.settle();
    expect(st.lastNotice(st.karyn)).toContain('/feelers forget-me');
    expect(counts(st).posts).toBe(before.posts);
  });
});

describe('/feelers topics', () => {
  it('saves topics (normalised), replaces them, and clears them', async () => {
    await feelers(st.sam, 'topics #Learning, HR');
    expect(st.lastNotice(st.sam)).toContain('Saved your topics: #learning #hr');
    await ask(st, st.jane, st.anyAnswers, 'One on hr? #hr');
    expect(dmsWith(st, st.sam, 'One on hr')).toHaveLength(1);

    await feelers(st.sam, 'topics coaching');
    await ask(st, st.jane, st.anyAnswers, 'Two on hr? #hr');
    expect(dmsWith(st, st.sam, 'Two on hr')).toHaveLength(0);

    await feelers(st.sam, 'topics');
    expect(st.lastNotice(st.sam)).toContain('Your topics are cleared');
    await ask(st, st.jane, st.anyAnswers, 'Three on coaching? #coaching');
    expect(dmsWith(st, st.sam, 'Three on coaching')).toHaveLength(0);
  });
});

describe('/feelers contact', () => {
  it('sets, shows, and clears a contact, privately', async () => {
    await feelers(st.harold, 'contact');
    expect(st.lastNotice(st.harold)).toContain('You have no contact set');
    await feelers(st.harold, 'contact harold@guild.example, Tue-Thu');
    expect(st.lastNotice(st.harold)).toContain('Saved');
    await feelers(st.harold, 'contact');
    expect(st.lastNotice(st.harold)).toContain('harold@guild.example, Tue-Thu');
    // Only Harold's own notices carry it.
    const elsewhere = [...st.world.messages.values()]
      .map((m) => m.text)
      .concat(st.world.notices.filter((n) => n.user !== 'U-harold').map((n) => n.text));
    expect(elsewhere.join('\n')).not.toContain('harold@guild.example');

    await feelers(st.harold, 'contact clear');
    expect(st.lastNotice(st.harold)).toContain('Your contact is removed');
    await feelers(st.harold, 'contact');
    expect(st.lastNotice(st.harold)).toContain('You have no contact set');
  });

  it('refuses a contact that is too long and keeps the old one', async () => {
    await feelers(st.harold, 'contact harold@guild.example');
    await feelers(st.harold, `contact ${'z'.repeat(501)}`);
    expect(st.lastNotice(st.harold)).toContain('under 500 characters (it is 501)');
    await feelers(st.harold, 'contact');
    expect(st.lastNotice(st.harold)).toContain('harold@guild.example');
  });
});

describe('/feelers optout and optin', () => {
  it('says what each does, and stops and restarts prods', async () => {
    await setTopics(st, st.sam, 'learning');
    await feelers(st.sam, 'optout');
    expect(st.lastNotice(st.sam)).toContain('will not send you direct messages');
    await ask(st, st.jane, st.anyAnswers, 'Out? #learning');
    expect(st.world.dmsTo(st.sam)).toHaveLength(0);
    await feelers(st.sam, 'optin');
    expect(st.lastNotice(st.sam)).toContain('may again DM you');
    await ask(st, st.jane, st.anyAnswers, 'In? #learning');
    expect(dmsWith(st, st.sam, 'In?')).toHaveLength(1);
  });
});

describe('/feelers forget-me', () => {
  it('deletes profile, contact, topics and follows; later digests show the replies without a name', async () => {
    await setTopics(st, st.sam, 'learning');
    await feelers(st.sam, 'contact sam@guild.example');
    const card = await ask(st, st.jane, st.anyAnswers, 'Who runs reverse mentoring? #learning');
    const copy = copyOf(st, st.askAround, 'reverse mentoring');
    if (!copy) throw new Error('no copy');
    await st.world.press(st.sam, copy.id, 'Follow');
    await st.world.say(st.sam, st.thread(copy), 'Our bank pairs juniors with directors.');
    await st.world.say(st.harold, st.thread(copy), 'The NHS did too.');

    const dmsBefore = st.world.dmsTo(st.sam).length;
    await feelers(st.sam, 'forget-me');
    expect(st.lastNotice(st.sam)).toContain('your profile, contact, topics and follows are deleted');

    expect(await digest(st)).toBe(1);
    const d = st.last(st.thread(card));
    expect(d.text).toContain('Our bank pairs juniors with directors.');
    expect(d.text).toContain('Someone in L&D Guild');
    expect(d.text).not.toContain('Sam (L&D Guild)');
    expect(d.text).toContain('Harold (L&D Guild)');
    // No intro can be asked of someone who left: only Harold's reply has the button.
    expect(buttonLabels(d)).toEqual(['Request intro']);
    // No follower digest for Sam any more.
    expect(st.world.dmsTo(st.sam)).toHaveLength(dmsBefore);

    // No more prods on the old topics.
    await ask(st, st.jane, st.anyAnswers, 'Another on learning? #learning');
    expect(dmsWith(st, st.sam, 'Another on learning')).toHaveLength(0);

    // The contact is gone.
    await feelers(st.sam, 'contact');
    expect(st.lastNotice(st.sam)).toContain('You have no contact set');
  });

  it('anonymises undigested replies in the final summary too, with no intro button', async () => {
    const card = await ask(st, st.jane, st.anyAnswers, 'Who uses learning pathways? #learning');
    const copy = st.last(st.askAround);
    await st.world.say(st.sam, st.thread(copy), 'We map pathways per role.');
    await feelers(st.sam, 'forget-me');
    await st.world.press(st.jane, card.id, 'Close');
    await st.settle();
    const summary = st.last(st.thread(card));
    expect(summary.text).toContain('You closed this question');
    expect(summary.text).toContain('We map pathways per role.');
    expect(summary.text).toContain('Someone in L&D Guild');
    expect(summary.text).not.toContain('Sam (L&D Guild)');
    expect(buttonLabels(summary)).toEqual([]);
  });
});

describe('asks without /ask', () => {
  it('takes an @feelers mention in a channel as an ask', async () => {
    const { messageId } = await st.world.say(st.jane, st.anyAnswers, '@feelers who teaches data literacy? #data');
    await st.settle();
    const card = st.last(st.anyAnswers);
    expect(card.id).not.toBe(messageId);
    expect(card.text).toContain('Jane asks:');
    const copy = copyOf(st, st.askAround, 'data literacy');
    expect(copy?.text).toContain('Jane in TrainingZone asks:');
    expect(copy?.text).not.toMatch(/@\u200b?feelers/);
  });

  it('does not take a channel message without a mention as an ask', async () => {
    await st.world.say(st.jane, st.anyAnswers, 'who teaches data literacy? #data');
    await st.settle();
    expect(st.botPosts(st.anyAnswers)).toHaveLength(0);
    expect(st.botPosts(st.askAround)).toHaveLength(0);
  });

  it('takes a DM to the bot with no open prompt as an ask once Jane says so, with the card in the DM', async () => {
    await st.world.dm(st.jane, 'Where can I find a good facilitation course? #facilitation');
    await st.settle();
    // A DM is private: asked only after Jane presses Ask it (test/core/dm-asks.test.ts).
    await st.world.press(st.jane, st.lastDm(st.jane).id, 'Ask it');
    await st.settle();
    expect(st.lastDm(st.jane).text).toContain('Jane asks:');
    expect(copyOf(st, st.askAround, 'facilitation course')?.text).toContain('Jane in TrainingZone asks:');
    // Its own channel is the DM, so the connected channel of Jane's community gets a copy too.
    expect(copyOf(st, st.anyAnswers, 'facilitation course')).toBeDefined();
  });
});

describe('a DM answering a prod', () => {
  async function prodded() {
    await setTopics(st, st.sam, 'learning');
    const card = await ask(st, st.jane, st.anyAnswers, 'Which firms do learning sprints? #learning');
    expect(dmsWith(st, st.sam, 'learning sprints')).toHaveLength(1);
    await st.world.dm(st.sam, 'Atlassian runs them. #agile');
    await st.settle();
    return card;
  }

  it('joins that ask and is digested with its author', async () => {
    const card = await prodded();
    expect(st.lastDm(st.sam).text).toContain("added your message as an answer to Jane's question");
    expect(await digest(st)).toBe(1);
    const d = st.last(st.thread(card));
    expect(d.text).toContain('Atlassian runs them.');
    expect(d.text).toContain('Sam (L&D Guild)');
    // Not an ask of its own.
    expect(copyOf(st, st.anyAnswers, 'Atlassian')).toBeUndefined();
  });

  it('"Make it a new question" makes it an ask of its own and takes it out of the first digest', async () => {
    const card = await prodded();
    await st.world.say(st.harold, st.thread(st.last(st.askAround)), 'Spotify too.');
    await st.world.press(st.sam, st.lastDm(st.sam).id, 'Make it a new question');
    await st.settle();
    expect(st.lastNotice(st.sam)).toContain('now a question of its own (#agile)');
    const copy = copyOf(st, st.anyAnswers, 'Atlassian runs them.');
    expect(copy?.text).toContain('Sam in L&D Guild asks:');

    expect(await digest(st)).toBe(1);
    const d = st.last(st.thread(card));
    expect(d.text).toContain('Spotify too.');
    expect(d.text).not.toContain('Atlassian');

    // A second press does not ask twice.
    const joined = st.world.dmsTo(st.sam).find((m) => buttonLabels(m).includes('Make it a new question'));
    if (!joined) throw new Error('no joined card');
    await st.world.press(st.sam, joined.id, 'Make it a new question');
    await st.settle();
    expect(st.lastNotice(st.sam)).toContain('already turned into a question');
    expect(st.botPosts(st.anyAnswers).filter((m) => m.text.includes('Atlassian'))).toHaveLength(1);
  });

  it('"Make it a new question" checks the question first: one too long stays an answer', async () => {
    await setTopics(st, st.sam, 'learning');
    const card = await ask(st, st.jane, st.anyAnswers, 'Which firms do learning sprints? #learning');
    await st.world.dm(st.sam, `Long story. ${'We tried sprints for a year. '.repeat(120)}`);
    await st.settle();
    await st.world.press(st.sam, st.lastDm(st.sam).id, 'Make it a new question');
    await st.settle();
    expect(st.lastNotice(st.sam)).toContain('the limit is 3,000');
    expect(await digest(st)).toBe(1);
    expect(st.last(st.thread(card)).text).toContain('Long story.');
  });
});
