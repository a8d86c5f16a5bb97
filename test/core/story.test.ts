import { afterEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../adapters/memory/world-types.js';
import { buttonLabels, Story, type StoreKind } from '../support/core.js';

const QUESTION = 'Which organisations have a successful culture of collaborative learning? #learning';
const DIGEST_INTERVAL = 10 * 60_000;

/** Both communities connected, Jane's question asked and out: the story's opening. */
async function askedAndCopiedOn(kind: StoreKind): Promise<{ s: Story; card: StoredMessage; copy: StoredMessage }> {
  const s = await new Story(kind).start();
  await s.connectBoth();
  await s.world.command(s.jane, s.anyAnswers, 'ask', QUESTION);
  await s.settle();
  return { s, card: s.last(s.anyAnswers), copy: s.last(s.askAround) };
}

/** The story, end to end: TrainingZone and L&D Guild on two memory networks. */
describe.each<StoreKind>(['memory', 'sqlite'])('the life of an ask (%s store)', (kind) => {
  let s: Story;
  afterEach(async () => s?.close());

  async function askedAndCopied() {
    const opened = await askedAndCopiedOn(kind);
    s = opened.s;
    return opened;
  }

  it('posts an ask card with Follow and Close, and an attributed copy with the four buttons', async () => {
    const { card, copy } = await askedAndCopied();
    expect(card.text).toContain('Jane asks:');
    expect(card.text).toContain('collaborative learning');
    expect(buttonLabels(card)).toEqual(['Follow', 'Close']);
    expect(copy.text).toContain('Jane in TrainingZone asks:');
    expect(copy.text).toContain('collaborative learning');
    expect(buttonLabels(copy)).toEqual(['I can help', 'I know someone', 'Answer', 'Follow']);
    expect(s.world.messagesIn(s.askAround).filter((m) => m.byBot)).toHaveLength(1);
  });

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
    expect(buttonLabels(s.lastDm(s.sam))).toEqual(['Make it a new question']);

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

  it('introduces only after the responder shares, and both get the other contact', async () => {
    const { card, copy } = await askedAndCopied();
    await s.world.command(s.harold, s.askAround, 'feelers', 'contact harold@guild.example');
    await s.world.command(s.jane, s.anyAnswers, 'feelers', 'contact jane@tz.example');
    await s.world.say(s.harold, s.thread(copy), 'Ask me about communities of practice.');
    await s.engine.digestTick();
    await s.settle();
    const digest = s.last(s.thread(card));
    await s.world.press(s.jane, digest.id, 'Request intro');
    await s.settle();
    const request = s.lastDm(s.harold);
    expect(buttonLabels(request)).toEqual(['Share my contact', 'Decline']);
    // Before Harold answers, his contact is nowhere.
    expect(s.world.everything().join('\n')).not.toContain('harold@guild.example');
    expect(s.world.everything().join('\n')).not.toContain('jane@tz.example');

    // Jane can't press Harold's button for him.
    await s.world.press(s.jane, request.id, 'Share my contact').catch(() => undefined);
    await s.world.press(s.harold, request.id, 'Share my contact');
    await s.settle();
    expect(s.lastDm(s.jane).text).toContain('harold@guild.example');
    // The handle is there, with its @ defused by the adapter so it can't ping anyone.
    expect(s.lastDm(s.jane).text.replace(/\u200b/g, '')).toContain('@harold');
    expect(s.lastDm(s.harold).text).toContain('jane@tz.example');
    expect(s.lastDm(s.harold).text).toContain('https://tz.example/jane');
  });

  it('tells the asker kindly when the responder declines, and shares nothing', async () => {
    const { card, copy } = await askedAndCopied();
    await s.world.command(s.harold, s.askAround, 'feelers', 'contact harold@guild.example');
    await s.world.say(s.harold, s.thread(copy), 'Happy to point you at some reading.');
    await s.engine.digestTick();
    await s.settle();
    await s.world.press(s.jane, s.last(s.thread(card)).id, 'Request intro');
    await s.settle();
    await s.world.press(s.harold, s.lastDm(s.harold).id, 'Decline');
    await s.settle();
    expect(s.lastDm(s.jane).text).toContain("Harold can't take up an introduction this time");
    expect(s.lastDm(s.jane).text).toContain('Nothing was shared');
    expect(s.world.everything().join('\n')).not.toContain('harold@guild.example');
  });

  it('shows an "I can help" offer in the digest, and Accept intro exchanges contacts', async () => {
    const { card, copy } = await askedAndCopied();
    await s.world.command(s.harold, s.askAround, 'feelers', 'contact harold@guild.example');
    await s.world.press(s.harold, copy.id, 'I can help');
    expect(s.lastNotice(s.harold)).toContain('will see your offer');
    await s.engine.digestTick();
    await s.settle();
    const digest = s.last(s.thread(card));
    expect(digest.text).toContain('Harold (L&D Guild) offers to help');
    expect(buttonLabels(digest)).toEqual(['Accept intro', 'Decline']);
    expect(s.world.everything().join('\n')).not.toContain('harold@guild.example');
    await s.world.press(s.jane, digest.id, 'Accept intro');
    await s.settle();
    expect(s.lastDm(s.jane).text).toContain('harold@guild.example');
    expect(s.lastDm(s.harold).text).toContain('Jane (TrainingZone)');
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
    expect(buttonLabels(s.world.message(card.id)!)).toEqual(['Follow', 'Close']);
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
    expect(buttonLabels(s.world.message(card.id)!)).toEqual([]);
    // A late reply is not collected, and its writer is told.
    await s.world.say(s.harold, s.thread(copy), 'Too late?');
    expect(s.lastNotice(s.harold)).toContain('This question is closed');
  });

  it('warns the asker a day before expiry, extends on request, and expires the same way as close', async () => {
    const { copy } = await askedAndCopied();
    s.clock.advance(13 * 24 * 3600_000 + 60_000);
    expect(await s.engine.expirySweep()).toEqual({ warned: 1, expired: 0 });
    await s.settle();
    const warning = s.lastDm(s.jane);
    expect(warning.text).toContain('will expire in about a day');
    await s.world.press(s.jane, warning.id, 'Extend 14 days');
    expect(s.lastNotice(s.jane)).toContain('stays open until');
    s.clock.advance(2 * 24 * 3600_000);
    expect(await s.engine.expirySweep()).toEqual({ warned: 0, expired: 0 });
    s.clock.advance(11 * 24 * 3600_000 + 60_000);
    expect(await s.engine.expirySweep()).toEqual({ warned: 1, expired: 0 });
    s.clock.advance(24 * 3600_000);
    expect(await s.engine.expirySweep()).toEqual({ warned: 0, expired: 1 });
    await s.settle();
    expect(s.world.message(copy.id)!.text).toContain('This question has expired');
  });
});

/** A restart needs a store that outlives the process: the SQLite file. */
describe('the life of an ask across a restart (sqlite store)', () => {
  let s: Story;
  afterEach(async () => s?.close());

  it('survives a restart: replies written before it are digested after it', async () => {
    const opened = await askedAndCopiedOn('sqlite');
    s = opened.s;
    const { card, copy } = opened;
    await s.world.say(s.harold, s.thread(copy), 'Before the restart.');
    await s.restart();
    await s.world.say(s.karyn, s.thread(copy), 'After the restart.');
    await s.engine.digestTick();
    await s.settle();
    const digest = s.last(s.thread(card));
    expect(digest.text).toContain('Before the restart.');
    expect(digest.text).toContain('After the restart.');
  });
});

describe('replies written while feelers was down', () => {
  let s: Story;
  afterEach(async () => s?.close());

  it('are read back from the network at start and digested once', async () => {
    const opened = await askedAndCopiedOn('sqlite');
    s = opened.s;
    const { card, copy } = opened;
    await s.world.say(s.harold, s.thread(copy), 'Seen live.');
    // The process stops (a deploy); meanwhile someone answers.
    await s.engine.stop({ drainMs: 0 });
    await s.world.say(s.karyn, s.thread(copy), 'Written while feelers was down.');
    await s.boot();
    expect(await s.engine.whenCaughtUp()).toBeGreaterThanOrEqual(2);
    await s.engine.digestTick();
    await s.settle();
    const digest = s.last(s.thread(card)).text;
    expect(digest.split('Seen live.')).toHaveLength(2);
    expect(digest.split('Written while feelers was down.')).toHaveLength(2);
  });
});
