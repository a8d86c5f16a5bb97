import { afterEach, describe, expect, it } from 'vitest';
import type { PersonRef, Place } from '../../src/ports/places.js';
import { buttonLabels, Story } from '../support/core.js';
import { addCoachingForum, buttonId, handPress } from '../support/core-steps.js';
import { keys } from '../../src/core/keys.js';

/**
 * The audience preview (issue 12): with it on, an ask waits behind a private card counting its
 * audience, with Send, Edit and Cancel for the asker alone; Send sends exactly what was shown,
 * re-checked at that moment.
 */
let s: Story;
let forum: Place;
let fiona: PersonRef;
let cora: PersonRef;
afterEach(async () => s?.close());

async function open(): Promise<Story> {
  s = new Story('memory');
  ({ forum, fiona, cora } = addCoachingForum(s));
  await s.start();
  await s.connectBoth();
  await s.world.command(fiona, forum, 'feelers', 'connect');
  await s.world.command(cora, forum, 'feelers', 'topics onboarding');
  return s;
}

const copies = (piece: string) =>
  [s.askAround, forum].filter((p) => s.botPosts(p).some((m) => m.text.includes(piece))).length +
  s.world.dmsTo(cora).filter((m) => m.text.includes(piece) && m.text.includes('asks:')).length;

async function previewed(text: string) {
  await s.world.command(s.jane, s.anyAnswers, 'ask', text);
  await s.settle();
  return s.lastDm(s.jane);
}

describe('audience preview', () => {
  it('is off by default: an ask goes out at once', async () => {
    await open();
    await s.world.command(s.jane, s.anyAnswers, 'ask', 'Straight out #onboarding');
    await s.settle();
    expect(copies('Straight out')).toBe(3);
    expect(s.world.dmsTo(s.jane)).toEqual([]);
  });

  it('shows the audience privately; only the asker can Send; what was shown is what is sent', async () => {
    await open();
    expect(await s.world.command(s.jane, s.anyAnswers, 'feelers', 'preview on').then(() => s.lastNotice(s.jane))).toContain(
      'you will see who it reaches',
    );
    const card = await previewed('How do you onboard remote hires? #onboarding');
    expect(card.text).toContain('This will reach 2 channels in 2 communities and 1 person who knows #onboarding.');
    expect(buttonLabels(card)).toEqual(['Send', 'Edit', 'Cancel']);
    expect(copies('How do you onboard')).toBe(0);
    expect(s.botPosts(s.anyAnswers)).toEqual([]);

    // Someone else's press (the platform would not show them the DM; forged here) changes nothing.
    await s.engine.handle(handPress(s, s.harold, buttonId(card, 'Send'), undefined, s.askAround));
    await s.settle();
    expect(s.lastNotice(s.harold)).toContain('This button is for someone else');
    expect(copies('How do you onboard')).toBe(0);

    await s.world.press(s.jane, card.id, 'Send');
    await s.settle();
    expect(s.lastNotice(s.jane)).toBe('Sent: it goes to 2 channels in 2 communities and 1 person who knows #onboarding.');
    expect(copies('How do you onboard')).toBe(3);
    // The ask card says where the copies went.
    expect(s.last(s.anyAnswers).text).toContain(
      'a copy went to 2 channels in 2 communities (L&D Guild, Coaching Forum) and 1 person who knows the topic',
    );
    // A second press sends nothing more.
    await s.world.press(s.jane, card.id, 'Send');
    await s.settle();
    expect(s.lastNotice(s.jane)).toContain('already sent');
    expect(copies('How do you onboard')).toBe(3);
  });

  it('forget-me clears a question still waiting on its preview, and the people it would have prodded', async () => {
    await open();
    await s.world.command(s.jane, s.anyAnswers, 'feelers', 'preview on');
    const card = await previewed('A draft Jane may take back #onboarding');
    const pendingId = (await s.store.get<{ pendingId: string }>(keys.action(buttonId(card, 'Send'))))!.pendingId;
    const waiting = () => s.engine.ctx.repo.pending.get(pendingId);
    expect((await waiting())?.experts.map((p) => p.user)).toEqual([cora.user]);

    // Cora, who knows #onboarding, forgets herself: the waiting question no longer names her.
    await s.world.command(cora, forum, 'feelers', 'forget-me');
    expect((await waiting())?.experts).toEqual([]);
    expect(JSON.stringify(await waiting())).not.toContain(cora.user);

    // Jane forgets herself: the question she never sent goes with her, and Send finds nothing.
    await s.world.command(s.jane, s.anyAnswers, 'feelers', 'forget-me');
    expect(await waiting()).toBeUndefined();
    await s.world.press(s.jane, card.id, 'Send');
    await s.settle();
    expect(copies('A draft Jane may take back')).toBe(0);
    expect(await s.openAsks()).toEqual([]);
  });

  it('Cancel sends nothing, ever', async () => {
    await open();
    await s.world.command(s.jane, s.anyAnswers, 'feelers', 'preview on');
    const card = await previewed('Never mind #onboarding');
    await s.world.press(s.jane, card.id, 'Cancel');
    await s.settle();
    expect(s.lastNotice(s.jane)).toBe('Cancelled: your question was not sent anywhere.');
    await s.world.press(s.jane, card.id, 'Send');
    await s.settle();
    expect(copies('Never mind')).toBe(0);
    expect(await s.openAsks()).toEqual([]);
  });

  it('re-checks at Send: a target that stopped taking the ask is dropped and the asker told; a new one is never added', async () => {
    await open();
    await s.world.command(s.jane, s.anyAnswers, 'feelers', 'preview on');
    const card = await previewed('Shrinking audience #onboarding');
    // After the preview: the Forum takes asks only from L&D Guild, and a new channel connects.
    await s.world.command(fiona, forum, 'feelers', 'share receive only L&D Guild');
    const extra = s.world.addChannel('south', 'G1', { id: 'C-extra', name: 'extra' });
    await s.world.command(s.guildAdmin, extra, 'feelers', 'connect');
    await s.world.press(s.jane, card.id, 'Send');
    await s.settle();
    expect(s.lastNotice(s.jane)).toContain('Sent, to fewer than the preview showed: it goes to 1 channel in 1 community.');
    expect(copies('Shrinking audience')).toBe(1);
    expect(s.botPosts(extra)).toEqual([]);
  });

  it('Edit asks for new words and previews them again', async () => {
    await open();
    await s.world.command(s.jane, s.anyAnswers, 'feelers', 'preview on');
    const card = await previewed('Frist draft #onboarding');
    await s.world.press(s.jane, card.id, 'Edit', { text: 'Second draft, no topic' });
    await s.settle();
    expect(s.lastNotice(s.jane)).toContain('press Send on the new preview');
    const again = s.lastDm(s.jane);
    expect(again.text).toContain('Second draft, no topic');
    expect(again.text).toContain('This will reach 2 channels in 2 communities.');
    await s.world.press(s.jane, card.id, 'Send');
    await s.settle();
    expect(s.lastNotice(s.jane)).toContain('already sent or cancelled');
    await s.world.press(s.jane, again.id, 'Send');
    await s.settle();
    expect(copies('Second draft')).toBe(2);
    expect(copies('Frist draft')).toBe(0);
  });

  it("a community's admins turn it on for their members; a member's own choice wins", async () => {
    await open();
    await s.world.command(s.jane, s.anyAnswers, 'feelers', 'preview community on');
    expect(s.lastNotice(s.jane)).toContain('Only admins');
    await s.world.command(s.tzAdmin, s.anyAnswers, 'feelers', 'preview community on');
    const card = await previewed('Community preview');
    expect(buttonLabels(card)).toEqual(['Send', 'Edit', 'Cancel']);
    await s.world.command(s.jane, s.anyAnswers, 'feelers', 'preview off');
    await s.world.command(s.jane, s.anyAnswers, 'ask', 'My own choice');
    await s.settle();
    expect(copies('My own choice')).toBe(2);
    await s.world.command(s.jane, s.anyAnswers, 'feelers', 'preview sideways');
    expect(s.lastNotice(s.jane)).toContain('Write /feelers preview on or /feelers preview off.');
  });
});
