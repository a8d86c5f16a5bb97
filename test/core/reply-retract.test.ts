import { describe, expect, it } from 'vitest';
import type { Story, StoreKind } from '../support/core.js';
import { buttonLabels } from '../support/core.js';
import { askedAndCopiedPerTest, buttonId, digest, dmsWith, handPress, setTopics } from '../support/core-steps.js';

/**
 * Retracting one reply (issue 12), from the writer's side: `/feelers retract`, Retract my
 * answer on the private acknowledgement of a DM answer, or deleting the message. The reply
 * leaves the digests still to come and is struck from those already sent, which are edited.
 */
const ANSWER = 'Peer coaching circles work well for us.';
const STRUCK = 'A reply here was taken back by its writer.';

async function moderation(s: Story) {
  return (await s.engine.operator.moderation(1, 50)).entries.map((e) => [
    e.action,
    e.by.role,
    e.by.role === 'operator' ? '' : e.by.person.name,
  ]);
}

describe.each<StoreKind>(['memory', 'sqlite'])('retracting one reply (%s store)', (kind) => {
  const opened = askedAndCopiedPerTest();

  it('strikes a reply from the digest already sent in the thread and from followers’ DMs, by /feelers retract', async () => {
    const { s, card, copy } = await opened(kind);
    await s.world.press(s.karyn, copy.id, 'Follow');
    await s.world.say(s.harold, s.thread(copy), ANSWER);
    await s.world.say(s.maria, s.thread(copy), 'Try a book club.');
    expect(await digest(s)).toBe(1);
    const sent = s.last(s.thread(card));
    expect(sent.text).toContain(ANSWER);
    const followerDm = dmsWith(s, s.karyn, ANSWER)[0]!;

    await s.world.command(s.harold, s.askAround, 'feelers', 'retract');
    await s.settle();
    expect(s.lastNotice(s.harold)).toContain('Taken back');

    const edited = s.world.message(sent.id)!;
    expect(edited.text).not.toContain(ANSWER);
    expect(edited.text).not.toContain('Harold');
    expect(edited.text).toContain(STRUCK);
    expect(edited.text).toContain('Try a book club.');
    // Maria's reply keeps its Request intro button; Harold's is gone.
    expect(buttonLabels(edited)).toEqual(['Request intro']);
    const dmNow = s.world.message(followerDm.id)!;
    expect(dmNow.text).not.toContain(ANSWER);
    expect(dmNow.text).toContain(STRUCK);
    expect(await moderation(s)).toEqual([['retract-reply', 'writer', 'Harold']]);
  });

  it('leaves a reply not digested yet out of the next digest', async () => {
    const { s, card, copy } = await opened(kind);
    await s.world.say(s.harold, s.thread(copy), ANSWER);
    await s.world.say(s.maria, s.thread(copy), 'Try a book club.');
    await s.world.command(s.harold, s.askAround, 'feelers', 'retract');
    expect(await digest(s)).toBe(1);
    const sent = s.last(s.thread(card));
    expect(sent.text).toContain('Try a book club.');
    expect(sent.text).not.toContain(ANSWER);
    expect(sent.text).not.toContain(STRUCK);
  });

  it('takes back a DM answer with Retract my answer on its private acknowledgement; only its writer can press it', async () => {
    const { s, card } = await opened(kind);
    await setTopics(s, s.sam, 'learning');
    await s.world.command(s.jane, s.anyAnswers, 'ask', 'How do you run a learning circle? #learning');
    await s.settle();
    const circleCard = s.last(s.anyAnswers);
    expect(circleCard.id).not.toBe(card.id);
    await s.world.dm(s.sam, ANSWER);
    await s.settle();
    const ack = s.lastDm(s.sam);
    expect(buttonLabels(ack)).toEqual(['Make it a new question', 'Retract my answer']);

    await s.engine.handle(handPress(s, s.maria, buttonId(ack, 'Retract my answer')));
    expect(s.lastNotice(s.maria)).toContain('for someone else');

    await s.world.press(s.sam, ack.id, 'Retract my answer');
    await s.settle();
    expect(s.lastNotice(s.sam)).toContain('Taken back');
    await digest(s);
    expect(
      s
        .botPosts(s.thread(circleCard))
        .map((m) => m.text)
        .join('\n'),
    ).not.toContain(ANSWER);
  });

  it('strikes a reply whose writer deleted the message from the digest already sent', async () => {
    const { s, card, copy } = await opened(kind);
    await s.world.say(s.harold, s.thread(copy), ANSWER);
    await digest(s);
    const sent = s.last(s.thread(card));
    const written = s.world.messagesIn(s.thread(copy)).find((m) => m.text === ANSWER)!;
    await s.world.remove(s.harold, written.id);
    await s.settle();
    expect(s.world.message(sent.id)!.text).toContain(STRUCK);
    expect(s.world.message(sent.id)!.text).not.toContain(ANSWER);
    expect(await moderation(s)).toEqual([['retract-reply', 'writer', 'Harold']]);
  });

  it('strikes a retracted reply from the final summary too', async () => {
    const { s, card, copy } = await opened(kind);
    await s.world.say(s.harold, s.thread(copy), ANSWER);
    await s.world.press(s.jane, card.id, 'Close');
    await s.settle();
    const summary = s.last(s.thread(card));
    expect(summary.text).toContain(ANSWER);
    await s.world.command(s.harold, s.askAround, 'feelers', 'retract');
    await s.settle();
    expect(s.lastNotice(s.harold)).toContain('Taken back');
    expect(s.world.message(summary.id)!.text).toContain(STRUCK);
    expect(s.world.message(summary.id)!.text).not.toContain(ANSWER);
    // Nothing left to take back.
    await s.world.command(s.harold, s.askAround, 'feelers', 'retract');
    expect(s.lastNotice(s.harold)).toContain('no answer to take back');
  });
});
