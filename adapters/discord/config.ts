import { GatewayIntentBits } from 'discord.js';
import type { AdapterState, Clock, DeliveryLimits, Logger, RateBudget } from '../../src/ports/index.js';
import type { StartHistory } from './start-guard.js';

/** What the Discord adapter is configured with, and the platform's numbers it lives by. */
export interface DiscordAdapterConfig {
  /** Bot token. */
  token: string;
  /** REST base without the version, e.g. `http://127.0.0.1:PORT/api` for a fake; Discord's by default. */
  apiUrl?: string | undefined;
  /** Register commands in these guilds (instant); otherwise globally (may take a while to appear). */
  guildIds?: readonly string[] | undefined;
  /** The privileged Message Content intent is granted in the Developer Portal. */
  messageContent?: boolean | undefined;
  /** Display names by guild id, winning over the guild's own name. */
  communityNames?: Readonly<Record<string, string>> | undefined;
  logger: Logger;
  /**
   * Paces every REST request against Discord's global limit (50 a second per bot token): shared
   * through Redis by every instance that sends with this token, or this process's own.
   */
  budget: RateBudget;
  /** Where recent start times are kept for the crash-loop backoff; wins over `state`. */
  startHistory?: StartHistory | undefined;
  /** Keeps the start history when no `startHistory` is given. Without either, no backoff. */
  state?: AdapterState | undefined;
  /** For the crash-loop wait (tests inject one). */
  clock?: Clock | undefined;
}

/**
 * Discord: 50 requests/s per bot token over all guilds; about 5 messages per 5 s per channel.
 *
 * No network bucket: the deliverer counts sends, and a copy is two requests (the message, then
 * its thread). The global 50/s is kept per request, as each leaves, in the rate budget (pacer.ts;
 * one for all instances on a Redis store), which also covers requests outside the outbox (DM
 * channels, catch-up reads).
 * Enough sends in flight keep that pacer's queue full, so every second carries its 50 requests:
 * a 500-channel fan-out takes 0.96-0.99 of its 20 s floor with no 429 (bench/discord-fan-out.ts;
 * discord.js's own fixed one-second windows gave 1.05 and about 45 global 429s). The
 * per-channel bucket stays: it keeps one busy channel from holding up the queue with retries.
 */
export const DISCORD_LIMITS: DeliveryLimits = {
  channel: { ratePerSec: 1, burst: 5 },
  concurrency: 64,
};

/**
 * discord.js's own global budget, raised so it never holds a request back: the adapter's
 * rolling-window pacer (pacer.ts) keeps the real 50/s, and two limiters in a row would each
 * hold requests the other already let through.
 */
export const DISCORD_JS_GLOBAL_PER_SEC = 10_000;

/** Discord's error code when a message already has a thread. */
export const THREAD_ALREADY_CREATED = 160004;
/** Threads of copies stay open a week without activity (Discord's longest auto-archive). */
export const THREAD_ARCHIVE_MINUTES = 10080;

export function intentsFor(messageContent: boolean): GatewayIntentBits[] {
  return [
    // Guilds: guild, channel, role and thread caches: thread parents, member rights, names.
    GatewayIntentBits.Guilds,
    // GuildMessages: messages in channels and threads (replies in copy threads, @mentions).
    GatewayIntentBits.GuildMessages,
    // DirectMessages: people answer prods and ask by DM.
    GatewayIntentBits.DirectMessages,
    // MessageContent is privileged: without it guild messages arrive with empty text unless
    // they mention the bot, so only ask for it where the operator says it was granted.
    ...(messageContent ? [GatewayIntentBits.MessageContent] : []),
  ];
}
