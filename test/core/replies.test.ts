import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../adapters/memory/world-types.js';
import { keys } from '../../src/core/keys.js';
import { replyIdOf } from '../../src/core/replies.js';
import type { Story } from '../support/core.js';
import { ask, digest, guildMember, HOUR, occurrences, startStory } from '../support/core-steps.js';

let st: Story;
let card: StoredMessage;
let copy: StoredMessage;

beforeEach(async () => {
  st = await startStory();
  await st.connectBoth();
  card = await ask(st, st.jane, st.anyAnswers, 'Which teams learn in public? #learning');
  copy = st.last(st.askAround);
});
afterEach(async () => st.close());

/** The digest posted in the asker's thread by the next tick, or undefined when none was. */
async function nextDigest(): Promise<StoredMessage | undefined> {
  const before = st.botPosts(st.thread(card)).length;
  await digest(st);
  const posts = st.botPosts(st.thread(card));
  return posts.length > before ? posts[posts.length - 1] : undefined;
}

describe('what counts as a reply', () => {
  it('never collects a bot, or feelers itself, writing in a copy thread', async () => {
    const otherBot = guildMember(st, 'U-bot', 'Helpful Bot', { isBot: true });
    await st.world.say(otherBot, st.thread(copy), 'Beep: learning in public is great.');
    await st.world.say(st.world.bot('south', 'G1'), st.thread(copy), 'feelers talking to itself.');
    expect(await nextDigest()).toBeUndefined();
    // A person's reply next to them is collected, and only it.
    await st.world.say(st.maria, st.thread(copy), 'GitLab does, handbook-first.');
    const d = await nextDigest();
    expect(d?.text).toContain('GitLab does');
    expect(d?.text).not.toContain('Beep');
    expect(d?.text).not.toContain('talking to itself');
  });

  it('collects a message that replies to a copy, outside its thread', async () => {
    await st.world.say(st.harold, st.askAround, 'Basecamp writes everything down.', { replyTo: copy.id });
    const d = await nextDigest();
    expect(d?.text).toContain('Basecamp writes everything down.');
    expect(d?.text).toContain('Harold (L&D Guild)');
  });

  it('does not collect an ordinary channel message next to a copy', async () => {
    await st.world.say(st.harold, st.askAround, 'Lunch anyone?');
    expect(await nextDigest()).toBeUndefined();
  });

  it('shows the edited text when a reply is edited before the digest', async () => {
    const { messageId } = await st.world.say(st.harold, st.thread(copy), 'Automattic, I thinnk.');
    await st.world.edit(st.harold, messageId, 'Automattic, I think.');
    const d = await nextDigest();
    expect(d?.text).toContain('Automattic, I think.');
    expect(d?.text).not.toContain('thinnk');
  });

  it('does not digest a reply deleted before the digest', async () => {
    const { messageId } = await st.world.say(st.harold, st.thread(copy), 'Oops, wrong thread.');
    await st.world.remove(st.harold, messageId);
    expect(await nextDigest()).toBeUndefined();
    expect([...st.world.messages.values()].filter((m) => m.byBot && m.text.includes('Oops'))).toEqual([]);
  });

  it('collects the text of the Answer form', async () => {
    await st.world.press(st.maria, copy.id, 'Answer', { text: 'Buffer publishes its salaries and its lessons.' });
    expect(st.lastNotice(st.maria)).toContain('Your answer goes to Jane with the next digest');
    const d = await nextDigest();
    expect(d?.text).toContain('Buffer publishes its salaries and its lessons.');
    expect(d?.text).toContain('Maria (L&D Guild)');
  });

  it('processes a redelivered event once', async () => {
    const { eventId } = await st.world.say(st.harold, st.thread(copy), 'Said once, delivered twice.');
    await st.world.redeliver(eventId);
    await st.world.redeliver(eventId);
    const d = await nextDigest();
    expect(occurrences(d?.text ?? '', 'Said once, delivered twice.')).toBe(1);
    expect(d?.text).toContain('1 new reply');
  });

  it('digests a reply once when its event is handled again after the digest (a handler that died before marking it done)', async () => {
    const { eventId } = await st.world.say(st.harold, st.thread(copy), 'Handled, digested, then handled again.');
    expect((await nextDigest())?.text).toContain('Handled, digested, then handled again.');
    // The first handler's done mark never landed and its claim lapsed: the platform's retry is
    // handled in full, on this or another instance.
    await st.store.delete(keys.eventDone(eventId));
    await st.store.delete(keys.eventClaim(eventId));
    await st.world.redeliver(eventId);
    await st.world.say(st.maria, st.thread(copy), 'Another reply in the meantime.');
    const d = await nextDigest();
    expect(d?.text).toContain('Another reply in the meantime.');
    expect(d?.text).not.toContain('Handled, digested, then handled again.');
  });

  it('never digests an item twice, even one marked fresh again after its digest', async () => {
    const { messageId } = await st.world.say(st.harold, st.thread(copy), 'Adopted twice from the orphans.');
    expect((await nextDigest())?.text).toContain('Adopted twice from the orphans.');
    // Two instances handling the same message at once can both add it, one after the digest.
    const [askId] = await st.engine.ctx.repo.openAskIds();
    await st.engine.ctx.repo.markFresh(askId!, `reply:${replyIdOf({ network: copy.network, channel: copy.channel, id: messageId })}`);
    await st.world.say(st.maria, st.thread(copy), 'A new reply comes in meanwhile.');
    const d = await nextDigest();
    expect(d?.text).toContain('A new reply comes in meanwhile.');
    expect(d?.text).not.toContain('Adopted twice');
  });

  it('processes a redelivered ask once', async () => {
    const { eventId } = await st.world.command(st.karyn, st.askAround, 'ask', 'Asked once, delivered twice?');
    await st.world.redeliver(eventId);
    await st.settle();
    const cards = st.botPosts(st.askAround).filter((m) => m.text.includes('Asked once, delivered twice?'));
    const copies = st.botPosts(st.anyAnswers).filter((m) => m.text.includes('Asked once, delivered twice?'));
    expect(cards).toHaveLength(1);
    expect(copies).toHaveLength(1);
  });
});

describe('referrals', () => {
  it('credits a referral chain two deep: "Tom (L&D Guild), via Sam, via Karyn"', async () => {
    const tom = guildMember(st, 'U-tom', 'Tom');
    await st.world.press(st.karyn, copy.id, 'I know someone', { person: st.sam });
    await st.settle();
    const toSam = st.lastDm(st.sam);
    expect(toSam.text).toContain('Karyn (L&D Guild) thought you might know');
    await st.world.press(st.sam, toSam.id, 'I know someone', { person: tom });
    await st.settle();
    expect(st.lastNotice(st.sam)).toContain("I've sent the question to Tom");
    const toTom = st.lastDm(tom);
    expect(toTom.text).toContain('Sam (L&D Guild) thought you might know');
    expect(toTom.text).toContain('Which teams learn in public?');

    await st.world.dm(tom, 'Etsy ran a public learning blog.');
    await st.settle();
    const d = await nextDigest();
    expect(d?.text).toContain('Etsy ran a public learning blog.');
    expect(d?.text).toContain('Tom (L&D Guild), via Sam, via Karyn');
  });

  it('tells the referrer when the person does not accept DMs, and does not retry', async () => {
    st.world.closeDms(st.sam);
    await st.world.press(st.karyn, copy.id, 'I know someone', { person: st.sam });
    await st.settle();
    expect(st.world.dmsTo(st.sam)).toHaveLength(0);
    const told = st.lastDm(st.karyn);
    expect(told.text).toContain("couldn't deliver your referral");
    expect(told.text).toContain('tell them about the question yourself');

    const failures = st.world.stats.failures;
    const karynDms = st.world.dmsTo(st.karyn).length;
    // Hours later, with DMs open again, nothing is resent and the referrer is not told twice.
    st.world.openDms(st.sam);
    st.clock.advance(2 * HOUR);
    await st.settle();
    await st.settle();
    expect(st.world.stats.failures).toBe(failures);
    expect(st.world.dmsTo(st.sam)).toHaveLength(0);
    expect(st.world.dmsTo(st.karyn)).toHaveLength(karynDms);
  });
});

describe('referrals, counted fairly', () => {
  it('counts one unsolicited DM however often the same person is referred', async () => {
    for (let i = 0; i < 5; i++) await st.world.press(st.karyn, copy.id, 'I know someone', { person: st.sam });
    await st.settle();
    expect(st.world.dmsTo(st.sam)).toHaveLength(1);
    expect(st.lastNotice(st.karyn)).toContain('already');
    expect((await st.engine.ctx.repo.profile(st.sam))?.unsolicited).toHaveLength(1);
  });

  it('lets one person refer a few people a day, and says so after that', async () => {
    const people = Array.from({ length: 6 }, (_, i) => guildMember(st, `U-p${i}`, `Person ${i}`));
    for (const p of people) await st.world.press(st.karyn, copy.id, 'I know someone', { person: p });
    await st.settle();
    expect(people.map((p) => st.world.dmsTo(p).length)).toEqual([1, 1, 1, 1, 1, 0]);
    expect(st.lastNotice(st.karyn)).toContain('5 people today');
  });
});

describe('thread chatter kept before its copy is known', () => {
  it('is kept cut to the longest reply, not whole, in a thread on a message of feelers', async () => {
    // A bot message whose copy record is not written yet: a send that went out before its
    // process died. Replies in its thread wait for the resend to bind it.
    const { messageId } = await st.world.say(st.world.bot('south', 'G1'), st.askAround, 'A copy feelers has not recorded yet.');
    const place = { ...st.askAround, thread: messageId };
    await st.world.say(st.karyn, place, 'x'.repeat(20_000));
    const kept = await st.store.get<{ text: string }[]>(keys.orphans(place));
    expect(kept).toHaveLength(1);
    expect(kept?.[0]?.text.length).toBeLessThanOrEqual(4_000);
  });

  it("is not kept at all in a thread people started on their own message: it could never be a copy's", async () => {
    const { messageId } = await st.world.say(st.harold, st.askAround, 'Lunch on Friday?');
    const place = { ...st.askAround, thread: messageId };
    await st.world.say(st.karyn, place, 'Yes, and call me on 07700 900123 about it.');
    expect(await st.store.get(keys.orphans(place))).toBeUndefined();
  });
});

describe('edits, deletions and retries after the fact', () => {
  it('treats an edit down to nothing (only invisible characters) as a deletion', async () => {
    const { messageId } = await st.world.say(st.harold, st.thread(copy), 'Soon to vanish.');
    await st.world.edit(st.harold, messageId, '\u200b\u0007');
    expect(await nextDigest()).toBeUndefined();
  });

  it('strips control characters from an edit', async () => {
    const { messageId } = await st.world.say(st.harold, st.thread(copy), 'First draft.');
    await st.world.edit(st.harold, messageId, 'Second\u0000 dr\u200baft.');
    const d = await nextDigest();
    expect(d?.text).toContain('Second draft.');
  });

  it('leaves a reply deleted after its digest out of the final tally', async () => {
    const { messageId } = await st.world.say(st.harold, st.thread(copy), 'Digested, then regretted.');
    await st.world.say(st.maria, st.thread(copy), 'I stand by mine.');
    expect((await nextDigest())?.text).toContain('Digested, then regretted.');
    await st.world.remove(st.harold, messageId);
    await st.world.press(st.jane, card.id, 'Close');
    await st.settle();
    expect(st.last(st.thread(card)).text).toContain('In all: 1 reply from 1 community');
  });

  it('applies a redelivered Follow press once (a second toggle would unfollow)', async () => {
    const { eventId } = await st.world.press(st.maria, copy.id, 'Follow');
    await st.world.redeliver(eventId);
    expect(st.world.noticesTo(st.maria)).toHaveLength(1);
    await st.world.say(st.harold, st.thread(copy), 'For the followers.');
    await digest(st);
    expect(st.lastDm(st.maria).text).toContain('For the followers.');
  });

  // A referral (or prod) whose DM the network refused leaves no open prompt behind: the person
  // never saw the question, so their next DM to the bot is offered as an ask of their own.
  it('does not file a DM as an answer to a referral that never reached its writer', async () => {
    st.world.closeDms(st.sam);
    await st.world.press(st.karyn, copy.id, 'I know someone', { person: st.sam });
    await st.settle();
    st.world.openDms(st.sam);
    await st.world.dm(st.sam, 'Where can I learn spreadsheet modelling?');
    await st.settle();
    await st.world.press(st.sam, st.lastDm(st.sam).id, 'Ask it');
    await st.settle();
    // Sam's message is an ask of its own: its card is in Sam's DM and a copy reaches TrainingZone.
    expect(st.botPosts(st.anyAnswers).some((m) => m.text.includes('spreadsheet modelling'))).toBe(true);
    expect(await nextDigest()).toBeUndefined();
  });
});
