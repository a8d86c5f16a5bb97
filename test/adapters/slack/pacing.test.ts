import { afterEach, describe, expect, it } from 'vitest';
import { engineSettings } from '../../../src/core/settings.js';
import { SlackWorld } from '../../support/slack.js';

const ORIGIN = 'CANY';
const GROUNDS = Array.from({ length: 8 }, (_, i) => `CG${String(i + 1).padStart(2, '0')}`);
/** How long the path to Slack hangs at the ask's first post: long enough for a 5-post burst to pile up behind it, even on a busy machine. */
const STALL_MS = 600;

/**
 * Slack counts a workspace's posts as they arrive (300 a minute, bursts of about 5). An ask made
 * in Slack posts its card in the asker's workspace, then the copies, all from one budget. When
 * the path hangs just as the card goes out (here a relay holds every request for 600 ms), the
 * card and the first copies reach Slack together, late; pacing counted from when each send
 * started would then let the next copy through too soon, and Slack would answer 429.
 */
describe('slack: pacing by arrival, whatever the delay on the way', () => {
  let s: SlackWorld;
  afterEach(async () => s?.close());

  it('an ask card and its copies in one workspace, through a stalled link: no 429, one copy each', async () => {
    s = await new SlackWorld({
      store: 'sqlite',
      slowLink: true,
      settings: engineSettings({ grounds: GROUNDS.map((channel) => ({ network: 'slack', community: 'T1', channel, topics: [] })) }),
      fake: { rateLimits: true },
    }).start();
    s.link?.stallNext(STALL_MS, '/api/chat.postMessage');
    await s.slash('UJANE', ORIGIN, '/ask', 'Who has run learning circles across companies?');
    await s.drain();

    const posts = s.fake.callsTo('chat.postMessage');
    expect(posts.filter((c) => c.rateLimited).map((c) => c.args.channel)).toEqual([]);
    expect(posts.map((c) => c.args.channel)).toHaveLength(1 + GROUNDS.length);
    // The stall did happen: the card and the first copies (a whole burst) were held and reached Slack together.
    expect(s.link?.held).toBeGreaterThanOrEqual(5);
    expect(posts[0]?.args.channel).toBe(ORIGIN);
    for (const channel of GROUNDS) expect(s.botMessages(channel), channel).toHaveLength(1);
  });
});
