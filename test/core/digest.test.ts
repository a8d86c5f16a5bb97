import { describe, expect, it } from 'vitest';
import { buttonLabels, Story, type StoreKind } from '../support/core.js';
import { askedAndCopiedPerTest, DIGEST_INTERVAL } from '../support/core-steps.js';

/** Digests of new replies in the asker's thread and to followers, and the final summary (src/core/digest.ts). */
describe.each<StoreKind>(['memory', 'sqlite'])('digests (%s store)', (kind) => {
  let s: Story;
  const opened = askedAndCopiedPerTest();

  async function askedAndCopied() {
    const o = await opened(kind);
    s = o.s;
    return o;
  }

  it('collects replies, referrals and DMs into one digest with the referral chain', async () => {
    const { card, copy } = await askedAndCopied();
    await s.world.say(s.harold, s.thread(copy), 'The Open University runs learning circles across every team.');
    await s.world.press(s.karyn, copy.id, 'I know someone', { person: s.sam });
    await s.settle();
    const prompt = s.lastDm(s.sam);
    expect(prompt.text).toContain('Karyn (L&D Guild) thought you might know');
    expect(prompt.text).toContain('collaborative learning');
    expect(s.lastNotice(s.karyn)).toContain("I've sent the question to Sam");

    await s.world.dm(s.sam, 'Look at how Buurtzorg teams teach each other.');
    await s.settle();
    expect(s.lastDm(s.sam).text).toContain("added your message as an answer to Jane's question");
    expect(buttonLabels(s.lastDm(s.sam))).toEqual(['Make it a new question', 'Retract my answer']);

    // Someone answers in the ask card's own thread: counted, not quoted back there.
    await s.world.say(s.tzAdmin, s.thread(card), 'We tried this at TZ in 2023.');

    s.clock.advance(DIGEST_INTERVAL);
    expect(await s.engine.digestTick()).toEqual({ digests: 1 });
    await s.settle();
    const inThread = s.world.messagesIn(s.thread(card)).filter((m) => m.byBot);
    expect(inThread).toHaveLength(1);
    const digest = inThread[0]!;
    expect(digest.text).toContain('The Open University runs learning circles');
    expect(digest.text).toContain('Harold (L&D Guild)');
    expect(digest.text).toContain('Buurtzorg');
    expect(digest.text).toContain('Sam (L&D Guild), via Karyn');
    expect(digest.text).not.toContain('We tried this at TZ');
    expect(digest.text).toContain('Also 1 reply here in this thread');
    expect(buttonLabels(digest)).toEqual(['Request intro', 'Request intro']);

    // Nothing new: the next tick posts nothing.
    s.clock.advance(DIGEST_INTERVAL);
    expect(await s.engine.digestTick()).toEqual({ digests: 0 });
  });

  it('sends digests to followers by DM, and closes with a summary everywhere', async () => {
    const { card, copy } = await askedAndCopied();
    await s.world.press(s.maria, copy.id, 'Follow');
    expect(s.lastNotice(s.maria)).toContain("You're following this question");
    await s.world.say(s.harold, s.thread(copy), 'Learning circles at the OU.');
    await s.world.say(s.tzAdmin, s.thread(card), 'Same question came up at TZ.');
    await s.engine.digestTick();
    await s.settle();
    const followerDigest = s.lastDm(s.maria);
    expect(followerDigest.text).toContain('Learning circles at the OU.');
    // Followers get the ask card's thread replies too.
    expect(followerDigest.text).toContain('Same question came up at TZ.');
    expect(buttonLabels(followerDigest)).toEqual([]);

    // Only Jane may close.
    await s.world.press(s.tzAdmin, card.id, 'Close');
    expect(s.lastNotice(s.tzAdmin)).toContain('for someone else');
    expect(buttonLabels(s.world.message(card.id)!)).toEqual(['Follow', 'Close', 'Retract']);
    await s.world.say(s.harold, s.thread(copy), 'One more: Mondragon.');
    await s.world.press(s.jane, card.id, 'Close');
    await s.settle();
    const summary = s.last(s.thread(card));
    expect(summary.text).toContain('You closed this question');
    expect(summary.text).toContain('3 replies from 2 communities');
    expect(summary.text).toContain('One more: Mondragon.');
    expect(s.lastDm(s.maria).text).toContain('Jane closed the question you follow');
    const copyNow = s.world.message(copy.id)!;
    expect(copyNow.text).toContain('Jane closed this question');
    expect(buttonLabels(copyNow)).toEqual([]);
    // The closed card keeps only Retract: the copies still show the question (test/core/retract.test.ts).
    expect(buttonLabels(s.world.message(card.id)!)).toEqual(['Retract']);
    // A late reply is not collected, and its writer is told.
    await s.world.say(s.harold, s.thread(copy), 'Too late?');
    expect(s.lastNotice(s.harold)).toContain('This question is closed');
  });
});
