import {
  DeliveryError,
  type Card,
  type CardFile,
  type Logger,
  type MessageRef,
  type PersonRef,
  type Place,
} from '../../src/ports/index.js';
import { renderCard, type SlackMessage } from './render.js';
import { escapeSlack } from './sanitize.js';
import type { Workspace, Workspaces } from './workspaces.js';

/** The metadata event type feelers stamps on every post, so a resend can find the first try. */
export const DELIVERY_EVENT = 'feelers_delivery';
/** How far back a resend looks: the deliverer resends soon after a crash, not days later. */
const HISTORY_LIMIT = 20;
const THREAD_LIMIT = 200;
const REMEMBERED_KEYS = 20_000;

/** ok:false errors that mean the place cannot be reached until someone changes something. */
const GONE = new Set([
  'not_in_channel',
  'channel_not_found',
  'account_inactive',
  'is_archived',
  'user_not_found',
  'user_disabled',
  'cannot_dm_bot',
  'invalid_auth',
  'token_revoked',
  'team_access_not_granted',
  'restricted_action',
  'message_not_found',
]);

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** WebClient errors → the deliverer's three kinds. */
export function toDeliveryError(err: unknown, what: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const code = errorCode(err);
  if (code === 'slack_webapi_rate_limited_error') {
    const sec = (err as { retryAfter?: unknown }).retryAfter;
    const retryAfterMs = typeof sec === 'number' ? sec * 1000 : 1000;
    return new DeliveryError('rate_limited', `${what}: rate limited`, { cause: err, retryAfterMs });
  }
  if (code === 'slack_webapi_platform_error') {
    const data = (err as { data?: { error?: unknown } }).data;
    const slackError = typeof data?.error === 'string' ? data.error : 'unknown_error';
    if (slackError === 'ratelimited') {
      return new DeliveryError('rate_limited', `${what}: ratelimited`, { cause: err, retryAfterMs: 1000 });
    }
    if (GONE.has(slackError)) return new DeliveryError('gone', `${what}: ${slackError}`, { cause: err });
    // Anything else (invalid_blocks, internal_error, ...) is retried with backoff and then
    // fails the delivery; calling it `gone` would disconnect a ground over one bad card.
    return new DeliveryError('transient', `${what}: ${slackError}`, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new DeliveryError('transient', `${what}: ${message}`, { cause: err });
}

export interface SenderOptions {
  readonly workspaces: Workspaces;
  readonly log: Logger;
}

/**
 * Posting with idempotency. Slack has no idempotency key, so each post carries message
 * metadata with the key. Only a send the outbox marks `maybeSent` (an earlier try never got
 * an answer) looks for that metadata before posting: conversations.history and .replies allow
 * apps outside the Marketplace about one call a minute, so every ordinary post skips them.
 */
export class SlackSender {
  private readonly sent = new Map<string, MessageRef>();
  private readonly dmChannels = new Map<string, string>();

  constructor(private readonly o: SenderOptions) {}

  async post(to: Place, card: Card, key: string, maybeSent = false): Promise<MessageRef> {
    const ws = await this.o.workspaces.get(to.community);
    const parts = renderCard(card);
    let first: MessageRef | undefined;
    for (const [i, part] of parts.entries()) {
      const ref = await this.postOne(ws, to, part, i === 0 ? key : `${key}#${i + 1}`, maybeSent);
      first ??= ref;
    }
    if (!first) throw new DeliveryError('transient', 'slack post: nothing to post');
    if (card.file) await this.attach(ws, to, card.file, `${key}#file`, first);
    // Every Slack message can carry a thread; the ref names one where replies are expected:
    // the thread it was posted in, or itself when the card opens one.
    const thread = to.thread ?? (card.thread ? first.id : undefined);
    return { ...first, thread };
  }

  async directMessage(to: PersonRef, card: Card, key: string, maybeSent = false): Promise<MessageRef> {
    const channel = await this.dmChannel(to);
    return this.post({ network: to.network, community: to.community, channel }, card, key, maybeSent);
  }

  async update(ref: MessageRef, card: Card): Promise<void> {
    // A message keeps its place; a card grown past 50 blocks keeps only what fits.
    const [part] = renderCard(card);
    if (!part) return;
    const { client } = await this.o.workspaces.get(ref.community);
    try {
      await client.chat.update({ channel: ref.channel, ts: ref.id, text: part.text, blocks: part.blocks as never });
    } catch (err) {
      throw toDeliveryError(err, 'slack chat.update');
    }
  }

  /** chat.delete of the bot's own message; one already gone (message_not_found) counts as deleted. */
  async delete(ref: MessageRef): Promise<void> {
    const { client } = await this.o.workspaces.get(ref.community);
    try {
      await client.chat.delete({ channel: ref.channel, ts: ref.id });
    } catch (err) {
      const e = toDeliveryError(err, 'slack chat.delete');
      if (e.kind === 'gone' && e.message.endsWith('message_not_found')) return;
      throw e;
    }
  }

  /**
   * Ephemeral where the person is; Slack refuses ephemerals in channels the bot is not in, so
   * then it goes by DM instead.
   */
  async notice(to: PersonRef, where: Place, text: string): Promise<void> {
    const safe = escapeSlack(text);
    const { client } = await this.o.workspaces.get(to.community);
    try {
      await client.chat.postEphemeral({ channel: where.channel, user: to.user, text: safe, thread_ts: where.thread });
      return;
    } catch (err) {
      const e = toDeliveryError(err, 'slack chat.postEphemeral');
      if (e.kind !== 'gone') throw e;
      this.o.log.debug({ err, channel: where.channel }, 'ephemeral refused; sending the notice by DM');
    }
    try {
      const channel = await this.dmChannel(to);
      await client.chat.postMessage({ channel, text: safe, parse: 'none', link_names: false });
    } catch (err) {
      throw toDeliveryError(err, 'slack notice DM');
    }
  }

  private async dmChannel(to: PersonRef): Promise<string> {
    const known = this.dmChannels.get(`${to.community}:${to.user}`);
    if (known) return known;
    const { client } = await this.o.workspaces.get(to.community);
    try {
      const res = await client.conversations.open({ users: to.user });
      const id = res.channel?.id;
      if (!id) throw new DeliveryError('transient', 'slack conversations.open: no channel id');
      this.dmChannels.set(`${to.community}:${to.user}`, id);
      return id;
    } catch (err) {
      throw toDeliveryError(err, 'slack conversations.open');
    }
  }

  private async postOne(ws: Workspace, to: Place, msg: SlackMessage, key: string, maybeSent: boolean): Promise<MessageRef> {
    const known = this.sent.get(key);
    if (known) return known;
    if (maybeSent) {
      const found = await this.findEarlier(ws, to, key);
      if (found) {
        this.o.log.info({ key, channel: to.channel, ts: found }, 'slack resend found an earlier post; not posting again');
        return this.remember(key, refOf(to, to.channel, found));
      }
    }
    try {
      const res = await ws.client.chat.postMessage({
        channel: to.channel,
        thread_ts: to.thread,
        text: msg.text,
        blocks: msg.blocks as never,
        metadata: { event_type: DELIVERY_EVENT, event_payload: { key } },
        // parse none + link_names false: Slack must not turn "@channel" or "#general" into links.
        parse: 'none',
        link_names: false,
        unfurl_links: false,
        unfurl_media: false,
      });
      if (!res.ts) throw new DeliveryError('transient', 'slack chat.postMessage: no ts');
      return this.remember(key, refOf(to, res.channel ?? to.channel, res.ts));
    } catch (err) {
      throw toDeliveryError(err, 'slack chat.postMessage');
    }
  }

  /**
   * A card's file, shared in the same channel or DM (and thread) as the card, through Slack's
   * upload flow (files.uploadV2 in the WebClient): files.getUploadURLExternal gives an upload URL
   * and a file id, the bytes are POSTed to that URL, and files.completeUploadExternal shares the
   * file in `channel_id`. All three need files:write. Slack has no idempotency key for uploads:
   * the upload is remembered under `key` in this process, so a retry after a failed upload (the
   * message already out) uploads once, but a resend after a crash between the two may repeat it.
   */
  private async attach(ws: Workspace, to: Place, file: CardFile, key: string, message: MessageRef): Promise<void> {
    if (this.sent.has(key)) return;
    // A Buffer, never a string: the WebClient would read a string as a file path.
    const upload = { file: Buffer.from(file.text, 'utf8'), filename: file.name, title: file.name, channel_id: to.channel };
    try {
      await ws.client.filesUploadV2(to.thread ? { ...upload, thread_ts: to.thread } : upload);
    } catch (err) {
      throw toDeliveryError(err, 'slack file upload');
    }
    this.remember(key, message);
  }

  /** The ts of a message this bot posted with this key, among the recent ones. */
  private async findEarlier(ws: Workspace, to: Place, key: string): Promise<string | undefined> {
    let messages: readonly unknown[] | undefined;
    try {
      const res = to.thread
        ? await ws.client.conversations.replies({
            channel: to.channel,
            ts: to.thread,
            limit: THREAD_LIMIT,
            include_all_metadata: true,
          })
        : await ws.client.conversations.history({ channel: to.channel, limit: HISTORY_LIMIT, include_all_metadata: true });
      messages = res.messages;
    } catch (err) {
      // Not knowing is not "not found": posting now could double-post, so the deliverer waits.
      throw toDeliveryError(err, 'slack resend check');
    }
    const self = ws.self;
    for (const m of messages ?? []) {
      const meta = (m as { metadata?: { event_type?: unknown; event_payload?: { key?: unknown } } }).metadata;
      const mine = (m as { user?: unknown }).user === self.userId || (m as { bot_id?: unknown }).bot_id === self.botId;
      const ts = (m as { ts?: unknown }).ts;
      if (mine && meta?.event_type === DELIVERY_EVENT && meta.event_payload?.key === key && typeof ts === 'string') return ts;
    }
    return undefined;
  }

  private remember(key: string, ref: MessageRef): MessageRef {
    this.sent.set(key, ref);
    if (this.sent.size > REMEMBERED_KEYS) {
      const oldest = this.sent.keys().next();
      if (!oldest.done) this.sent.delete(oldest.value);
    }
    return ref;
  }
}

function refOf(to: Place, channel: string, ts: string): MessageRef {
  return { network: to.network, community: to.community, channel, id: ts, thread: to.thread };
}
