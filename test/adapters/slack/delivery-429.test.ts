import { afterEach, describe, expect, it } from 'vitest';
import { engineSettings } from '../../../src/core/settings.js';
import { SlackWorld } from '../../support/slack.js';

const CHANNELS = Array.from({ length: 20 }, (_, i) => `CG${String(i + 1).padStart(2, '0')}`);

/**
 * Slack answers 429 with Retry-After when an app posts too fast; the outbox must wait it out
 * and resend, and a refused post must neither be lost nor be posted twice.
 */
describe('slack: fan-out to 20 channels through 429s', () => {
  let s: SlackWorld;
  afterEach(async () => s?.close());

  it('ends with exactly one copy in every channel', async () => {
    s = await new SlackWorld({
      store: 'sqlite',
      settings: engineSettings({ grounds: CHANNELS.map((channel) => ({ network: 'slack', community: 'T1', channel, topics: [] })) }),
      // Slack's own limits on top of the injected 429s: 1/s per channel, 300/min per workspace.
      fake: { rateLimits: true },
    }).start();
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'connect');

    // The next 12 chat.postMessage calls are refused, whatever the pacing.
    s.fake.inject('chat.postMessage', { status: 429, retryAfterSec: 1 }, 12);
    await s.world.command(s.karyn, s.askAround, 'ask', 'Who has run a mentoring scheme across two companies?');
    await s.drain();

    const calls = s.fake.callsTo('chat.postMessage');
    const refused = calls.length - CHANNELS.length;
    expect(refused).toBeGreaterThanOrEqual(12);
    for (const channel of CHANNELS) {
      const stored = s.fake.messagesIn(channel).filter((m) => m.user === s.fake.botUserId && !m.thread_ts);
      expect(
        stored.map((m) => m.text.includes('Karyn in L&amp;D Guild asks')),
        channel,
      ).toEqual([true]);
    }
    // Every copy is known to the engine with the ts Slack gave it, so its thread replies count.
    const [askId] = await s.openAsks();
    const copyIds = await s.store.setMembers(`copies:${askId!}`);
    const refs = await Promise.all(copyIds.map(async (id) => (await s.engine.ctx.repo.copy(id))?.ref));
    const byChannel = new Map(refs.flatMap((r) => (r ? [[r.channel, r.id] as const] : [])));
    expect([...byChannel.keys()].sort()).toEqual(CHANNELS);
    for (const channel of CHANNELS) expect(s.fake.message(channel, byChannel.get(channel)!)).toBeDefined();
  });
});
