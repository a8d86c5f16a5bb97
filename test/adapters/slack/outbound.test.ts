import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Card } from '../../../src/ports/cards.js';
import { DeliveryError } from '../../../src/ports/errors.js';
import type { Place } from '../../../src/ports/places.js';
import { startSlackStack, type SlackStack } from '../../fakes/slack/stack.js';

const users = [
  { id: 'U1', name: 'jane', realName: 'Jane Doe', isAdmin: true },
  { id: 'U2', name: 'sam', realName: 'Sam Roe' },
];
const C1: Place = { network: 'slack', community: 'T1', channel: 'C1' };

/** Live-mention syntax and ways to smuggle it: none may reach Slack unescaped. */
const CORPUS = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!subteam^S1>',
  '<!subteam^S1|@devs>',
  '<@U1>',
  '<@U1|jane>',
  '&lt;!channel&gt;',
  '<<!here>>',
  '<!channel|channel>',
  '<#C1>',
  '<https://evil.example|click>',
];
const LIVE = /<[!@#]|<https?:/;

function everyString(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) everyString(x, out);
  else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) everyString(x, out);
  return out;
}

/** A string written through Slack's escaping, as Slack would show it back. */
function shown(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

describe('slack adapter: outbound to the fake Web API', () => {
  let s: SlackStack;
  beforeEach(async () => {
    s = await startSlackStack({ fake: { users } });
  });
  afterEach(() => s.close());

  it('escapes every mention trick in every string of a card, and Slack shows the text as typed', async () => {
    const text = CORPUS.join(' ');
    const card: Card = {
      summary: `Ask: ${text}`,
      blocks: [
        { type: 'text', text: `From ${text}` },
        { type: 'quote', text, by: `<!here> ${CORPUS[5]}` },
        { type: 'buttons', buttons: [{ id: 'b1', label: '<!channel> yes' }] },
      ],
    };
    await s.adapter.post(C1, card, { idempotencyKey: 'mentions-1' });
    const [call] = s.fake.callsTo('chat.postMessage');
    const strings = everyString({ text: call?.args.text, blocks: call?.args.blocks });
    expect(strings.some((x) => x.includes('&lt;!channel&gt;'))).toBe(true);
    for (const x of strings) expect(x).not.toMatch(LIVE);
    // The escaped trick stays a literal "&lt;" for the reader, not a mention.
    expect(strings.some((x) => shown(x).includes('&lt;!channel&gt;'))).toBe(true);
    expect(call?.args).toMatchObject({ parse: 'none', link_names: 'false' });
  });

  it('stamps metadata with the idempotency key and threads under the post', async () => {
    const plain = await s.adapter.post(C1, { summary: 'hi', blocks: [] }, { idempotencyKey: 'k0' });
    expect(plain.thread).toBeUndefined();
    const ask: Card = { summary: 'hi', blocks: [{ type: 'text', text: 'hi' }], thread: { title: 'hi' } };
    const ref = await s.adapter.post(C1, ask, { idempotencyKey: 'k1' });
    const call = s.fake.callsTo('chat.postMessage')[1];
    expect(call?.args.metadata).toEqual({ event_type: 'feelers_delivery', event_payload: { key: 'k1' } });
    expect(ref).toMatchObject({ network: 'slack', community: 'T1', channel: 'C1', thread: ref.id });
    const inThread = await s.adapter.post({ ...C1, thread: ref.id }, { summary: 'r', blocks: [] }, { idempotencyKey: 'k2' });
    expect(inThread.thread).toBe(ref.id);
    expect(s.fake.callsTo('chat.postMessage')[2]?.args.thread_ts).toBe(ref.id);
  });

  it('posts once for a key it already sent in this process', async () => {
    const card: Card = { summary: 'x', blocks: [] };
    const a = await s.adapter.post(C1, card, { idempotencyKey: 'same' });
    const b = await s.adapter.post(C1, card, { idempotencyKey: 'same' });
    expect(b).toEqual(a);
    expect(s.fake.messagesIn('C1')).toHaveLength(1);
  });

  it('a first post makes no history call, even the first post of a key in a fresh process', async () => {
    const card: Card = { summary: 'copy', blocks: [{ type: 'text', text: 'copy' }] };
    await s.adapter.post(C1, card, { idempotencyKey: 'fresh-1' });
    const fresh = await s.restartAdapter();
    await fresh.post(C1, card, { idempotencyKey: 'fresh-2' });
    await fresh.post({ ...C1, thread: s.fake.messagesIn('C1')[0]?.ts }, card, { idempotencyKey: 'fresh-3', maybeSent: false });
    await fresh.directMessage({ network: 'slack', community: 'T1', user: 'U2' }, card, { idempotencyKey: 'fresh-4' });
    expect(s.fake.callsTo('conversations.history')).toHaveLength(0);
    expect(s.fake.callsTo('conversations.replies')).toHaveLength(0);
    expect(s.fake.callsTo('chat.postMessage')).toHaveLength(4);
  });

  it('after a crash, a resend marked maybeSent finds the metadata and does not post twice', async () => {
    const card: Card = { summary: 'copy', blocks: [{ type: 'text', text: 'copy' }] };
    const first = await s.adapter.post(C1, card, { idempotencyKey: 'delivery-42' });
    const fresh = await s.restartAdapter();
    const again = await fresh.post(C1, card, { idempotencyKey: 'delivery-42', maybeSent: true });
    expect(again.id).toBe(first.id);
    expect(s.fake.messagesIn('C1')).toHaveLength(1);
    const history = s.fake.callsTo('conversations.history');
    expect(history).toHaveLength(1);
    expect(history[0]?.args).toMatchObject({ channel: 'C1', limit: '20', include_all_metadata: 'true' });
    // maybeSent with a key that never went out: one look, then it posts.
    await fresh.post(C1, card, { idempotencyKey: 'delivery-43', maybeSent: true });
    expect(s.fake.messagesIn('C1')).toHaveLength(2);
    expect(s.fake.callsTo('conversations.history')).toHaveLength(2);
  });

  it('a maybeSent DM looks in the DM channel before sending again', async () => {
    const sam = { network: 'slack', community: 'T1', user: 'U2' };
    const card: Card = { summary: 'prod', blocks: [] };
    const first = await s.adapter.directMessage(sam, card, { idempotencyKey: 'dm-9' });
    const again = await (await s.restartAdapter()).directMessage(sam, card, { idempotencyKey: 'dm-9', maybeSent: true });
    expect(again.id).toBe(first.id);
    expect(s.fake.messagesIn('DU2')).toHaveLength(1);
    expect(s.fake.callsTo('conversations.history')[0]?.args).toMatchObject({ channel: 'DU2' });
  });

  it('a maybeSent resend whose look-up fails does not post (not knowing is not "not found")', async () => {
    s.fake.inject('conversations.history', { status: 429, retryAfterSec: 60 });
    const err: unknown = await s.adapter
      .post(C1, { summary: 'x', blocks: [] }, { idempotencyKey: 'k-unknown', maybeSent: true })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(s.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('checks the thread, not the channel, before resending a threaded post', async () => {
    const parent = s.fake.seedMessage({ channel: 'C1', text: 'ask', user: 'U1' });
    const to = { ...C1, thread: parent.ts };
    const first = await s.adapter.post(to, { summary: 'digest', blocks: [] }, { idempotencyKey: 'digest-1' });
    const fresh = await s.restartAdapter();
    const again = await fresh.post(to, { summary: 'digest', blocks: [] }, { idempotencyKey: 'digest-1', maybeSent: true });
    expect(again.id).toBe(first.id);
    expect(s.fake.messagesIn('C1')).toHaveLength(2);
    expect(s.fake.callsTo('conversations.replies')[0]?.args).toMatchObject({ channel: 'C1', ts: parent.ts });
    expect(s.fake.callsTo('conversations.history')).toHaveLength(0);
  });

  it('ignores a message with the key that someone else posted', async () => {
    s.fake.seedMessage({
      channel: 'C1',
      text: 'spoof',
      user: 'U2',
      metadata: { event_type: 'feelers_delivery', event_payload: { key: 'k9' } },
    });
    await s.adapter.post(C1, { summary: 'real', blocks: [] }, { idempotencyKey: 'k9', maybeSent: true });
    expect(s.fake.messagesIn('C1')).toHaveLength(2);
    expect(s.fake.callsTo('conversations.history')).toHaveLength(1);
  });

  it('maps a 429 to rate_limited with retryAfterMs, and makes one request (no client retries)', async () => {
    s.fake.inject('chat.postMessage', { status: 429, retryAfterSec: 3 });
    const err: unknown = await s.adapter.post(C1, { summary: 'x', blocks: [] }, { idempotencyKey: 'r1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3000 });
    expect(s.fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('maps not_in_channel, channel_not_found, is_archived to gone, 500 to transient', async () => {
    const kinds: string[] = [];
    for (const inj of [{ error: 'not_in_channel' }, { error: 'channel_not_found' }, { error: 'is_archived' }, { status: 500 as const }]) {
      s.fake.inject('chat.postMessage', inj);
      const e: unknown = await s.adapter
        .post(C1, { summary: 'x', blocks: [] }, { idempotencyKey: `e${kinds.length}` })
        .catch((x: unknown) => x);
      kinds.push(e instanceof DeliveryError ? e.kind : 'not a DeliveryError');
    }
    expect(kinds).toEqual(['gone', 'gone', 'gone', 'transient']);
    expect(s.fake.callsTo('chat.postMessage')).toHaveLength(4);
    expect(s.adapter.health().lastError).toMatch(/post/);
  });

  it('splits long text into sections of at most 3,000 and messages of at most 50 blocks', async () => {
    const long = 'word '.repeat(2000);
    const card: Card = {
      summary: 'digest',
      blocks: [{ type: 'text', text: long }, ...Array.from({ length: 60 }, () => ({ type: 'divider' as const }))],
    };
    const ref = await s.adapter.post(C1, card, { idempotencyKey: 'long' });
    const posts = s.fake.callsTo('chat.postMessage');
    expect(posts).toHaveLength(2);
    expect(ref.id).toBe(s.fake.messagesIn('C1')[0]?.ts);
    const blocks = posts.flatMap((p) => p.args.blocks as { type: string; text?: { text: string } }[]);
    const sections = blocks.filter((b) => b.type === 'section').map((b) => b.text?.text ?? '');
    expect(sections.join('')).toBe(long);
    expect(Math.max(...sections.map((t) => t.length))).toBeLessThanOrEqual(3000);
    expect(sections.length).toBeGreaterThan(3);
    expect(blocks.filter((b) => b.type === 'divider')).toHaveLength(60);
  });

  it('sends a DM through conversations.open and updates a message in place', async () => {
    const ref = await s.adapter.directMessage(
      { network: 'slack', community: 'T1', user: 'U2' },
      { summary: 'prod', blocks: [{ type: 'text', text: 'can you help?' }] },
      { idempotencyKey: 'dm-1' },
    );
    expect(ref.channel).toBe('DU2');
    await s.adapter.update(ref, { summary: 'closed', blocks: [{ type: 'text', text: 'closed <!here>' }] });
    const [m] = s.fake.messagesIn('DU2');
    expect(m?.text).toBe('closed');
    expect(JSON.stringify(m?.blocks)).toContain('closed &lt;!here&gt;');
  });

  it('sends a notice as an ephemeral, and by DM when the bot is not in the channel', async () => {
    const jane = { network: 'slack', community: 'T1', user: 'U1' };
    await s.adapter.notice(jane, C1, 'Only admins may connect <#C1>.');
    expect(s.fake.callsTo('chat.postEphemeral')[0]?.args).toMatchObject({
      channel: 'C1',
      user: 'U1',
      text: 'Only admins may connect &lt;#C1&gt;.',
    });
    s.fake.inject('chat.postEphemeral', { error: 'not_in_channel' });
    await s.adapter.notice(jane, C1, 'again');
    expect(s.fake.messagesIn('DU1').map((m) => m.text)).toEqual(['again']);
  });

  it('opens a form button as a modal with the trigger_id, and its submission is the action event', async () => {
    const card: Card = {
      summary: 'ask',
      blocks: [
        {
          type: 'buttons',
          buttons: [{ id: 'ans-1', label: 'Answer', form: { title: 'Your answer', kind: 'text', label: 'Answer', maxLength: 500 } }],
        },
      ],
    };
    const ref = await s.adapter.post(C1, card, { idempotencyKey: 'form-card' });
    const button = (s.fake.callsTo('chat.postMessage')[0]?.args.blocks as { elements?: { action_id: string; value: string }[] }[])[0]
      ?.elements?.[0];
    expect(button?.action_id).toBe('ans-1');
    const trigger = s.driver.triggerId();
    const res = await s.driver.blockAction({
      user: 'U2',
      channel: 'C1',
      messageTs: ref.id,
      actionId: 'ans-1',
      value: button?.value ?? '',
      triggerId: trigger,
    });
    expect(res.status).toBe(200);
    const open = await waitForCall(s, 'views.open');
    expect(open.args.trigger_id).toBe(trigger);
    const view = open.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { element: { type: string; max_length?: number } }[];
    };
    expect(view.callback_id).toBe('ans-1');
    expect(view.blocks[0]?.element).toMatchObject({ type: 'plain_text_input', max_length: 500 });
    // The press itself is not an event, and no look-up ran before views.open.
    expect(s.events).toHaveLength(0);
    expect(s.fake.callsTo('users.info')).toHaveLength(0);

    await s.driver.viewSubmission({
      user: 'U2',
      callbackId: view.callback_id,
      privateMetadata: view.private_metadata,
      values: { feelers_form: { value: { type: 'plain_text_input', value: 'Use tokio <!channel>' } } },
    });
    const [e] = await s.waitForEvents(1);
    expect(e).toMatchObject({
      kind: 'action',
      actionId: 'ans-1',
      place: { community: 'T1', channel: 'C1' },
      actor: { user: 'U2' },
      form: { text: 'Use tokio <!channel>' },
    });
  });

  it('opens a users_select for a person form and returns the picked person', async () => {
    const card: Card = {
      summary: 'refer',
      blocks: [{ type: 'buttons', buttons: [{ id: 'ref-1', label: 'Refer', form: { title: 'Refer', kind: 'person', label: 'Who?' } }] }],
    };
    const ref = await s.adapter.post(C1, card, { idempotencyKey: 'refer-card' });
    const value = (s.fake.callsTo('chat.postMessage')[0]?.args.blocks as { elements?: { value: string }[] }[])[0]?.elements?.[0]?.value;
    await s.driver.blockAction({ user: 'U1', channel: 'C1', messageTs: ref.id, actionId: 'ref-1', value: value ?? '' });
    const open = await waitForCall(s, 'views.open');
    const view = open.args.view as { private_metadata: string; blocks: { element: { type: string } }[] };
    expect(view.blocks[0]?.element.type).toBe('users_select');
    await s.driver.viewSubmission({
      user: 'U1',
      callbackId: 'ref-1',
      privateMetadata: view.private_metadata,
      values: { feelers_form: { value: { type: 'users_select', selected_user: 'U2' } } },
    });
    const [e] = await s.waitForEvents(1);
    expect(e).toMatchObject({ kind: 'action', form: { person: { network: 'slack', community: 'T1', user: 'U2' } } });
  });

  it('links a message to its channel without calling Slack (a permalink would cost a chat.getPermalink each); a DM gets none', async () => {
    const ref = await s.adapter.post(C1, { summary: 'Hi', blocks: [{ type: 'text', text: 'Hi' }] }, { idempotencyKey: 'link-1' });
    const calls = s.fake.calls.length;
    expect(s.adapter.linkTo?.(ref)).toBe('https://slack.com/app_redirect?team=T1&channel=C1');
    expect(s.fake.calls.length).toBe(calls);
    expect(s.adapter.linkTo?.({ ...ref, channel: 'DU1' })).toBeUndefined();
  });
});

async function waitForCall(s: SlackStack, method: string, ms = 5000): Promise<{ args: Record<string, unknown> }> {
  const until = Date.now() + ms;
  for (;;) {
    const call = s.fake.callsTo(method)[0];
    if (call) return call;
    if (Date.now() > until) throw new Error(`no ${method} call`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
