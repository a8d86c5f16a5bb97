/**
 * Sending with idempotency and error mapping.
 *
 * Idempotency has two layers, because Discord's `enforce_nonce` only dedupes for a few minutes
 * and only echoes `nonce` in the create response (a later GET never shows it):
 * 1. every create carries `nonce` (a 20-character hash of the idempotency key and part number)
 *    with `enforce_nonce: true`, so a retry within minutes returns the first message;
 * 2. the same hash is written in the last embed's footer ("feelers · <hash>"). When the outbox
 *    says the message may already be out (`maybeSent`: a send that died or timed out, perhaps
 *    longer ago than the nonce window), the channel's last 50 messages are searched for that
 *    footer first. Only then: the search is a GET per send, and on a 500-channel fan-out it
 *    would double the requests spent from the 50/s global budget. A footer was chosen over a
 *    hidden component id because cards without buttons have no components, and over content
 *    because embeds never ping.
 */
import { createHash } from 'node:crypto';
import { DiscordAPIError, HTTPError, RateLimitError, Routes, type APIMessage, type RawFile, type REST } from 'discord.js';
import { DeliveryError, type CardFile, type MessageRef } from '../../src/ports/index.js';
import type { MessageBody } from './render.js';

export const NONCE_LENGTH = 20;
const FOOTER_PREFIX = 'feelers · ';
/** How far back the footer search looks (Discord returns at most 100; copies are recent). */
const LOOKBACK = 50;

export function nonceFor(key: string, part: number): string {
  return createHash('sha256').update(`${key}\u0000${part}`).digest('base64url').slice(0, NONCE_LENGTH);
}

export function footerFor(key: string): (part: number) => string {
  return (part) => `${FOOTER_PREFIX}${nonceFor(key, part)}`;
}

/** Maps a discord.js failure to what the deliverer should do. */
export function toDeliveryError(err: unknown, what: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof RateLimitError) {
    return new DeliveryError('rate_limited', `${what}: rate limited`, { cause: err, retryAfterMs: err.retryAfter });
  }
  const status = err instanceof DiscordAPIError || err instanceof HTTPError ? err.status : undefined;
  if (status === 429) return new DeliveryError('rate_limited', `${what}: 429`, { cause: err, retryAfterMs: 1000 });
  if (status !== undefined && status >= 500) return new DeliveryError('transient', `${what}: ${status}`, { cause: err });
  // 403 (missing access, DMs closed: code 50007), 404 (unknown channel/message/user) and other
  // 4xx do not get better by retrying: mark the target and skip it.
  if (status !== undefined && status >= 400) return new DeliveryError('gone', `${what}: ${status}`, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new DeliveryError('transient', `${what}: ${message}`, { cause: err });
}

/** Discord's JSON error code for a message that does not exist (any more). */
const UNKNOWN_MESSAGE = 10008;

/**
 * Deletes a message the bot posted (a retracted ask's copy), where it lives as for an edit.
 * Deleting a message that opened a thread leaves the thread (Discord shows "original message
 * was deleted"): people's replies are theirs. A bot may always delete its own messages.
 */
export async function deleteMessage(rest: REST, ref: MessageRef): Promise<void> {
  const channelId = ref.thread && ref.thread !== ref.id ? ref.thread : ref.channel;
  try {
    await rest.delete(Routes.channelMessage(channelId, ref.id));
  } catch (err) {
    // 10008 Unknown Message: gone already (deleted by a moderator, or an earlier try whose answer was lost).
    if (err instanceof DiscordAPIError && err.code === UNKNOWN_MESSAGE) return;
    throw toDeliveryError(err, `delete ${channelId}/${ref.id}`);
  }
}

/**
 * A file on a message create, the way Discord takes uploads: multipart/form-data with the file
 * as `files[0]` and the message JSON as `payload_json`, whose `attachments` entry with id 0
 * names the file (discord.js REST builds the form from `files`).
 */
function attach(body: Record<string, unknown>, file: CardFile): { body: Record<string, unknown>; files: RawFile[] } {
  return {
    body: { ...body, attachments: [{ id: 0, filename: file.name }] },
    files: [{ name: file.name, data: Buffer.from(file.text, 'utf8'), contentType: file.mime }],
  };
}

/** Extra fields for every create of one send (a DM "thread" reply's message_reference). */
export type BodyExtra = Readonly<Record<string, unknown>>;

export class DiscordSender {
  constructor(
    private readonly restOf: () => REST,
    /** Async: a standby instance that never logged in asks Discord who it is. */
    private readonly botId: () => Promise<string>,
  ) {}

  /**
   * Sends `bodies` to a channel once per key; returns the messages (found or created) in order.
   * `maybeSent`: look for parts already posted (by their footer) before creating any. `file`
   * rides on the last part, so the nonce and the footer that keep that part single keep the file
   * single too.
   */
  async sendOnce(
    channelId: string,
    bodies: MessageBody[],
    key: string,
    maybeSent = false,
    extra: BodyExtra = {},
    file?: CardFile,
  ): Promise<APIMessage[]> {
    const found = maybeSent ? await this.findSent(channelId, bodies.length, key) : new Map<string, APIMessage>();
    const out: APIMessage[] = [];
    for (const [part, b] of bodies.entries()) {
      const nonce = nonceFor(key, part);
      const existing = found.get(nonce);
      if (existing) {
        out.push(existing);
        continue;
      }
      const body = { ...b, ...extra, nonce, enforce_nonce: true };
      const withFile = file && part === bodies.length - 1 ? attach(body, file) : { body };
      const msg = (await this.restOf().post(Routes.channelMessages(channelId), withFile)) as APIMessage;
      out.push(msg);
    }
    return out;
  }

  private async findSent(channelId: string, parts: number, key: string): Promise<Map<string, APIMessage>> {
    const wanted = new Set(Array.from({ length: parts }, (_, i) => nonceFor(key, i)));
    const recent = (await this.restOf().get(Routes.channelMessages(channelId), {
      query: new URLSearchParams({ limit: String(LOOKBACK) }),
    })) as APIMessage[];
    const found = new Map<string, APIMessage>();
    const me = await this.botId();
    for (const m of recent) {
      if (m.author.id !== me) continue;
      for (const e of m.embeds) {
        const text = e.footer?.text ?? '';
        if (!text.startsWith(FOOTER_PREFIX)) continue;
        const nonce = text.slice(FOOTER_PREFIX.length);
        if (wanted.has(nonce) && !found.has(nonce)) found.set(nonce, m);
      }
    }
    return found;
  }
}
