import { afterEach, describe, expect, it } from 'vitest';
import { buttonLabels, Story, type StoreKind } from '../support/core.js';
import { askedAndCopiedOn } from '../support/core-steps.js';

/**
 * The story's opening end to end (TrainingZone and L&D Guild on two memory networks) and its
 * survival across restarts; each later stage of it has its own file (digest, intros, lifecycle).
 */
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
    expect(buttonLabels(card)).toEqual(['Follow', 'Close', 'Retract']);
    expect(copy.text).toContain('Jane in TrainingZone asks:');
    expect(copy.text).toContain('collaborative learning');
    expect(buttonLabels(copy)).toEqual(['I can help', 'I know someone', 'Answer', 'Follow', 'Report', 'Remove']);
    expect(s.world.messagesIn(s.askAround).filter((m) => m.byBot)).toHaveLength(1);
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

  it('never bring back a name after forget-me, even once the done-marks of the first reading are gone', async () => {
    const opened = await askedAndCopiedOn('sqlite');
    s = opened.s;
    const { card, copy } = opened;
    await s.world.say(s.harold, s.thread(copy), 'Try peer coaching circles.');
    await s.engine.digestTick();
    await s.settle();
    expect(s.last(s.thread(card)).text).toContain('Harold');
    await s.world.command(s.harold, s.askAround, 'feelers', 'forget-me');
    const before = s.world.messagesIn(s.thread(card)).length;
    // Eight days later (the ask is still open; the first digest's outbox record is gone too), a
    // deploy: the thread is read back at start.
    s.clock.advance(8 * 24 * 3600_000);
    await s.engine.stop({ drainMs: 0 });
    await s.boot();
    await s.engine.whenCaughtUp();
    // The reply read back is the one already kept: still anonymous, and nothing new to digest.
    const [askId = ''] = await s.engine.ctx.repo.openAskIds();
    const kept = (await s.engine.ctx.repo.repliesOf(askId)).find((r) => r.text === 'Try peer coaching circles.');
    expect(kept).toMatchObject({ anonymous: true, author: { name: 'Someone', user: 'forgotten' } });
    expect(await s.engine.ctx.repo.dirtyAskIds()).toEqual([]);
    await s.engine.digestTick();
    await s.settle();
    const after = s.world.messagesIn(s.thread(card)).slice(before);
    expect(after.map((m) => m.text).join('\n')).not.toContain('Harold');
  });
});
