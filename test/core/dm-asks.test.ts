/**
 * A DM to the bot is private: when it answers no open prompt, it becomes a public ask only when
 * its writer presses "Ask it" on the confirmation feelers sends back (src/core/dm-asks.ts).
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../adapters/memory/world-types.js';
import type { PersonRef } from '../../src/ports/places.js';
import { buttonLabels, type Story } from '../support/core.js';
import { ask, buttonId, copyOf, dmsWith, handPress, measure, setTopics, storyPerTest } from '../support/core-steps.js';

const started = storyPerTest();
const PRIVATE = 'call me privately on 07700 900123';

/** Messages anyone but the writer and feelers can see: everything outside DMs. */
function publicWith(st: Story, piece: string): StoredMessage[] {
  return [...st.world.messages.values()].filter((m) => !m.direct && m.text.includes(piece));
}

/** The confirmation feelers DMed this person, quoting `piece`. */
function confirmation(st: Story, p: PersonRef, piece: string): StoredMessage {
  const found = dmsWith(st, p, 'Post this as a new question?').filter((m) => m.text.includes(piece));
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** Keys of the documents in a SQLite story's store whose value contains `piece`. */
function storedWith(st: Story, piece: string): string[] {
  const db = new Database(st.storeUrl().slice('sqlite://'.length), { readonly: true });
  try {
    return db
      .prepare<[string], { key: string }>('SELECT key FROM kv WHERE value LIKE ?')
      .all(`%${piece}%`)
      .map((r) => r.key);
  } finally {
    db.close();
  }
}

/** Sam knows #learning, was prodded for Jane's question, and Jane has closed it. */
async function prodThenClosed(st: Story): Promise<void> {
  await st.connectBoth();
  await setTopics(st, st.sam, 'learning');
  const card = await ask(st, st.jane, st.anyAnswers, 'Which firms do learning sprints? #learning');
  expect(dmsWith(st, st.sam, 'learning sprints')).toHaveLength(1);
  await st.world.press(st.jane, card.id, 'Close');
  await st.settle();
}

describe('a DM that answers no open prompt', () => {
  it('is not published when it comes after the prod it answers was closed: a private card asks first', async () => {
    const st = await started();
    await prodThenClosed(st);
    const asks = await st.openAsks();
    await st.world.dm(st.sam, PRIVATE);
    await st.settle();
    expect(publicWith(st, '07700')).toEqual([]);
    expect(await st.openAsks()).toEqual(asks);
    const card = confirmation(st, st.sam, PRIVATE);
    expect(buttonLabels(card)).toEqual(['Ask it', 'No']);
  });

  it('"No" publishes nothing and keeps nothing of the text', async () => {
    const st = await started('sqlite');
    await prodThenClosed(st);
    await st.world.dm(st.sam, PRIVATE);
    await st.settle();
    const card = confirmation(st, st.sam, PRIVATE);
    const askIt = buttonId(card, 'Ask it');
    // Until answered, the store holds it (the buttons' binding, the card kept for its sending).
    expect(storedWith(st, '07700').length).toBeGreaterThan(0);
    const { before, after } = await measure(st, () => st.world.press(st.sam, card.id, 'No'));
    expect(after.posts).toBe(before.posts);
    expect(publicWith(st, '07700')).toEqual([]);
    expect(st.lastNotice(st.sam)).toContain('Nothing was posted');
    // The card (the world's live record of it) no longer quotes it, and its buttons are gone.
    expect(card.text).not.toContain('07700');
    expect(buttonLabels(card)).toEqual([]);
    // Nothing in the store holds the text any more.
    expect(storedWith(st, '07700')).toEqual([]);
    // A second press changes nothing: the buttons are no longer bound.
    await st.engine.handle(handPress(st, st.sam, askIt));
    await st.settle();
    expect(publicWith(st, '07700')).toEqual([]);
    expect(st.lastNotice(st.sam)).toContain('no longer active');
  });

  it('"Ask it" makes the ask then, with its card in the DM and copies out as for any ask, once', async () => {
    const st = await started();
    await prodThenClosed(st);
    await st.world.dm(st.sam, 'Who runs good mentoring schemes? #mentoring');
    await st.settle();
    expect(copyOf(st, st.anyAnswers, 'mentoring schemes')).toBeUndefined();
    const card = confirmation(st, st.sam, 'mentoring schemes');
    const askIt = buttonId(card, 'Ask it');
    await st.world.press(st.sam, card.id, 'Ask it');
    await st.settle();
    expect(st.world.dmsTo(st.sam).some((m) => m.text.includes('Sam asks:') && m.text.includes('mentoring schemes'))).toBe(true);
    expect(copyOf(st, st.anyAnswers, 'mentoring schemes')?.text).toContain('Sam in L&D Guild asks:');
    expect(copyOf(st, st.askAround, 'mentoring schemes')).toBeDefined();
    expect(buttonLabels(card)).toEqual([]);
    // Pressed again (the same press retried by hand): still one ask, one copy per channel.
    const asks = await st.openAsks();
    await st.engine.handle(handPress(st, st.sam, askIt));
    await st.settle();
    expect(await st.openAsks()).toEqual(asks);
    expect(st.botPosts(st.anyAnswers).filter((m) => m.text.includes('mentoring schemes'))).toHaveLength(1);
  });

  it('takes one press from the writer only: anyone else is told the button is not theirs', async () => {
    const st = await started();
    await st.connectBoth();
    await st.world.dm(st.sam, PRIVATE);
    await st.settle();
    const card = confirmation(st, st.sam, PRIVATE);
    for (const label of ['Ask it', 'No']) {
      const { before, after } = await measure(st, () => st.engine.handle(handPress(st, st.maria, buttonId(card, label))));
      expect(after).toEqual({ ...before, notices: before.notices + 1 });
      expect(st.lastNotice(st.maria)).toContain('for someone else');
    }
    expect(publicWith(st, '07700')).toEqual([]);
    // The writer's own press still works after that.
    await st.world.press(st.sam, card.id, 'Ask it');
    await st.settle();
    expect(publicWith(st, '07700').length).toBeGreaterThan(0);
  });

  it('asks a question sent by DM after one press, and nothing before it', async () => {
    const st = await started();
    await st.connectBoth();
    await st.world.dm(st.jane, 'Where can I find a good facilitation course? #facilitation');
    await st.settle();
    expect(copyOf(st, st.askAround, 'facilitation course')).toBeUndefined();
    expect(await st.openAsks()).toEqual([]);
    await st.world.press(st.jane, confirmation(st, st.jane, 'facilitation course').id, 'Ask it');
    await st.settle();
    expect(copyOf(st, st.askAround, 'facilitation course')?.text).toContain('Jane in TrainingZone asks:');
    expect(await st.openAsks()).toHaveLength(1);
  });

  it('still answers "help" with the help text, and sends no confirmation', async () => {
    const st = await started();
    await st.world.dm(st.karyn, 'help');
    await st.settle();
    expect(st.lastNotice(st.karyn)).toContain('/feelers forget-me');
    expect(dmsWith(st, st.karyn, 'Post this as a new question?')).toEqual([]);
  });

  it('sends one confirmation when the platform delivers the same DM twice', async () => {
    const st = await started();
    const { eventId } = await st.world.dm(st.sam, PRIVATE);
    await st.settle();
    await st.world.redeliver(eventId);
    await st.settle();
    expect(dmsWith(st, st.sam, 'Post this as a new question?')).toHaveLength(1);
  });
});
