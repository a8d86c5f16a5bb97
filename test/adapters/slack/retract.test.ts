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
    await s.through(() =>
      s.driver.blockAction({ user: 'USAM', channel: CANY, messageTs: card!.ts, actionId: retract.action_id, value: retract.value }),
    );
    await s.settle();
    expect(s.lastEphemeral('USAM')).toContain('Only the asker');
    expect(s.posts()).toHaveLength(postsBefore);
    expect(s.fake.callsTo('chat.delete')).toEqual([]);
    expect(s.last(s.askAround).deleted).toBe(false);
  });
});
