import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackDriver } from '../../fakes/slack/signed-driver.js';
import { SIGNING_SECRET, SlackWorld } from '../../support/slack.js';

/**
 * Single-token Slack (SLACK_BOT_TOKEN): the token was installed by the workspace's own admins,
 * so that workspace (auth.test's team) belongs without ceremony, and no other does by itself.
 */
describe('slack single token: membership', () => {
  let s: SlackWorld;
  beforeEach(async () => {
    s = await new SlackWorld().start();
  });
  afterEach(async () => s.close());

  it('admits its own workspace: the team auth.test named', async () => {
    expect(s.adapter.admission()).toEqual({ every: false, communities: ['T1'] });
    await s.slash('UTESS', 'CANY', '/feelers', 'connect');
    expect(s.lastEphemeral('UTESS')).toContain('Connected');
  });

  it('an event from any other workspace is refused and changes nothing', async () => {
    const other = new SlackDriver({ url: s.url, signingSecret: SIGNING_SECRET, teamId: 'T9' });
    await s.through(() => other.command({ command: '/feelers', text: 'connect', user: 'UTESS', channel: 'CANY' }));
    expect(s.lastEphemeral('UTESS')).toContain('not part of this feelers network');
    expect(await s.engine.ctx.repo.allGrounds()).toEqual([]);
    expect((await s.engine.operator.memberships()).map((m) => m.community)).toEqual(['T9']);
  });
});
