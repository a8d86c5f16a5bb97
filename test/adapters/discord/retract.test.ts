/**
 * Retract everywhere through the real Discord adapter (discord.js) and the fake Discord: the copy
 * in a Discord channel is deleted (DELETE, answered 204 with no body), and someone else's press
 * of Retract on a Discord ask card only gets a private answer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sets } from '../../../src/core/keys.js';
import { ASK_AROUND, DiscordStory, customIdOf } from '../../support/discord.js';

const QUESTION = 'Which organisations have a successful culture of collaborative learning? #learning';

let s: DiscordStory | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

async function connected(story: DiscordStory): Promise<void> {
  const connect = story.fake.slashCommand(story.who('gita'), 'feelers', { sub: 'connect' });
  await story.handledId(connect.id, '/feelers connect');
  await story.fake.until(() => connect.followUps.find((f) => String(f['content']).startsWith('Connected')), 'connect answer');
  await story.world.command(story.tess, story.anyAnswers, 'feelers', 'connect');
}

describe('retract everywhere on Discord', () => {
  it('deletes the copy in the Discord channel when the asker on the other network retracts', async () => {
    s = await DiscordStory.start();
    const story = s;
    await connected(story);
    await story.world.command(story.jane, story.anyAnswers, 'ask', QUESTION);
    await story.settle();
    const copy = await story.fake.until(() => story.botMessages(ASK_AROUND)[0], 'the copy');

    const card = story.last(story.anyAnswers);
    await story.world.press(story.jane, card.id, 'Retract');
    await story.settle();
    await story.world.press(story.jane, story.lastDm(story.jane).id, 'Retract everywhere');
    await story.settle();

    const deletes = story.fake.requests.filter((r) => r.method === 'DELETE' && r.path.endsWith(`/messages/${copy.id}`));
    expect(deletes).toHaveLength(1);
    expect(story.botMessages(ASK_AROUND)).toEqual([]);
    expect(await story.store.setSize(sets.outbox)).toBe(0);
  });

  it("answers a Discord member's press of someone else's Retract privately, and changes nothing", async () => {
    s = await DiscordStory.start();
    const story = s;
    await connected(story);
    const ask = story.fake.slashCommand(story.who('harold'), 'ask', { options: { question: QUESTION } });
    await story.handledId(ask.id, '/ask');
    await story.settle();
    const card = await story.fake.until(() => story.botMessages(ASK_AROUND)[0], 'the ask card');
    const copy = story.last(story.anyAnswers);
    const press = story.fake.pressButton(story.who('karyn'), card.id, customIdOf(card, 'Retract'));
    await story.handledId(press.id, 'Retract');
    const answer = await story.fake.until(() => press.followUps[0], 'the answer');
    expect(String(answer['content'])).toContain('Only the asker');
    await story.settle();
    expect(story.world.message(copy.id)?.deleted).toBe(false);
    expect(story.fake.requests.filter((r) => r.method === 'DELETE' && r.path.includes('/messages/'))).toEqual([]);
    expect(await story.openAsks()).toHaveLength(1);
  });
});

describe('blocks on Discord', () => {
  it('keeps a community blocked with /feelers block out of the Discord server: its asks and its replies', async () => {
    s = await DiscordStory.start();
    const story = s;
    await connected(story);
    const refused = story.fake.slashCommand(story.who('harold'), 'feelers', { sub: 'block', options: { community: 'TrainingZone' } });
    await story.handledId(refused.id, '/feelers block by a member');
    expect(String((await story.fake.until(() => refused.followUps[0], 'the refusal'))['content'])).toContain('Only an admin');
    const blocked = story.fake.slashCommand(story.who('gita'), 'feelers', { sub: 'block', options: { community: 'TrainingZone' } });
    await story.handledId(blocked.id, '/feelers block');
    expect(String((await story.fake.until(() => blocked.followUps[0], 'the answer'))['content'])).toContain('Blocked: TrainingZone');

    await story.world.command(story.jane, story.anyAnswers, 'ask', QUESTION);
    await story.settle();
    expect(story.botMessages(ASK_AROUND)).toEqual([]);

    const ask = story.fake.slashCommand(story.who('harold'), 'ask', { options: { question: 'Who knows a good facilitator?' } });
    await story.handledId(ask.id, '/ask');
    await story.settle();
    const inTz = story.botPosts(story.anyAnswers).find((m) => m.text.includes('good facilitator'))!;
    await story.world.say(story.jane, story.thread(inTz), 'Jane says: try Alex.');
    expect(await story.engine.digestTick()).toEqual({ digests: 0 });

    // Lifted, the same thread reaches Harold again.
    const lifted = story.fake.slashCommand(story.who('gita'), 'feelers', { sub: 'unblock', options: { number: '1' } });
    await story.handledId(lifted.id, '/feelers unblock');
    await story.world.say(story.jane, story.thread(inTz), 'Jane again: try Robin.');
    story.clock.advance(10 * 60_000);
    expect(await story.engine.digestTick()).toEqual({ digests: 1 });
  });
});
