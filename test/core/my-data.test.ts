import { afterEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../adapters/memory/world-types.js';
import type { Story } from '../support/core.js';
import { askedAndCopiedOn, counts, digest, QUESTION } from '../support/core-steps.js';

/** `/feelers my-data`: everything feelers holds about the person who asks, sent to them alone by DM (src/core/my-data.ts). */

interface MyData {
  person: { name: string; community: string; network: string; userId: string };
  profile: { optedOut: boolean } | null;
  topics: string[];
  contact: string | null;
  asks: { id: string; question: string; topics: string[]; state: string; askedAt: string }[];
  replies: { askId: string; question: string | null; text: string; at: string; anonymous: boolean }[];
  follows: { askId: string; question: string | null }[];
  offers: { askId: string; at: string; decision: string | null }[];
  intros: { askId: string; role: string; with: { name: string; community: string }; state: string }[];
  releases: { whoseContact: string; to: { name: string; community: string } | null; at: string; askId: string; question: string | null }[];
}

let s: Story | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

function fileOf(m: StoredMessage): { name: string; mime: string; data: MyData } {
  const file = m.file;
  if (!file) throw new Error(`DM ${m.id} carries no file`);
  return { name: file.name, mime: file.mime, data: JSON.parse(file.text) as MyData };
}

/**
 * Harold sets topics and a contact, asks a question of his own, replies to Jane's, follows it,
 * offers to help, and Jane accepts: his contact is released to her.
 */
async function haroldsFullRecord(): Promise<{ st: Story; janesAsk: string; releasedAt: number }> {
  const { s: st, card, copy } = await askedAndCopiedOn('memory');
  s = st;
  await st.world.command(st.harold, st.askAround, 'feelers', 'topics learning, coaching');
  await st.world.command(st.harold, st.askAround, 'feelers', 'contact harold@guild.example');
  await st.world.command(st.jane, st.anyAnswers, 'feelers', 'contact jane@tz.example');
  await st.world.command(st.harold, st.askAround, 'ask', 'Who runs a good book club at work? #books');
  await st.world.say(st.harold, st.thread(copy), 'Ask me about communities of practice.');
  await st.world.press(st.harold, copy.id, 'Follow');
  await st.world.press(st.harold, copy.id, 'I can help');
  await digest(st);
  const offer = st.botPosts(st.thread(card)).find((m) => m.text.includes('offers to help'));
  if (!offer) throw new Error('no digest with the offer');
  const releasedAt = st.clock.now();
  await st.world.press(st.jane, offer.id, 'Accept intro');
  await st.settle();
  const janesAsk = (await st.engine.ctx.repo.releasesOf(st.harold))[0]?.askId ?? '';
  return { st, janesAsk, releasedAt };
}

describe('/feelers my-data', () => {
  it('sends the person, by DM only, a readable summary and feelers-my-data.json with every section', async () => {
    const { st, janesAsk, releasedAt } = await haroldsFullRecord();
    expect(janesAsk).not.toBe('');
    const before = counts(st);
    await st.world.command(st.harold, st.askAround, 'feelers', 'my-data');
    await st.settle();

    // In the channel: a private notice only, nothing posted.
    expect(st.lastNotice(st.harold)).toBe("I've sent you everything feelers holds about you by DM.");
    expect(counts(st).posts).toBe(before.posts);
    expect(counts(st).dms).toBe(before.dms + 1);

    const dm = st.lastDm(st.harold);
    expect(dm.direct).toBe(true);
    expect(dm.text).toContain('Everything feelers holds about you');
    expect(dm.text).toContain('#learning #coaching');
    expect(dm.text).toContain('harold@guild.example');
    expect(dm.text).toContain('Who runs a good book club at work?');
    expect(dm.text).toContain('Jane (TrainingZone)');
    expect(dm.text).toContain('feelers-my-data.json');

    const { name, mime, data } = fileOf(dm);
    expect(name).toBe('feelers-my-data.json');
    expect(mime).toBe('application/json');
    expect(data.person).toEqual({ name: 'Harold', community: 'L&D Guild', network: 'south', userId: 'U-harold' });
    expect(data.profile).toMatchObject({ optedOut: false });
    expect(data.topics).toEqual(['learning', 'coaching']);
    expect(data.contact).toBe('harold@guild.example');
    expect(data.asks).toHaveLength(1);
    expect(data.asks[0]).toMatchObject({ question: 'Who runs a good book club at work? #books', topics: ['books'], state: 'open' });
    expect(data.replies).toEqual([
      expect.objectContaining({ askId: janesAsk, question: QUESTION, text: 'Ask me about communities of practice.', anonymous: false }),
    ]);
    expect(data.follows).toEqual([{ askId: janesAsk, question: QUESTION }]);
    expect(data.offers).toEqual([expect.objectContaining({ askId: janesAsk, decision: 'accepted' })]);
    expect(data.intros).toEqual([
      expect.objectContaining({ askId: janesAsk, role: 'responder', with: { name: 'Jane', community: 'TrainingZone' }, state: 'shared' }),
    ]);
    // The release record: whose contact, to whom, when, for which ask.
    expect(data.releases).toEqual([
      {
        whoseContact: 'yours',
        to: { name: 'Jane', community: 'TrainingZone' },
        at: new Date(releasedAt).toISOString(),
        askId: janesAsk,
        question: QUESTION,
        introId: expect.any(String) as unknown,
      },
    ]);
    // Other people appear by name only: never their contact, handle, link or user id.
    for (const other of ['jane@tz.example', '@jane.tz', 'https://tz.example/jane', 'U-jane']) {
      expect(dm.text).not.toContain(other);
      expect(dm.file?.text).not.toContain(other);
    }
    // Nobody else was sent any of it.
    const elsewhere = [...st.world.messages.values()].filter((m) => m.id !== dm.id);
    expect(elsewhere.some((m) => m.file !== undefined)).toBe(false);
  });

  it("gives each person only their own data: Jane's file never carries Harold's contact", async () => {
    const { st, janesAsk } = await haroldsFullRecord();
    await st.world.command(st.jane, st.anyAnswers, 'feelers', 'my-data');
    await st.settle();
    const dm = st.lastDm(st.jane);
    const { data } = fileOf(dm);
    expect(data.person).toMatchObject({ name: 'Jane', community: 'TrainingZone' });
    expect(data.contact).toBe('jane@tz.example');
    expect(data.asks.map((a) => a.id)).toEqual([janesAsk]);
    expect(data.asks[0]?.question).toBe(QUESTION);
    expect(data.intros).toEqual([
      expect.objectContaining({ role: 'asker', with: { name: 'Harold', community: 'L&D Guild' }, state: 'shared' }),
    ]);
    expect(data.releases).toEqual([expect.objectContaining({ whoseContact: 'yours', to: { name: 'Harold', community: 'L&D Guild' } })]);
    expect(dm.file?.text).not.toContain('harold@guild.example');
    expect(dm.text).not.toContain('harold@guild.example');
    expect(dm.file?.text).not.toContain('Ask me about communities of practice.');
  });

  it("nobody can ask for another person's data, and someone feelers knows nothing about is told so", async () => {
    await haroldsFullRecord();
    const st = s!;
    const before = counts(st);
    await st.world.command(st.sam, st.askAround, 'feelers', 'my-data Harold');
    expect(st.lastNotice(st.sam)).toBe('/feelers my-data sends you your own data only; it takes no name. Try /feelers my-data.');
    await st.world.command(st.sam, st.askAround, 'feelers', 'my-data');
    await st.settle();
    expect(st.lastNotice(st.sam)).toBe('feelers holds nothing about you.');
    expect(st.world.dmsTo(st.sam)).toHaveLength(0);
    expect(counts(st).dms).toBe(before.dms);
    expect(counts(st).posts).toBe(before.posts);
  });
});
