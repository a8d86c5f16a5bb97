import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { button, shownText, SlackWorld } from '../../support/slack.js';

/**
 * The audience preview on Slack (issue 12): Jane (TrainingZone, the real Bolt adapter against
 * the fake Slack) previews her question; its card is a DM with Send / Edit / Cancel as Block Kit
 * buttons, and Send sends exactly the copies it counted to L&D Guild (memory network).
 */
describe('slack audience preview', () => {
  let s: SlackWorld;
  beforeEach(async () => {
    s = await new SlackWorld().start();
  });
  afterEach(async () => s.close());

  it('counts the audience in a DM, and Send delivers exactly that', async () => {
    await s.slash('UTESS', 'CANY', '/feelers', 'connect');
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'connect');
    await s.world.command(s.karyn, s.askAround, 'feelers', 'topics onboarding');
    await s.slash('UJANE', 'CANY', '/feelers', 'preview on');
    await s.slash('UJANE', 'CANY', '/ask', 'How do you onboard remote hires? #onboarding');
    await s.drain();
    expect(s.botPosts(s.askAround)).toEqual([]);
    const previewCall = s.posts().find((c) => shownText(c.args).includes('Before your question goes out'));
    expect(previewCall).toBeDefined();
    const args = previewCall!.args;
    expect(shownText(args)).toContain('This will reach 1 channel in 1 community and 1 person who knows #onboarding.');
    const send = button(args.blocks, 'Send');
    expect(button(args.blocks, 'Edit')).toBeDefined();
    expect(button(args.blocks, 'Cancel')).toBeDefined();
    const dm = String(args.channel);
    const ts = s.fake.messagesIn(dm).at(-1)?.ts ?? '';
    await s.through(() => s.driver.blockAction({ user: 'UJANE', channel: dm, messageTs: ts, actionId: send.action_id, value: send.value }));
    await s.drain();
    expect(s.lastEphemeral('UJANE')).toContain('Sent: it goes to 1 channel in 1 community and 1 person');
    expect(s.botPosts(s.askAround).filter((m) => m.text.includes('How do you onboard'))).toHaveLength(1);
    expect(s.world.dmsTo(s.karyn).filter((m) => m.text.includes('How do you onboard'))).toHaveLength(1);
    expect(s.posts('CANY').some((c) => shownText(c.args).includes('a copy went to 1 channel in 1 community (L&amp;D Guild)'))).toBe(true);
  });
});
