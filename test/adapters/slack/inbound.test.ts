import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackStack, type SlackStack } from '../../fakes/slack/stack.js';

const users = [
  { id: 'U1', name: 'jane', realName: 'Jane Doe', displayName: 'jane.d', isAdmin: true },
  { id: 'U2', name: 'sam', realName: 'Sam Roe' },
];

describe("slack adapter: answers within Slack's 3 s, after the work when it can", () => {
  it('answers a command while the sink is still busy, saying it is working on it', async () => {
    let release = (): void => {};
    const busy = new Promise<void>((r) => {
      release = r;
    });
    const s = await startSlackStack({ fake: { users }, sink: () => busy });
    try {
      const res = await s.driver.command({ command: '/feelers', text: 'connect rust', user: 'U1', channel: 'C1' });
      expect(res.status).toBe(200);
      expect(String((res.json as { text?: unknown } | undefined)?.text)).toMatch(/working on it/i);
      const [e] = await s.waitForEvents(1);
      expect(e).toMatchObject({ kind: 'command', name: 'feelers', text: 'connect rust' });
    } finally {
      release();
      await s.close();
    }
  });

  it('answers 500 when the core says another instance is still on the event, so Slack retries it', async () => {
    let outcome: 'retry' | 'done' = 'retry';
    const s = await startSlackStack({ fake: { users }, sink: async () => outcome });
    try {
      const event = {
        type: 'message',
        channel: 'C1',
        user: 'U2',
        text: 'an answer',
        ts: '1700000000.000200',
        thread_ts: '1700000000.000100',
      };
      const first = await s.driver.event(event, { eventId: 'Ev-retry-1' });
      expect(first.status).toBe(500);
      outcome = 'done';
      const again = await s.driver.event(event, { eventId: 'Ev-retry-1', retryNum: 1 });
      expect(again.status).toBe(200);
      expect(s.events.map((e) => e.id)).toHaveLength(2);
      expect(new Set(s.events.map((e) => e.id)).size).toBe(1);
    } finally {
      await s.close();
    }
  });
});

describe('slack adapter: inbound over real Bolt and signed requests', () => {
  let s: SlackStack;
  beforeEach(async () => {
    s = await startSlackStack({ fake: { users } });
  });
  afterEach(() => s.close());

  it('turns a signed /ask into a command event, handled before Slack gets its 200', async () => {
    const res = await s.driver.command({ command: '/ask', text: ' who knows Rust? ', user: 'U2', channel: 'C1' });
    expect(res.status).toBe(200);
    // Handled in time: nothing to say in the command's own answer (the core answers privately).
    expect(res.json).toBeUndefined();
    // The sink had the event before the answer went back.
    expect(s.events).toHaveLength(1);
    const [e] = await s.waitForEvents(1);
    expect(e).toMatchObject({
      kind: 'command',
      name: 'ask',
      text: 'who knows Rust?',
      place: { network: 'slack', community: 'T1', channel: 'C1' },
      actor: { user: 'U2', name: 'Sam Roe', isBot: false, isSelf: false, rights: { admin: false } },
      communityName: 'Acme',
    });
    expect(e?.id).toMatch(/^slack:T1:/);
  });

  it('marks a command run in a DM direct, and one in a channel not', async () => {
    await s.driver.command({ command: '/feelers', text: 'connect rust', user: 'U1', channel: 'C1' });
    await s.driver.command({ command: '/feelers', text: 'connect rust', user: 'U1', channel: 'DU1' });
    await s.driver.command({ command: '/feelers', text: 'connect go', user: 'U1', channel: 'G1', channelName: 'directmessage' });
    const events = await s.waitForEvents(3);
    // Each is acked before its look-up, so they may reach the sink in any order.
    const seen = events.map((e) => (e.kind === 'command' ? [e.place.channel, e.direct] : [])).sort();
    expect(seen).toEqual([
      ['C1', false],
      ['DU1', true],
      ['G1', true],
    ]);
  });

  it('answers forged, wrong-secret, stale, tampered and unsigned requests with 401 and no side effect', async () => {
    const cmd = { command: '/ask', text: 'x', user: 'U1', channel: 'C1' };
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const statuses = [
      (await s.driver.command(cmd, { secret: 'not-the-secret' })).status,
      (await s.driver.command(cmd, { timestampSec: stale })).status,
      (await s.driver.command(cmd, { tamper: true })).status,
      (await s.driver.command(cmd, { unsigned: true })).status,
      (await s.driver.event({ type: 'app_mention', channel: 'C1', user: 'U1', text: '<@UBOT> hi', ts: '1.1' }, { secret: 'x' })).status,
    ];
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    // A signed request afterwards still works, and is the only thing the sink ever saw.
    await s.driver.command(cmd);
    await s.waitForEvents(1);
    expect(s.events).toHaveLength(1);
    expect(s.fake.callsTo('users.info')).toHaveLength(1);
  });

  it('gives an event and its X-Slack-Retry-Num retries the same id', async () => {
    const event = { type: 'message', channel: 'C1', channel_type: 'channel', user: 'U2', text: 'hello', ts: '1700.000100' };
    await s.driver.event(event, { eventId: 'Ev1' });
    await s.driver.event(event, { eventId: 'Ev1', retryNum: 1 });
    await s.driver.event(event, { eventId: 'Ev1', retryNum: 2 });
    const events = await s.waitForEvents(3);
    expect(new Set(events.map((e) => e.id))).toEqual(new Set(['slack:T1:C1:1700.000100']));
  });

  it('maps app_mention and its message twin to one id, with the bot mention removed', async () => {
    const ev = { channel: 'C1', channel_type: 'channel', user: 'U2', text: '<@UBOT> who knows &lt;Rust&gt;?', ts: '1700.000200' };
    await s.driver.event({ type: 'app_mention', ...ev });
    await s.driver.event({ type: 'message', ...ev });
    const [a, b] = await s.waitForEvents(2);
    expect(a).toMatchObject({ kind: 'message', mentionsBot: true, direct: false, text: 'who knows <Rust>?' });
    expect(b?.id).toBe(a?.id);
    expect(b).toMatchObject({ mentionsBot: true });
  });

  it("tells whether a thread reply's parent is the bot's (parent_user_id), and says nothing when Slack does not", async () => {
    const reply = (n: number, parent?: string) =>
      s.driver.event({
        type: 'message',
        channel: 'C1',
        user: 'U2',
        text: `reply ${n}`,
        ts: `5.00000${n}`,
        thread_ts: '4.000001',
        ...(parent ? { parent_user_id: parent } : {}),
      });
    await reply(1, s.fake.botUserId);
    await reply(2, 'U3');
    await reply(3);
    const byText = (t: string) => s.events.find((e) => e.kind === 'message' && e.text === t);
    expect(byText('reply 1')).toMatchObject({ threadByBot: true });
    expect(byText('reply 2')).toMatchObject({ threadByBot: false });
    expect(byText('reply 3')).not.toHaveProperty('threadByBot', expect.anything());
  });

  it('maps DMs, thread replies, edits and deletions', async () => {
    await s.driver.event({ type: 'message', channel: 'D9', channel_type: 'im', user: 'U2', text: 'psst', ts: '1.000001' });
    await s.driver.event({
      type: 'message',
      channel: 'C1',
      channel_type: 'channel',
      user: 'U2',
      text: 'try tokio',
      ts: '2.000001',
      thread_ts: '1.500000',
    });
    await s.driver.event({
      type: 'message',
      subtype: 'message_changed',
      channel: 'C1',
      message: { user: 'U2', text: 'try async-std', ts: '2.000001', thread_ts: '1.500000', edited: { ts: '3.0' } },
      previous_message: { user: 'U2', text: 'try tokio', ts: '2.000001', thread_ts: '1.500000' },
      event_ts: '3.0',
    });
    await s.driver.event({
      type: 'message',
      subtype: 'message_deleted',
      channel: 'C1',
      deleted_ts: '2.000001',
      previous_message: { user: 'U2', text: 'try async-std', ts: '2.000001', thread_ts: '1.500000' },
    });
    const [dm, reply, edited, deleted] = await s.waitForEvents(4);
    expect(dm).toMatchObject({ kind: 'message', direct: true, place: { channel: 'D9' }, text: 'psst' });
    expect(reply).toMatchObject({ kind: 'message', direct: false, messageId: '2.000001', place: { channel: 'C1', thread: '1.500000' } });
    expect(edited).toMatchObject({ kind: 'edited', messageId: '2.000001', text: 'try async-std', place: { thread: '1.500000' } });
    expect(deleted).toMatchObject({ kind: 'deleted', messageId: '2.000001', actor: { user: 'U2' } });
  });

  it('marks its own posts isSelf and other bots isBot', async () => {
    await s.driver.event({ type: 'message', channel: 'C1', user: 'UBOT', bot_id: 'BBOT', text: 'copy', ts: '5.1' });
    await s.driver.event({ type: 'message', subtype: 'bot_message', channel: 'C1', bot_id: 'BX', text: 'other', ts: '5.2' });
    const [own, other] = await s.waitForEvents(2);
    expect(own?.actor).toMatchObject({ isSelf: true, isBot: true });
    expect(other?.actor).toMatchObject({ isSelf: false, isBot: true });
  });

  it('turns a button press into an action event with the actor and their rights', async () => {
    await s.driver.blockAction({ user: 'U1', channel: 'C1', messageTs: '9.1', actionId: 'fol-123' });
    const [e] = await s.waitForEvents(1);
    expect(e).toMatchObject({
      kind: 'action',
      actionId: 'fol-123',
      place: { channel: 'C1' },
      actor: { user: 'U1', name: 'jane.d', handle: 'jane', rights: { admin: true, manageChannel: true } },
    });
    expect(e && 'form' in e ? e.form : undefined).toBeUndefined();
  });

  it('caches users.info: two events by one person cost one look-up', async () => {
    await s.driver.blockAction({ user: 'U1', channel: 'C1', messageTs: '9.1', actionId: 'a' });
    await s.driver.blockAction({ user: 'U1', channel: 'C1', messageTs: '9.1', actionId: 'b' });
    await s.waitForEvents(2);
    expect(s.fake.callsTo('users.info')).toHaveLength(1);
  });
});
