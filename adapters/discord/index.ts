/**
 * The Discord adapter: discord.js 14 over the gateway for events, its REST queue for sends
 * (so 429s and X-RateLimit-* headers are handled by discord.js's per-route buckets).
 */
import { once } from 'node:events';
import {
  Client,
  DefaultRestOptions,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  Options,
  Partials,
  Routes,
  type APIChannel,
  type APIMessage,
  type APIUser,
  type Message,
  type PartialMessage,
} from 'discord.js';
import { buttonsOf, systemClock, type AdapterHealth, type Card, type ChatAdapter, type ChatEvent, type Clock, type DeliveryLimits, type EventSink, type Logger, type MessageRef, type PersonRef, type Place, type SendOptions, type AdapterState } from '../../src/ports/index.js';
import { registerCommands } from './commands.js';
import { DiscordSender, footerFor, toDeliveryError, type BodyExtra } from './sender.js';
import { InteractionDesk } from './interactions.js';
import { inviteUrl } from './invite.js';
import { DISCORD_GLOBAL_PACE, pacedRequests, RollingPacer } from './pacer.js';
import { DM_GUILD, NETWORK, parseDelete, parseEdit, parseMessage, type ParseContext } from './parse.js';
import { readRecent } from './recent.js';
import { renderCard, renderSingle, threadName } from './render.js';
import { clip, neutralise } from './sanitize.js';
import { guardStart, storeStartHistory, type StartHistory } from './start-guard.js';

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
 * its thread). The global 50/s is kept per request, as each leaves, by the adapter's rolling
 * pacer (pacer.ts), which also covers requests outside the outbox (DM channels, catch-up reads).
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
const DISCORD_JS_GLOBAL_PER_SEC = 10_000;

/** Discord's error code when a message already has a thread. */
const THREAD_ALREADY_CREATED = 160004;
/** Threads of copies stay open a week without activity (Discord's longest auto-archive). */
const THREAD_ARCHIVE_MINUTES = 10080;

function intentsFor(messageContent: boolean): GatewayIntentBits[] {
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

export function createDiscordAdapter(config: DiscordAdapterConfig): ChatAdapter {
  const log = config.logger.child({ adapter: NETWORK });
  // One pacer for every client this adapter makes: a restart must not reset the budget.
  const pacer = new RollingPacer(DISCORD_GLOBAL_PACE, systemClock);
  const makeRequest = pacedRequests(DefaultRestOptions.makeRequest, pacer);
  const makeClient = (): Client => {
    const c = new Client({
      intents: intentsFor(config.messageContent ?? false),
      // Channel: DMs and threads not in cache would otherwise be dropped by discord.js.
      // Message: edits and deletions arrive for messages this process never cached.
      partials: [Partials.Channel, Partials.Message],
      // No message cache: sends go through REST, and a cached message would make discord.js
      // swallow a replayed MESSAGE_CREATE that the core's dedupe should see instead.
      makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
      // Discord re-parses mentions on edits too; never let any string ping.
      allowedMentions: { parse: [], repliedUser: false },
      rest: {
        version: '10',
        globalRequestsPerSecond: DISCORD_JS_GLOBAL_PER_SEC,
        makeRequest,
        ...(config.apiUrl ? { api: config.apiUrl } : {}),
      },
    });
    c.rest.setToken(config.token);
    return c;
  };
  // A destroyed discord.js Client is not reused: start() after stop() makes a new one.
  let client = makeClient();
  let destroyed = false;

  const botId = (): string => client.user?.id ?? '';
  let selfId: string | undefined;
  /** The bot's id, also on a standby instance that never logged in (REST only). */
  async function ownId(): Promise<string> {
    if (client.user) return client.user.id;
    selfId ??= ((await client.rest.get(Routes.user('@me'))) as APIUser).id;
    return selfId;
  }
  const dmCommunityOf = new Map<string, string>();
  const dmChannelOf = new Map<string, string>();
  /** DM channel ids seen or opened: a card "in a thread" there becomes a reply (DMs have no threads). */
  const dmChannels = new Set<string>();
  /** Channels known not to be DMs, so a standby (no gateway cache) asks Discord once per channel. */
  const guildChannels = new Set<string>();
  let health: { connected: boolean; since?: number | undefined; lastError?: string | undefined } = { connected: false };

  const ctx: ParseContext = {
    botId: botId(),
    dmCommunity: (userId) =>
      dmCommunityOf.get(userId) ?? config.guildIds?.[0] ?? client.guilds.cache.firstKey() ?? DM_GUILD,
    communityName: (guildId) => config.communityNames?.[guildId] ?? client.guilds.cache.get(guildId)?.name,
  };
  const parseCtx = (): ParseContext => ({ ...ctx, botId: botId() });
  const desk = new InteractionDesk(parseCtx, log);
  const sender = new DiscordSender(() => client.rest, ownId);

  function rememberForms(card: Card): void {
    for (const b of buttonsOf(card)) if (b.form) desk.rememberForm(b.id, b.form);
  }

  async function deliver(event: ChatEvent, sink: EventSink): Promise<void> {
    if ('direct' in event && event.direct) dmChannels.add(event.place.channel);
    if (event.place.community !== DM_GUILD && event.kind !== 'deleted' && !event.actor.isBot) {
      if (!('direct' in event) || !event.direct) dmCommunityOf.set(event.actor.user, event.place.community);
    }
    await sink(event);
  }

  /** A thread seen before its parent (partial channel) gets fetched so its place is right. */
  async function complete(m: Message | PartialMessage): Promise<void> {
    if (m.channel.isThread() && !m.channel.parentId) await client.channels.fetch(m.channelId, { force: true });
  }

  function guard(what: string, fn: () => Promise<void>): void {
    fn().catch((err: unknown) => {
      health = { ...health, lastError: err instanceof Error ? err.message : String(err) };
      log.error({ err, what }, 'discord: event failed');
    });
  }

  function wire(sink: EventSink): void {
    client.on(Events.MessageCreate, (m) =>
      guard('messageCreate', async () => {
        await complete(m);
        await deliver(parseMessage(m, parseCtx()), sink);
      }),
    );
    client.on(Events.MessageUpdate, (old, m) =>
      guard('messageUpdate', async () => {
        // Link unfurls and pins also fire updates; only a message with an edit time was edited.
        if (m.partial || m.editedTimestamp === null || (!old.partial && old.content === m.content)) return;
        await complete(m);
        await deliver(parseEdit(m, parseCtx()), sink);
      }),
    );
    client.on(Events.MessageDelete, (m) => guard('messageDelete', async () => deliver(parseDelete(m, parseCtx()), sink)));
    client.on(Events.InteractionCreate, (i) => guard('interactionCreate', () => desk.handle(i, (e) => deliver(e, sink))));
    client.on(Events.ShardDisconnect, () => (health = { ...health, connected: false }));
    client.on(Events.ShardReconnecting, () => (health = { ...health, connected: false }));
    client.on(Events.ShardResume, () => (health = { connected: true, since: Date.now(), lastError: health.lastError }));
    client.on(Events.ShardReady, () => (health = { connected: true, since: Date.now(), lastError: health.lastError }));
    client.on(Events.ShardError, (err) => (health = { ...health, lastError: err.message }));
  }

  async function startThread(channelId: string, first: APIMessage, title: string): Promise<string | undefined> {
    // A thread started from a message has the message's id as its channel id.
    if (first.thread) return first.thread.id;
    try {
      const thread = (await client.rest.post(Routes.threads(channelId, first.id), {
        body: { name: threadName(title), auto_archive_duration: THREAD_ARCHIVE_MINUTES },
      })) as APIChannel;
      return thread.id;
    } catch (err) {
      if (err instanceof DiscordAPIError && err.code === THREAD_ALREADY_CREATED) return first.id;
      const mapped = toDeliveryError(err, 'start thread');
      // A retry gets the posted message back by its nonce (after a crash, by its footer) and
      // tries the thread again.
      if (mapped.kind !== 'gone') throw mapped;
      log.warn({ err, channelId }, 'discord: could not start a thread; replies will only come as message replies');
      return undefined;
    }
  }

  async function openDm(user: string): Promise<string> {
    const known = dmChannelOf.get(user);
    if (known) return known;
    const channel = (await client.rest.post(Routes.userChannels(), { body: { recipient_id: user } })) as APIChannel;
    dmChannelOf.set(user, channel.id);
    dmChannels.add(channel.id);
    return channel.id;
  }

  /** Guild channels and threads are cached from the gateway; only an unknown id costs a GET. */
  async function isDm(channelId: string): Promise<boolean> {
    if (dmChannels.has(channelId)) return true;
    if (guildChannels.has(channelId)) return false;
    let known;
    try {
      known = client.channels.cache.get(channelId) ?? (await client.channels.fetch(channelId));
    } catch {
      // Unknown or unreadable: the send itself will say why.
      return false;
    }
    // null: discord.js read a guild channel of a guild it has not cached (a standby instance).
    if (!known?.isDMBased()) {
      guildChannels.add(channelId);
      return false;
    }
    dmChannels.add(channelId);
    return true;
  }

  /**
   * Discord DMs have no threads, yet the engine posts digests "in the thread" of an ask card
   * made by DM: there, the card's thread is its own message id, and a post into it is a reply
   * to that message (message_reference), which Discord shows linked to the card.
   */
  async function postInDm(to: Place, card: Card, opts: SendOptions): Promise<MessageRef> {
    const extra: BodyExtra = to.thread ? { message_reference: { message_id: to.thread, fail_if_not_exists: false } } : {};
    const sent = await sender.sendOnce(to.channel, renderCard(card, footerFor(opts.idempotencyKey)), opts.idempotencyKey, opts.maybeSent, extra);
    const first = sent[0];
    if (!first) throw new Error('nothing was sent');
    return { network: NETWORK, community: to.community, channel: to.channel, id: first.id };
  }

  async function login(): Promise<void> {
    const history = config.startHistory ?? (config.state ? storeStartHistory(config.state) : undefined);
    if (history) await guardStart(history, config.clock ?? systemClock, log);
    const ready = once(client, Events.ClientReady);
    await client.login(config.token);
    await ready;
  }

  return {
    network: NETWORK,
    limits: DISCORD_LIMITS,
    // Discord allows one gateway session per token and shard (main.ts leases it among instances).
    singleConnection: true,

    async start(sink) {
      if (destroyed) {
        client = makeClient();
        destroyed = false;
      }
      wire(sink);
      await login();
      const appId = client.application?.id ?? botId();
      await registerCommands(client.rest, appId, config.guildIds);
      health = { connected: true, since: Date.now() };
      log.info({ guilds: client.guilds.cache.size, messageContent: config.messageContent ?? false }, 'discord: ready');
      // The operator needs this link to add the bot to another server, with the permissions
      // feelers uses and no more (see invite.ts for why each is there).
      log.info({ inviteUrl: inviteUrl(appId) }, 'discord: invite the bot to a server with this link');
    },

    async stop() {
      health = { ...health, connected: false };
      destroyed = true;
      await client.destroy();
    },

    health(): AdapterHealth {
      return { ...health };
    },

    async post(to: Place, card: Card, opts: SendOptions): Promise<MessageRef> {
      const channelId = to.thread ?? to.channel;
      rememberForms(card);
      try {
        if (await isDm(to.channel)) return await postInDm(to, card, opts);
        const sent = await sender.sendOnce(channelId, renderCard(card, footerFor(opts.idempotencyKey)), opts.idempotencyKey, opts.maybeSent);
        const first = sent[0];
        if (!first) throw new Error('nothing was sent');
        const thread = to.thread ?? (card.thread ? await startThread(channelId, first, card.thread.title) : undefined);
        return { network: NETWORK, community: to.community, channel: to.channel, id: first.id, thread };
      } catch (err) {
        throw toDeliveryError(err, `post to ${channelId}`);
      }
    },

    async update(ref: MessageRef, card: Card): Promise<void> {
      // A message posted inside a thread lives in the thread channel; a message that opened a
      // thread (thread id = its own id) lives in the parent channel.
      const channelId = ref.thread && ref.thread !== ref.id ? ref.thread : ref.channel;
      rememberForms(card);
      try {
        await client.rest.patch(Routes.channelMessage(channelId, ref.id), { body: renderSingle(card) });
      } catch (err) {
        throw toDeliveryError(err, `update ${channelId}/${ref.id}`);
      }
    },

    async directMessage(to: PersonRef, card: Card, opts: SendOptions): Promise<MessageRef> {
      rememberForms(card);
      try {
        const channel = await openDm(to.user);
        if (to.community !== DM_GUILD) dmCommunityOf.set(to.user, to.community);
        const sent = await sender.sendOnce(channel, renderCard(card, footerFor(opts.idempotencyKey)), opts.idempotencyKey, opts.maybeSent);
        const first = sent[0];
        if (!first) throw new Error('nothing was sent');
        return { network: NETWORK, community: to.community, channel, id: first.id };
      } catch (err) {
        throw toDeliveryError(err, `DM to ${to.user}`);
      }
    },

    async recent(thread: Place, limit: number): Promise<ChatEvent[]> {
      return readRecent(client, parseCtx(), thread, limit, { messageContent: config.messageContent ?? false, isDm });
    },

    async notice(to: PersonRef, where: Place, text: string): Promise<void> {
      try {
        if (await desk.answer(to, where, text)) return;
        const channel = await openDm(to.user);
        await client.rest.post(Routes.channelMessages(channel), {
          body: { content: clip(neutralise(text), 2000), allowed_mentions: { parse: [] } },
        });
      } catch (err) {
        throw toDeliveryError(err, `notice to ${to.user}`);
      }
    },
  };
}
