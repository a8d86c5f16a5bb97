/**
 * Catch-up reads: the latest messages of a thread through REST, as the MESSAGE_CREATE events the
 * gateway would have delivered. While no instance holds the gateway (the holder died and its
 * lease has not run out), Discord delivers nothing and never replays it to a new session, so
 * the new holder reads the threads it follows instead; the core's dedupe drops what it saw.
 */
import type { Client, Collection, Message } from 'discord.js';
import type { MessageEvent, Place } from '../../src/ports/index.js';
import { parseMessage, type ParseContext } from './parse.js';

/** Discord's GET /channels/{id}/messages takes 1 to 100. */
const MAX_LIMIT = 100;

export interface RecentOptions {
  /** The Message Content intent is configured (the live session identifies with it). */
  readonly messageContent: boolean;
  /** Channels known to be DMs (a DM card's "thread" is its own message id, not a channel). */
  isDm(channelId: string): Promise<boolean>;
}

/**
 * The last `limit` messages of `thread`, oldest first, through the live path's parser, so ids
 * are the live ones (`discord:<guild>:<message id>`). Bot and self messages come back flagged;
 * the core drops them, as it does live.
 */
export async function readRecent(
  client: Client,
  ctx: ParseContext,
  thread: Place,
  limit: number,
  opts: RecentOptions,
): Promise<MessageEvent[]> {
  const dm = await opts.isDm(thread.channel);
  // DMs have no threads: a card's "thread" there is the replies to the card (see postInDm).
  const channelId = dm ? thread.channel : (thread.thread ?? thread.channel);
  const channel = client.channels.cache.get(channelId) ?? (await client.channels.fetch(channelId));
  if (!channel?.isTextBased()) throw new Error(`discord: channel ${channelId} is not a text channel this bot can read`);
  const fetched: Collection<string, Message> = await channel.messages.fetch({
    limit: Math.max(1, Math.min(MAX_LIMIT, Math.floor(limit))),
    // The adapter keeps no message cache (see index.ts): a cached message would hide a replay.
    cache: false,
  });
  const oldestFirst = [...fetched.values()].sort((a, b) => compareSnowflakes(a.id, b.id));
  const inThread = dm && thread.thread ? oldestFirst.filter((m) => m.reference?.messageId === thread.thread) : oldestFirst;
  return inThread.map((m) => withIntentRule(parseMessage(m, ctx), m, opts.messageContent));
}

/**
 * Without the privileged Message Content intent the gateway blanks guild messages that do not
 * mention the bot; an app granted the intent but not configured for it would get the text
 * through REST. Blank it here too, so a caught-up message says what the live one would have.
 */
function withIntentRule(e: MessageEvent, m: Message, messageContent: boolean): MessageEvent {
  if (messageContent || m.guildId === null || e.mentionsBot || e.actor.isSelf) return e;
  return e.text === '' ? e : { ...e, text: '' };
}

function compareSnowflakes(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
