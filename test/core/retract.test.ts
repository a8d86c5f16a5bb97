import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sets } from '../../src/core/keys.js';
import type { ChatAdapter } from '../../src/ports/chat-adapter.js';
import { buttonLabels, Story, type StoreKind } from '../support/core.js';
import { spawnTestRedis, type OwnedRedis } from '../support/redis-server.js';
import { askedAndCopiedPerTest, buttonId, copyOf, counts, dmsWith, handPress, QUESTION, setTopics } from '../support/core-steps.js';

/**
 * Retract everywhere (issue 12), from the asker's side: the Retract button on the ask card, the
 * private confirmation, and what is left of the question afterwards (nothing, anywhere).
 */
const PIECE = 'collaborative learning';

async function outboxSize(s: Story): Promise<number> {
  return s.store.setSize(sets.outbox);
}

/** Jane presses Retract on her card, then Retract everywhere in the private message it sends. */
async function retractAs(s: Story, who: Story['jane'], cardId: string): Promise<void> {
  await s.world.press(who, cardId, 'Retract');
  await s.settle();
  const confirm = dmsWith(s, who, 'Retract this question everywhere?').at(-1);
  if (!confirm) throw new Error('no confirmation was sent');
  await s.world.press(who, confirm.id, 'Retract everywhere');
  await s.settle();
}

describe.each<StoreKind>(['memory', 'sqlite'])('retract everywhere (%s store)', (kind) => {
  const opened = askedAndCopiedPerTest();

  it('puts Retract on the ask card; someone else pressing it changes nothing and is told only the asker can', async () => {
    const { s, card, copy } = await opened(kind);
    expect(buttonLabels(card)).toContain('Retract');
    const tom = s.world.addMember('north', 'T1', { id: 'U-tom', name: 'Tom' });
    const before = counts(s);
    await s.world.press(tom, card.id, 'Retract');
    await s.settle();
    expect(s.lastNotice(tom)).toContain('Only the asker');
    const after = counts(s);
    expect(after).toEqual({ ...before, notices: before.notices + 1 });
    expect(s.world.message(copy.id)?.deleted).toBe(false);
    expect(await s.openAsks()).toHaveLength(1);
    expect(s.world.dmsTo(tom)).toHaveLength(0);
  });

  it('answers the asker with a private confirmation, and Retract everywhere deletes every copy and stops everything', async () => {
    const { s, card, copy } = await opened(kind);
    const karyn = s.karyn;
    await s.world.press(karyn, copy.id, 'Follow');
    await s.world.say(s.harold, s.thread(copy), 'Peer coaching circles.');
    await s.settle();

    await s.world.press(s.jane, card.id, 'Retract');
    await s.settle();
    expect(s.lastNotice(s.jane)).toContain('private message to confirm');
    // Nothing is taken back before the confirmation.
    expect(s.world.message(copy.id)?.deleted).toBe(false);
    const confirm = dmsWith(s, s.jane, 'Retract this question everywhere?').at(-1)!;
    expect(buttonLabels(confirm)).toEqual(['Retract everywhere']);

    await s.world.press(s.jane, confirm.id, 'Retract everywhere');
    await s.settle();
    expect(s.lastNotice(s.jane)).toContain('Retracted');
    expect(s.world.message(copy.id)?.deleted).toBe(true);
    expect(copyOf(s, s.askAround, PIECE)).toBeUndefined();
    const cardNow = s.world.message(card.id)!;
    expect(cardNow.text).toContain('retracted by the asker');
    expect(cardNow.text).not.toContain(PIECE);
    expect(buttonLabels(cardNow)).toEqual([]);
    expect(await outboxSize(s)).toBe(0);
    expect(await s.openAsks()).toEqual([]);
    // Operators see it too: the ask retracted, its copy withdrawn.
    const [askId] = (await s.engine.operator.asks({ page: 1, perPage: 5 })).asks.map((a) => a.id);
    const life = await s.engine.operator.askLife(askId!);
    expect(life?.ask.state).toBe('retracted');
    expect(life?.copies.map((c) => c.shown)).toEqual(['withdrawn']);

    // No digest, no follow DM, no relayed reply afterwards.
    const before = counts(s);
    await s.world.say(s.maria, s.thread(copy), 'Too late.');
    s.clock.advance(60 * 60_000);
    expect((await s.engine.digestTick()).digests).toBe(0);
    await s.settle();
    expect(dmsWith(s, karyn, 'Peer coaching')).toHaveLength(0);
    expect(counts(s).posts).toBe(before.posts);
    expect(counts(s).dms).toBe(before.dms);
  });

  it('takes back the prods sent by DM to people who know the topic', async () => {
    const { s } = await opened(kind);
    await setTopics(s, s.sam, 'learning');
    await s.world.command(s.jane, s.anyAnswers, 'ask', 'How do you run a learning circle? #learning');
    await s.settle();
    const card = s.last(s.anyAnswers);
    expect(dmsWith(s, s.sam, 'learning circle')).toHaveLength(1);
    await retractAs(s, s.jane, card.id);
    expect(dmsWith(s, s.sam, 'learning circle')).toHaveLength(0);
    expect(copyOf(s, s.askAround, 'learning circle')).toBeUndefined();
    // The DM answering the prod is no longer taken as an answer to it.
    expect(await outboxSize(s)).toBe(0);
  });

  it('can still take back a closed question, whose copies still show it', async () => {
    const { s, card, copy } = await opened(kind);
    await s.world.press(s.jane, card.id, 'Close');
    await s.settle();
    expect(s.world.message(copy.id)!.text).toContain(PIECE);
    expect(buttonLabels(s.world.message(card.id)!)).toEqual(['Retract']);
    await retractAs(s, s.jane, card.id);
    expect(s.world.message(copy.id)?.deleted).toBe(true);
    expect(s.world.message(card.id)!.text).not.toContain(PIECE);
    expect(await outboxSize(s)).toBe(0);
  });

  it('lets an admin of the asker’s community retract, but not an admin of another community', async () => {
    const { s, card, copy } = await opened(kind);
    // Gita runs L&D Guild, not TrainingZone: her press (as her platform would send it) does nothing.
    await s.engine.handle(handPress(s, s.guildAdmin, buttonId(card, 'Retract')));
    expect(s.lastNotice(s.guildAdmin)).toContain('Only the asker');
    expect(s.world.dmsTo(s.guildAdmin)).toHaveLength(0);
    await retractAs(s, s.tzAdmin, card.id);
    expect(s.world.message(copy.id)?.deleted).toBe(true);
    expect(s.world.message(card.id)!.text).toContain('retracted by an admin of TrainingZone');
    const log = await s.engine.operator.moderation(1, 50);
    expect(log.entries.map((e) => [e.action, e.by.role])).toEqual([['retract-ask', 'admin']]);
  });

  it('records each retraction once in the moderation record, however often it is pressed', async () => {
    const { s, card } = await opened(kind);
    await retractAs(s, s.jane, card.id);
    const confirm = dmsWith(s, s.jane, 'Retract this question everywhere?').at(-1)!;
    await s.world.press(s.jane, confirm.id, 'Retract everywhere');
    await s.settle();
    expect(s.lastNotice(s.jane)).toContain('already retracted');
    const log = await s.engine.operator.moderation(1, 50);
    expect(log.total).toBe(1);
    const [entry] = log.entries;
    expect(entry?.action).toBe('retract-ask');
    expect(entry?.by.role === 'asker' && entry.by.person.name).toBe('Jane');
    expect(entry?.target).toBe('a question from TrainingZone');

    // Forget-me leaves the record, without the person who acted.
    await s.world.command(s.jane, s.anyAnswers, 'feelers', 'forget-me');
    const [after] = (await s.engine.operator.moderation(1, 50)).entries;
    expect(after?.action).toBe('retract-ask');
    expect(JSON.stringify(after)).not.toContain('Jane');
    expect(JSON.stringify(after)).not.toContain(s.jane.user);
  });
});

/** A story whose south network runs `beforePost` once, inside its next post: a send in flight. */
class InFlightStory extends Story {
  beforePost: (() => Promise<void>) | undefined;

  protected override makeAdapter(network: string): ChatAdapter {
    const real = super.makeAdapter(network);
    if (network !== 'south') return real;
    return {
      ...real,
      post: async (to, card, opts) => {
        const hook = this.beforePost;
        this.beforePost = undefined;
        if (hook) await hook();
        return real.post(to, card, opts);
      },
    };
  }
}

describe('retracting while copies are on their way', () => {
  let s: Story | undefined;
  afterEach(async () => s?.close());

  it('deletes a copy sent after the retraction was recorded, right after its send', async () => {
    const story = new InFlightStory('memory');
    s = await story.start();
    await story.connectBoth();
    story.beforePost = async () => {
      const [askId] = await story.openAsks();
      expect(await story.engine.operator.retractAsk(askId!, { operator: 'ops' })).toBe('retracted');
    };
    await story.world.command(story.jane, story.anyAnswers, 'ask', QUESTION);
    await story.settle();
    await story.drain();
    expect(story.beforePost).toBeUndefined();
    // The copy reached the platform, and was deleted straight after.
    const posted = [...story.world.messages.values()].filter((m) => m.channel === story.askAround.channel && m.byBot);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.deleted).toBe(true);
    expect(await story.store.setSize(sets.outbox)).toBe(0);
  });

  it('deletes a copy whose send never heard back, when it is sent again after the retraction and a restart', async () => {
    s = await new Story('sqlite').start();
    const story = s;
    await story.connectBoth();
    // The copy reaches L&D Guild's channel but feelers never hears so (the answer is lost).
    story.world.crashAfterPost('south', 1);
    await story.world.command(story.jane, story.anyAnswers, 'ask', QUESTION);
    await story.settle();
    const out = copyOf(story, story.askAround, PIECE);
    expect(out).toBeDefined();
    await story.restart();
    const card = story.last(story.anyAnswers);
    await retractAs(story, story.jane, card.id);
    story.clock.advance(60_000);
    await story.drain();
    expect(story.world.message(out!.id)?.deleted).toBe(true);
    expect(copyOf(story, story.askAround, PIECE)).toBeUndefined();
    expect(await story.store.setSize(sets.outbox)).toBe(0);
  });

  it('finishes taking copies down after a restart', async () => {
    s = await new Story('sqlite').start();
    const story = s;
    await story.connectBoth();
    await story.world.command(story.jane, story.anyAnswers, 'ask', QUESTION);
    await story.settle();
    const copy = story.last(story.askAround);
    const [askId] = await story.openAsks();
    // The process stops right after the retraction is written, before its deletions go out.
    story.world.failNext('south', { kind: 'transient', times: 1 });
    await story.engine.operator.retractAsk(askId!, { operator: 'ops' });
    await story.settle();
    expect(story.world.message(copy.id)?.deleted).toBe(false);
    await story.restart();
    story.clock.advance(60_000);
    await story.drain();
    expect(story.world.message(copy.id)?.deleted).toBe(true);
    expect(await story.store.setSize(sets.outbox)).toBe(0);
  });
});

/** The same on Redis, the store several instances share: the take-downs survive a restart there too. */
describe('retracting on Redis', () => {
  let redis: OwnedRedis | undefined;
  let s: Story | undefined;
  beforeAll(async () => {
    redis = await spawnTestRedis();
  });
  afterAll(async () => redis?.dispose());
  afterEach(async () => s?.close());

  it('takes down a copy whose send never heard back, after a restart, and leaves nothing owed', async () => {
    s = await new Story({ url: redis!.url }).start();
    const story = s;
    await story.connectBoth();
    story.world.crashAfterPost('south', 1);
    await story.world.command(story.jane, story.anyAnswers, 'ask', QUESTION);
    await story.settle();
    const out = copyOf(story, story.askAround, PIECE)!;
    await story.restart();
    await retractAs(story, story.jane, story.last(story.anyAnswers).id);
    story.clock.advance(60_000);
    await story.drain();
    expect(story.world.message(out.id)?.deleted).toBe(true);
    expect(await story.store.setSize(sets.outbox)).toBe(0);
    expect((await story.engine.operator.moderation(1, 10)).entries.map((e) => e.action)).toEqual(['retract-ask']);
  });
});
