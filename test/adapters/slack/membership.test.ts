import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackWorld } from '../../support/slack.js';

/**
 * Single-token Slack (SLACK_BOT_TOKEN): an app that is not distributed is installed only by its
 * own workspace's admins (or org-wide by its Enterprise Grid org's), so every workspace that
 * reaches it belongs without ceremony. OAuth is where unknown workspaces wait
 * (test/app/membership-slack-oauth.test.ts).
 */
describe('slack single token: membership', () => {
  let s: SlackWorld;
  beforeEach(async () => {
    s = await new SlackWorld().start();
  });
  afterEach(async () => s.close());

  it('admits its own workspace', async () => {
    expect(s.adapter.admission()).toEqual({ every: true });
    await s.slash('UTESS', 'CANY', '/feelers', 'connect');
    expect(s.lastEphemeral('UTESS')).toContain('Connected');
  });

  it('an operator can still refuse a workspace it admits: its events are then ignored', async () => {
    await s.slash('UTESS', 'CANY', '/feelers', 'help');
    expect(await s.engine.operator.memberships()).toEqual([]);
    // A refusal is kept on the community's record (the console's list holds those met outside the list).
    await s.engine.ctx.repo.communities.save({
      network: 'slack',
      community: 'T1',
      name: 'TrainingZone',
      state: 'pending',
      since: 0,
      waiting: [],
    });
    expect(await s.engine.operator.decideCommunity('slack', 'T1', 'refused', { operator: 'olga' })).toBe('refused');
    await s.slash('UTESS', 'CANY', '/feelers', 'connect');
    expect(s.lastEphemeral('UTESS')).toContain('not part of this feelers network');
    expect(await s.engine.ctx.repo.allGrounds()).toEqual([]);
  });
});
