import { afterEach, describe, expect, it } from 'vitest';
import { button, buttonsIn, shownText, SlackWorld } from '../../support/slack.js';

const CANY = 'CANY';
const DM_JANE = 'DUJANE';

/**
 * Search before asking on Slack, through the real adapter and Bolt: a question answered earlier in
 * L&D Guild (the memory network) is shown to Jane in her Slack DM before her /ask goes out, and
 * her press of That answers it arrives as a signed block_actions.
 */
describe('slack: search before asking', () => {
  let s: SlackWorld;
  afterEach(async () => s?.close());

  it('DMs the earlier answer with two buttons, says so ephemerally, and That answers it sends nothing', async () => {
    s = await new SlackWorld().start();
    await s.slash('UTESS', CANY, '/feelers', 'connect');
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'connect');
    // Karyn asks in L&D Guild; Tess answers in the copy's Slack thread; Karyn closes.
    await s.world.command(s.karyn, s.askAround, 'ask', 'How do you run exit interviews that people are honest in? #hr');
    await s.settle();
    const card = s.last(s.askAround);
    const copyTs = s.botMessages(CANY)[0]!.ts;
    await s.say('UTESS', CANY, 'Have someone outside the line run them <!channel>.', copyTs);
    await s.world.press(s.karyn, card.id, 'Close');
    await s.settle();
    await s.engine.ctx.search.warm();
    const postsInChannel = s.posts(CANY).length;

    await s.slash('UJANE', CANY, '/ask', 'Any tips for honest exit interviews? #hr');
    expect(s.lastEphemeral('UJANE')).toContain('a similar one was answered earlier');
    await s.settle();
    expect(s.posts(CANY)).toHaveLength(postsInChannel);
    const prompt = s.posts(DM_JANE).at(-1)!;
    expect(shownText(prompt.args)).toContain('A similar question was answered today in L&amp;D Guild');
    // The reply's <!channel> came in as text and goes out as text: it pings nobody.
    expect(shownText(prompt.args)).toContain('outside the line run them @channel');
    expect(JSON.stringify(prompt.args)).not.toContain('<!channel>');
    expect(buttonsIn(prompt.args.blocks).map((b) => b.label)).toEqual(['Ask anyway', 'That answers it']);

    const answered = button(prompt.args.blocks, 'That answers it');
    const promptTs = s.botMessages(DM_JANE).at(-1)!.ts;
    await s.press('UJANE', DM_JANE, promptTs, answered);
    await s.settle();
    expect(s.lastEphemeral('UJANE')).toContain('your question was not sent');
    expect(await s.engine.ctx.repo.openAskIds()).toEqual([]);
    expect(s.posts(CANY)).toHaveLength(postsInChannel);
  });
});
