import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../../src/ports/events.js';
import { startSlackStack, type SlackStack } from '../../fakes/slack/stack.js';

const users = [
  { id: 'U1', name: 'jane', realName: 'Jane Doe', isAdmin: true },
  { id: 'U2', name: 'sam', realName: 'Sam Roe' },
];

/** Slack's slash command payload over Socket Mode: the form fields, as JSON. */
function command(text: string, channel: string, channelName: string, user = 'U2'): Record<string, string> {
  return {
    token: 'legacy',
    team_id: 'T1',
    team_domain: 'acme',
    channel_id: channel,
    channel_name: channelName,
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/feelers',
    text,
    api_app_id: 'A1',
    response_url: 'http://127.0.0.1:9/commands/response',
    trigger_id: `trig-${text}`,
  };
}

function press(actionId: string): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: 'U1', username: 'jane', team_id: 'T1' },
    api_app_id: 'A1',
    container: { type: 'message', message_ts: '9.1', channel_id: 'C1', is_ephemeral: false },
    trigger_id: `trig-${actionId}`,
    team: { id: 'T1', domain: 'acme' },
    channel: { id: 'C1', name: 'general' },
    message: { type: 'message', ts: '9.1', text: '', user: 'UBOT' },
    actions: [{ type: 'button', action_id: actionId, block_id: 'b1', value: actionId, action_ts: '9.2' }],
  };
}

function said(s: SlackStack, text: string, ts: string): Record<string, unknown> {
  return s.driver.envelope({ type: 'message', channel: 'C1', channel_type: 'channel', user: 'U2', text, ts });
}

const ids = (events: readonly ChatEvent[]): Set<string> => new Set(events.map((e) => e.id));

describe('slack adapter over Socket Mode (real Bolt, fake Slack WebSocket on 127.0.0.1)', () => {
  let s: SlackStack;
  beforeEach(async () => {
    s = await startSlackStack({
      fake: { users },
      adapter: { signingSecret: undefined, appToken: 'xapp-fake-token', socketPingTimeoutMs: 600 },
    });
  });
  afterEach(() => s.close());

  it('connects with the app token and serves no HTTP route of its own', async () => {
    expect(s.fake.callsTo('apps.connections.open')[0]?.token).toBe('xapp-fake-token');
    expect(s.fake.socket.connections).toBe(1);
    expect(s.adapter.routes()).toEqual([]);
    expect(s.adapter.health().connected).toBe(true);
  });

  it('events, slash commands and button presses reach the sink, and every envelope is acked', async () => {
    const sent = [
      s.fake.socket.send('events_api', said(s, 'who knows rust?', '1700.000001')),
      s.fake.socket.send('slash_commands', command('connect rust', 'C1', 'general')),
      s.fake.socket.send('slash_commands', command('connect rust', 'DU2', 'directmessage')),
      s.fake.socket.send('interactive', press('fol-1')),
    ];
    const events = await s.waitForEvents(4);
    await s.fake.socket.waitFor(() => s.fake.socket.unacked().length === 0, 'acks');
    expect(sent.every((id) => s.fake.socket.acks.has(id))).toBe(true);

    const byKind = (k: ChatEvent['kind']): ChatEvent[] => events.filter((e) => e.kind === k);
    expect(byKind('message')[0]).toMatchObject({ text: 'who knows rust?', place: { community: 'T1', channel: 'C1' } });
    const [inChannel, inDm] = byKind('command');
    expect(inChannel).toMatchObject({ name: 'feelers', text: 'connect rust', direct: false, place: { channel: 'C1' } });
    expect(inDm).toMatchObject({ name: 'feelers', direct: true, place: { channel: 'DU2' } });
    expect(byKind('action')[0]).toMatchObject({ actionId: 'fol-1', actor: { user: 'U1', rights: { admin: true } } });
    // Each command was handled before its ack; the ack carries no "working on it".
    expect(s.fake.socket.acks.get(sent[1] ?? '')).toEqual({});
  });

  it('reconnects when Slack asks (refresh_requested, link_disabled) and keeps receiving', async () => {
    for (const [i, reason] of (['refresh_requested', 'link_disabled'] as const).entries()) {
      s.fake.socket.requestDisconnect(reason);
      await s.fake.socket.waitFor(() => s.fake.socket.connections === i + 2, `reconnect after ${reason}`);
      s.fake.socket.send('events_api', said(s, `after ${reason}`, `1700.00001${i}`));
      await s.waitForEvents(i + 1);
    }
    expect(s.fake.callsTo('apps.connections.open')).toHaveLength(3);
    expect(s.events.map((e) => (e.kind === 'message' ? e.text : ''))).toEqual(['after refresh_requested', 'after link_disabled']);
  });

  it('a dropped socket reconnects, unacked envelopes come again, and every event arrives', async () => {
    const before = [1, 2, 3].map((n) => s.fake.socket.send('events_api', said(s, `m${n}`, `1700.00010${n}`)));
    await s.fake.socket.waitFor(() => before.every((id) => s.fake.socket.acks.has(id)), 'first acks');
    // Cut mid-stream: this envelope cannot be acked on the dead socket; two more queue meanwhile.
    const cut = s.fake.socket.sendThenDrop('events_api', said(s, 'm4', '1700.000104'));
    const during = [5, 6].map((n) => s.fake.socket.send('events_api', said(s, `m${n}`, `1700.00010${n}`)));
    await s.fake.socket.waitFor(() => s.fake.socket.unacked().length === 0, 'every envelope acked after the reconnect', 15_000);

    expect(s.fake.socket.connections).toBe(2);
    expect([...before, cut, ...during].every((id) => s.fake.socket.acks.has(id))).toBe(true);
    const resent = s.fake.socket.sent.filter((e) => e.envelope_id === cut);
    expect(resent.length).toBe(2);
    expect(resent[1]?.retry_attempt).toBe(1);

    await s.waitForEvents(6);
    const want = [1, 2, 3, 4, 5, 6].map((n) => `slack:T1:C1:1700.00010${n}`);
    expect(ids(s.events)).toEqual(new Set(want));
  });
});
