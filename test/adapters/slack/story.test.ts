import { afterEach, describe, expect, it } from 'vitest';
import { button, buttonsIn, shownText, SlackWorld } from '../../support/slack.js';
import { until } from '../../support/wait.js';

const QUESTION = 'Which organisations have a successful culture of collaborative learning? #learning';
const CANY = 'CANY';

/**
 * The story with TrainingZone on a (fake) Slack workspace behind the real adapter and
 * Bolt, and L&D Guild on the memory network: every Slack input is a signed HTTP request.
 */
describe.each(['memory', 'sqlite'] as const)('slack end to end with the engine (%s store)', (store) => {
  let s: SlackWorld;
  afterEach(async () => s?.close());

  it('asks from Slack, collects on the memory side, digests into the Slack thread, and introduces', async () => {
    s = await new SlackWorld({ store }).start();

    // An admin connects the Slack channel (users.info says is_admin).
    await s.slash('UTESS', CANY, '/feelers', 'connect');
    expect(s.lastEphemeral('UTESS')).toContain('Connected');
    expect(await s.engine.ctx.repo.ground({ network: 'slack', community: 'T1', channel: CANY })).toMatchObject({
      communityName: 'TrainingZone',
      topics: [],
      source: 'chat',
    });
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'connect');
    await s.world.command(s.harold, s.askAround, 'feelers', 'contact harold@guild.example');
    await s.slash('UJANE', CANY, '/feelers', 'contact jane@tz.example');

    await s.slash('UJANE', CANY, '/ask', QUESTION);
    await s.settle();

    // The ask card: a chat.postMessage in the channel, Block Kit with Follow and Close.
    const cardCalls = s.posts(CANY).filter((c) => c.args.thread_ts === undefined);
    expect(cardCalls).toHaveLength(1);
    const card = cardCalls[0]!;
    expect(shownText(card.args)).toContain('collaborative learning');
    expect(buttonsIn(card.args.blocks).map((b) => b.label)).toEqual(['Follow', 'Close', 'Retract']);
    const cardTs = s.botMessages(CANY)[0]!.ts;

    // The copy reached the memory network, attributed to the Slack workspace.
    const copy = s.last(s.askAround);
    expect(copy.text).toContain('Jane in TrainingZone asks:');
    await s.world.say(s.harold, s.thread(copy), 'Ask me about communities of practice.');

    expect(await s.engine.digestTick()).toEqual({ digests: 1 });
    await s.settle();
    const digests = s.posts(CANY).filter((c) => c.args.thread_ts === cardTs);
    expect(digests).toHaveLength(1);
    const digest = digests[0]!;
    expect(shownText(digest.args)).toContain('communities of practice');
    expect(shownText(digest.args)).toContain('Harold (L&amp;D Guild)');
    const digestTs = s.botMessages(CANY, cardTs)[0]!.ts;

    // Jane presses Request intro on the digest: a signed block_actions with the button's action_id.
    const request = button(digest.args.blocks, 'Request intro');
    await s.press('UJANE', CANY, digestTs, request, cardTs);
    await s.settle();
    const ask = s.lastDm(s.harold);
    expect(ask.text).toContain('Jane');
    // Before Harold consents, neither contact went anywhere.
    const everywhere = () => [...s.world.everything(), ...s.fake.calls.map((c) => JSON.stringify(c.args))].join('\n');
    expect(everywhere()).not.toContain('harold@guild.example');
    expect(everywhere()).not.toContain('jane@tz.example');

    await s.world.press(s.harold, ask.id, 'Share my contact');
    await s.settle();

    // Jane's contact DM: conversations.open for her, then chat.postMessage into that DM.
    expect(s.fake.callsTo('conversations.open').map((c) => c.args.users)).toContain('UJANE');
    const toJane = s.posts('DUJANE');
    expect(toJane.length).toBeGreaterThan(0);
    expect(shownText(toJane[toJane.length - 1]!.args)).toContain('harold@guild.example');
    expect(s.lastDm(s.harold).text).toContain('jane@tz.example');
  });

  it('is a ground too: a Slack thread reply and an Answer form are both collected', async () => {
    s = await new SlackWorld({ store }).start();
    await s.slash('UTESS', CANY, '/feelers', 'connect');
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'connect');

    await s.world.command(s.karyn, s.askAround, 'ask', 'Who has run a mentoring scheme across two companies?');
    await s.settle();
    const card = s.last(s.askAround);
    const copies = s.posts(CANY);
    expect(copies).toHaveLength(1);
    const copy = copies[0]!;
    expect(shownText(copy.args)).toContain('Karyn in L&amp;D Guild asks:');
    expect(buttonsIn(copy.args.blocks).map((b) => b.label)).toEqual([
      'I can help',
      'I know someone',
      'Answer',
      'Follow',
      'Report',
      'Remove',
    ]);
    const copyTs = s.botMessages(CANY)[0]!.ts;
    const [askId] = await s.openAsks();

    // A thread reply under the copy (a message event with thread_ts) is collected.
    await s.say('USAM', CANY, 'We paired juniors across two firms for a year.', copyTs);
    expect(await s.replyTexts(askId!)).toEqual(['We paired juniors across two firms for a year.']);

    // Answer opens a modal with the press's trigger_id (no engine round trip: trigger_id lives 3 s).
    const answer = button(copy.args.blocks, 'Answer');
    const triggerId = s.driver.triggerId();
    await s.driver.blockAction({
      user: 'UJANE',
      channel: CANY,
      messageTs: copyTs,
      actionId: answer.action_id,
      value: answer.value,
      triggerId,
    });
    await until(() => s.fake.callsTo('views.open').length === 1, 'views.open');
    const open = s.fake.callsTo('views.open')[0]!;
    expect(open.args.trigger_id).toBe(triggerId);
    const view = open.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(answer.action_id);

    await s.through(() =>
      s.driver.viewSubmission({
        user: 'UJANE',
        callbackId: view.callback_id,
        privateMetadata: view.private_metadata,
        values: { feelers_form: { value: { type: 'plain_text_input', value: 'Try a guild-wide buddy system.' } } },
      }),
    );
    expect((await s.replyTexts(askId!)).sort()).toEqual([
      'Try a guild-wide buddy system.',
      'We paired juniors across two firms for a year.',
    ]);

    // Both reach the asker's thread on the memory network in the next digest.
    expect(await s.engine.digestTick()).toEqual({ digests: 1 });
    await s.settle();
    const digest = s.last(s.thread(card));
    expect(digest.text).toContain('We paired juniors across two firms');
    expect(digest.text).toContain('guild-wide buddy system');
    expect(digest.text).toContain('TrainingZone');
  });
});
