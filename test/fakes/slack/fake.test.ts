import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isValidSlackRequest, webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../support/manual-clock.js';
import { FakeSlack } from './fake-web-api.js';
import { SlackDriver } from './signed-driver.js';

function clientFor(fake: FakeSlack, token = fake.botToken): webApi.WebClient {
  return new webApi.WebClient(token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
}

describe('fake Slack Web API', () => {
  let fake: FakeSlack;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock();
    fake = await FakeSlack.start({
      clock,
      users: [{ id: 'U1', name: 'jane', realName: 'Jane Doe', isAdmin: true }],
    });
  });
  afterEach(() => fake.close());

  it('records calls with parsed form arguments and the bearer token', async () => {
    const client = clientFor(fake);
    await client.chat.postMessage({
      channel: 'C1',
      text: 'hi',
      blocks: [{ type: 'divider' }],
      metadata: { event_type: 'feelers_delivery', event_payload: { key: 'k1' } },
    });
    const [call] = fake.callsTo('chat.postMessage');
    expect(call?.token).toBe(fake.botToken);
    expect(call?.contentType).toBe('application/x-www-form-urlencoded');
    expect(call?.args.blocks).toEqual([{ type: 'divider' }]);
    expect(call?.args.metadata).toEqual({ event_type: 'feelers_delivery', event_payload: { key: 'k1' } });
  });

  it('answers auth.test, users.info, team.info and conversations.open like Slack', async () => {
    const client = clientFor(fake);
    const auth = await client.auth.test();
    expect(auth).toMatchObject({ user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' });
    const info = await client.users.info({ user: 'U1' });
    expect(info.user).toMatchObject({ name: 'jane', is_admin: true, is_owner: false, is_bot: false });
    expect((await client.team.info()).team?.name).toBe('Acme');
    expect((await client.conversations.open({ users: 'U1' })).channel?.id).toBe('DU1');
    await expect(client.users.info({ user: 'U404' })).rejects.toMatchObject({ data: { error: 'user_not_found' } });
  });

  it('rejects a wrong token with invalid_auth', async () => {
    await expect(clientFor(fake, 'xoxb-wrong').auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  });

  it('gives increasing ts per post, keeps thread_ts, and returns metadata only when asked', async () => {
    const client = clientFor(fake);
    const a = await client.chat.postMessage({ channel: 'C1', text: 'a', metadata: { event_type: 'x', event_payload: { key: 'k' } } });
    const b = await client.chat.postMessage({ channel: 'C1', text: 'b', thread_ts: a.ts });
    expect(Number(b.ts)).toBeGreaterThan(Number(a.ts));
    const plain = await client.conversations.history({ channel: 'C1', limit: 20 });
    expect(plain.messages).toHaveLength(1);
    expect(plain.messages?.[0]?.metadata).toBeUndefined();
    const withMeta = await client.conversations.history({ channel: 'C1', limit: 20, include_all_metadata: true });
    expect(withMeta.messages?.[0]?.metadata).toEqual({ event_type: 'x', event_payload: { key: 'k' } });
    const replies = await client.conversations.replies({ channel: 'C1', ts: a.ts ?? '' });
    expect(replies.messages?.map((m) => m.text)).toEqual(['a', 'b']);
  });

  it('updates only existing bot messages', async () => {
    const client = clientFor(fake);
    const a = await client.chat.postMessage({ channel: 'C1', text: 'a' });
    await client.chat.update({ channel: 'C1', ts: a.ts ?? '', text: 'a2' });
    expect(fake.messagesIn('C1')[0]?.text).toBe('a2');
    await expect(client.chat.update({ channel: 'C1', ts: '1.2', text: 'x' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
  });

  it('rejects more than 50 blocks and sections over 3,000 characters with invalid_blocks', async () => {
    const client = clientFor(fake);
    const many = Array.from({ length: 51 }, () => ({ type: 'divider' as const }));
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x', blocks: many })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    const long = [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'x'.repeat(3001) } }];
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x', blocks: long })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
  });

  it('injects 429 with Retry-After, 500 and ok:false errors, then recovers', async () => {
    const client = clientFor(fake);
    fake.inject('chat.postMessage', { status: 429, retryAfterSec: 7 });
    fake.inject('chat.postMessage', { status: 500 });
    fake.inject('chat.postMessage', { error: 'not_in_channel' });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 7,
    });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({ statusCode: 500 });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      data: { error: 'not_in_channel' },
    });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).resolves.toMatchObject({ ok: true });
  });

  it("serves Slack's upload flow: an upload URL, the bytes, then completion shares the file in the channel", async () => {
    const client = clientFor(fake);
    await client.filesUploadV2({ channel_id: 'DU1', file: Buffer.from('{"a":"é"}'), filename: 'a.json', title: 'a.json' });
    expect(fake.callsTo('files.getUploadURLExternal')[0]?.args).toMatchObject({ filename: 'a.json', length: '10' });
    expect(fake.uploads.map((u) => u.bytes.toString('utf8'))).toEqual(['{"a":"é"}']);
    expect(fake.sharedFiles('DU1')).toEqual([expect.objectContaining({ name: 'a.json', title: 'a.json', content: '{"a":"é"}' })]);
    expect(fake.messagesIn('DU1')[0]?.files).toEqual([expect.objectContaining({ name: 'a.json' })]);
  });

  it('refuses an upload URL without a name or size, and completion of a file never uploaded', async () => {
    const client = clientFor(fake);
    await expect(client.files.getUploadURLExternal({ filename: '', length: 3 })).rejects.toMatchObject({
      data: { error: 'invalid_arguments' },
    });
    const { file_id, upload_url } = await client.files.getUploadURLExternal({ filename: 'b.json', length: 3 });
    await expect(client.files.completeUploadExternal({ files: [{ id: file_id! }], channel_id: 'C1' })).rejects.toMatchObject({
      data: { error: 'file_not_found' },
    });
    expect((await fetch(`${upload_url!}x`, { method: 'POST', body: 'abc' })).status).toBe(404);
    expect((await fetch(upload_url!, { method: 'POST', body: 'abc' })).status).toBe(200);
    await expect(client.files.completeUploadExternal({ files: [{ id: file_id! }], channel_id: 'C1' })).resolves.toMatchObject({ ok: true });
    expect(fake.sharedFiles('C1').map((f) => f.content)).toEqual(['abc']);
  });

  it('enforces 1/s per channel and a workspace burst of 5 when rate limits are on', async () => {
    fake.enableRateLimits();
    const client = clientFor(fake);
    await client.chat.postMessage({ channel: 'C1', text: '1' });
    await expect(client.chat.postMessage({ channel: 'C1', text: '2' })).rejects.toMatchObject({ retryAfter: 1 });
    for (const c of ['C2', 'C3', 'C4', 'C5']) await client.chat.postMessage({ channel: c, text: 'x' });
    await expect(client.chat.postMessage({ channel: 'C6', text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
    });
    clock.advance(1000);
    await expect(client.chat.postMessage({ channel: 'C1', text: '2' })).resolves.toMatchObject({ ok: true });
  });
});

describe('signed driver', () => {
  const secret = 'shh';
  let server: Server;
  let seen: { ok: boolean; contentType: string; body: string; retry?: string | undefined }[];
  let url: string;

  beforeEach(async () => {
    seen = [];
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const ok = isValidSlackRequest({
          signingSecret: secret,
          body,
          headers: {
            'x-slack-signature': String(req.headers['x-slack-signature']),
            'x-slack-request-timestamp': Number(req.headers['x-slack-request-timestamp']),
          },
        });
        const retry = req.headers['x-slack-retry-num'];
        seen.push({ ok, contentType: String(req.headers['content-type']), body, retry: typeof retry === 'string' ? retry : undefined });
        res.writeHead(ok ? 200 : 401).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterEach(() => new Promise<void>((r) => server.close(() => r())));

  it('signs what Bolt verifies, and forged, stale and tampered variants fail', async () => {
    const d = new SlackDriver({ url, signingSecret: secret });
    expect((await d.event({ type: 'app_mention', channel: 'C1', user: 'U1', text: 'x', ts: '1.1' })).status).toBe(200);
    expect((await d.command({ command: '/ask', text: 'q', user: 'U1', channel: 'C1' })).status).toBe(200);
    expect((await d.event({ type: 'message' }, { secret: 'wrong' })).status).toBe(401);
    expect((await d.event({ type: 'message' }, { timestampSec: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
    expect((await d.event({ type: 'message' }, { tamper: true })).status).toBe(401);
    expect(seen.map((s) => s.ok)).toEqual([true, true, false, false, false]);
  });

  it('sends commands and interactions form-encoded and retries with X-Slack-Retry-Num', async () => {
    const d = new SlackDriver({ url, signingSecret: secret });
    await d.command({ command: '/ask', text: 'who knows rust?', user: 'U1', channel: 'C1' });
    await d.blockAction({ user: 'U1', channel: 'C1', messageTs: '1.1', actionId: 'b1' });
    await d.event({ type: 'message' }, { retryNum: 2 });
    expect(seen[0]?.contentType).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(seen[0]?.body).get('text')).toBe('who knows rust?');
    const payload: unknown = JSON.parse(new URLSearchParams(seen[1]?.body).get('payload') ?? '{}');
    expect(payload).toMatchObject({ type: 'block_actions', actions: [{ action_id: 'b1' }] });
    expect(seen[2]?.retry).toBe('2');
  });
});
