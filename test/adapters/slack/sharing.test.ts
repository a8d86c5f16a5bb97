import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackWorld } from '../../support/slack.js';

/**
 * Sharing policies on Slack (issue 12): TrainingZone on the real Bolt adapter against the fake
 * Slack, L&D Guild on the memory network. /feelers share is a signed slash command.
 */
describe('slack sharing', () => {
  let s: SlackWorld;
  beforeEach(async () => {
    s = await new SlackWorld().start();
  });
  afterEach(async () => s.close());

  it('send only and names hidden, set by an admin, change who receives and what they read', async () => {
    await s.slash('UTESS', 'CANY', '/feelers', 'connect');
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'connect');
    await s.slash('UJANE', 'CANY', '/ask', 'First: any good mentoring schemes?');
    await s.drain();
    expect(s.botPosts(s.askAround).some((m) => m.text.includes('Jane in TrainingZone asks:'))).toBe(true);

    await s.slash('UJANE', 'CANY', '/feelers', 'share names hidden');
    expect(s.lastEphemeral('UJANE')).toContain('Only admins of this community can change what it shares');
    await s.slash('UTESS', 'CANY', '/feelers', 'share names hidden');
    expect(s.lastEphemeral('UTESS')).toContain('Saved.');
    await s.slash('UJANE', 'CANY', '/ask', 'Second: any good mentoring schemes?');
    await s.drain();
    const second = s.botPosts(s.askAround).find((m) => m.text.includes('Second:'));
    expect(second?.text).toContain('Someone in TrainingZone asks:');
    expect(second?.text).not.toContain('Jane');

    // L&D Guild takes copies only from a community TrainingZone is not: the next ask stays home.
    s.world.addCommunity('south', { id: 'G9', name: 'Makers' });
    s.world.addChannel('south', 'G9', { id: 'C-makers', name: 'makers' });
    const mo = s.world.addMember('south', 'G9', { id: 'U-mo', name: 'Mo', admin: true });
    await s.world.command(mo, { network: 'south', community: 'G9', channel: 'C-makers' }, 'feelers', 'connect');
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'share receive only Makers');
    await s.slash('UJANE', 'CANY', '/ask', 'Third: any good mentoring schemes?');
    await s.drain();
    expect(s.botPosts(s.askAround).some((m) => m.text.includes('Third:'))).toBe(false);
    expect(s.botPosts({ network: 'south', community: 'G9', channel: 'C-makers' }).some((m) => m.text.includes('Third:'))).toBe(true);
  });
});
