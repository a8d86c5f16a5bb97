import { afterEach, describe, expect, it } from 'vitest';
import { sets } from '../../../src/core/keys.js';
import { button, SlackWorld } from '../../support/slack.js';

const CANY = 'CANY';
const QUESTION = 'Which organisations have a successful culture of collaborative learning? #learning';

/**
 * Retract everywhere through the real Slack adapter (Bolt) and the fake Slack: a copy posted in
 * a Slack channel is deleted with chat.delete; a Slack user who is not the asker presses Retract
 * and only gets an ephemeral line.
 */
describe('retract everywhere on Slack', () => {
  let s: SlackWorld;
  afterEach(async () => s?.close());

  async function connected(): Promise<SlackWorld> {
    s = await new SlackWorld({ store: 'memory' }).start();
    await s.slash('UTESS', CANY, '/feelers', 'connect');
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'connect');
    return s;
  }

  it('deletes the copy in the Slack channel when the asker on the other network retracts', async () => {
    await connected();
    await s.world.command(s.harold, s.askAround, 'ask', QUESTION);
    await s.settle();
    const [copy] = s.botMessages(CANY);
    expect(copy?.text).toContain('collaborative learning');

    const card = s.last(s.askAround);
    await s.world.press(s.harold, card.id, 'Retract');
    await s.settle();
    const confirm = s.lastDm(s.harold);
    await s.world.press(s.harold, confirm.id, 'Retract everywhere');
    await s.settle();

    expect(s.fake.callsTo('chat.delete').map((c) => [c.args.channel, c.args.ts])).toEqual([[CANY, copy!.ts]]);
    expect(s.botMessages(CANY)).toEqual([]);
    expect(await s.store.setSize(sets.outbox)).toBe(0);
  });

  it("refuses a Slack member's press of someone else's Retract with an ephemeral line, and changes nothing", async () => {
    await connected();
    await s.slash('UJANE', CANY, '/ask', QUESTION);
    await s.settle();
    const [card] = s.botMessages(CANY);
    const retract = button(card!.blocks, 'Retract');
    const postsBefore = s.posts().length;
    await s.press('USAM', CANY, card!.ts, retract);
    await s.settle();
    expect(s.lastEphemeral('USAM')).toContain('Only the asker');
    expect(s.posts()).toHaveLength(postsBefore);
    expect(s.fake.callsTo('chat.delete')).toEqual([]);
    expect(s.last(s.askAround).deleted).toBe(false);
  });
});

/**
 * Blocks with a Slack workspace on the other side: L&D Guild (memory) blocks Jane, who asks and
 * answers from Slack; her asks reach no channel of L&D Guild and her replies none of its questions.
 */
describe('blocks with Slack', () => {
  let s: SlackWorld;
  afterEach(async () => s?.close());

  it("keeps a blocked Slack member's asks and replies out of the blocking community", async () => {
    s = await new SlackWorld({ store: 'sqlite' }).start();
    await s.slash('UTESS', CANY, '/feelers', 'connect');
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'connect');
    await s.slash('UJANE', CANY, '/ask', QUESTION);
    await s.settle();
    const copy = s.last(s.askAround);
    expect(copy.text).toContain('Jane in TrainingZone asks:');

    // Gita removes Jane's copy and blocks Jane from the private message that follows.
    await s.world.press(s.guildAdmin, copy.id, 'Remove');
    await s.settle();
    await s.world.press(s.guildAdmin, s.lastDm(s.guildAdmin).id, 'Block Jane');
    expect(s.world.message(copy.id)?.deleted).toBe(true);

    await s.slash('UJANE', CANY, '/ask', 'Second try: who runs mentoring well? #learning');
    await s.settle();
    expect(s.botPosts(s.askAround).filter((m) => m.text.includes('Second try'))).toEqual([]);

    // Harold asks; Jane and Sam answer in the copy's Slack thread: only Sam's answer reaches him.
    await s.world.command(s.harold, s.askAround, 'ask', 'Who knows a good facilitator?');
    await s.settle();
    const harolds = s.last(s.askAround);
    const inSlack = s.botMessages(CANY).find((m) => String(m.text).includes('good facilitator'))!;
    await s.say('UJANE', CANY, 'Jane says: try Alex.', inSlack.ts);
    await s.say('USAM', CANY, 'Sam says: try Robin.', inSlack.ts);
    await s.engine.digestTick();
    await s.settle();
    const digest = s
      .botPosts(s.thread(harolds))
      .map((m) => m.text)
      .join('\n');
    expect(digest).toContain('try Robin');
    expect(digest).not.toContain('try Alex');
  });
});
