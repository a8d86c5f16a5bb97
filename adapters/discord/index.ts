import { createHash } from 'node:crypto';
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
  Options,
  Partials,
  Routes,
  type APIChannel,
  type APIMessage,
  type APIUser,
  type Message,
  type PartialMessage,
} from 'discord.js';
import {
  buttonsOf,
  systemClock,
  type AdapterHealth,
  type Admission,
  type Card,
  type ChatAdapter,
  type ChatEvent,
  type DeliveryLimits,
  type EventSink,
  type Logger,
  type MessageRef,
  type PersonRef,
  type Place,
  type SendOptions,
} from '../../src/ports/index.js';
import { joinedEvent, readAdmission } from './admission.js';
import { registerCommands } from './commands.js';
import {
  DISCORD_JS_GLOBAL_PER_SEC,
  DISCORD_LIMITS,
  intentsFor,
  THREAD_ALREADY_CREATED,
  THREAD_ARCHIVE_MINUTES,
  type DiscordAdapterConfig,
} from './config.js';
import { deleteMessage, DiscordSender, footerFor, toDeliveryError, type BodyExtra } from './sender.js';
import { InteractionDesk } from './interactions.js';
import { inviteUrl } from './invite.js';
import { pacedRequests } from './pacer.js';
import { DmLinks } from './dm-links.js';
import { DM_GUILD, NETWORK, parseDelete, parseEdit, parseMessage, type ParseContext } from './parse.js';
import { readRecent } from './recent.js';
import { renderCard, renderSingle, threadName } from './render.js';
import { clip, neutralise } from './sanitize.js';
import { guardStart, storeStartHistory } from './start-guard.js';

export { DISCORD_LIMITS, type DiscordAdapterConfig } from './config.js';

export function createDiscordAdapter(config: DiscordAdapterConfig): DiscordAdapter {
  return new DiscordAdapter(config);
}

/**
 * The port's methods are arrow-function fields, not prototype methods: callers wrap an adapter
 * by spreading it (`{ ...adapter, start }`), which copies own properties only, and each keeps
 * this adapter as `this` wherever it is called from.
 */
export class DiscordAdapter implements ChatAdapter {
  readonly network = NETWORK;
  readonly limits: DeliveryLimits = DISCORD_LIMITS;
  // Discord allows one gateway session per token and shard (main.ts leases it among instances).
  readonly singleConnection = true;

  private readonly config: DiscordAdapterConfig;
  private readonly log: Logger;
  private readonly makeRequest: typeof DefaultRestOptions.makeRequest;
  // A destroyed discord.js Client is not reused: start() after stop() makes a new one.
  private client: Client;
  private destroyed = false;
  private selfId: string | undefined;
  /** Which community each person's DMs count for, kept in feelers' store (see dm-links.ts). */
  private readonly links: DmLinks;
  /** A person's DM channel: Discord gives the same one at every open, so this only saves requests. */
  private readonly dmChannelOf = new Map<string, string>();
  /** DM channel ids seen or opened: a card "in a thread" there becomes a reply (DMs have no threads). */
  private readonly dmChannels = new Set<string>();
  /** Channels known not to be DMs, so a standby (no gateway cache) asks Discord once per channel. */
  private readonly guildChannels = new Set<string>();
  private admits: Admission = { every: false, communities: [] };
  private status: { connected: boolean; since?: number | undefined; lastError?: string | undefined } = { connected: false };
  private readonly ctx: ParseContext;
  private readonly desk: InteractionDesk;
  private readonly sender: DiscordSender;

  constructor(config: DiscordAdapterConfig) {
    this.config = config;
    this.log = config.logger.child({ adapter: NETWORK });
    // Every client this adapter makes goes through the one budget (a restart must not reset it),
    // named by the token (Discord's global limit is per bot token), hashed: the key is no secret.
    this.makeRequest = pacedRequests(DefaultRestOptions.makeRequest, config.budget, budgetScope(config.token));
    this.client = this.makeClient();
    this.links = new DmLinks(config.state, this.log);
    this.ctx = {
      botId: this.botId(),
      // Only a guess, for a DM from someone no link names (see parseCtxFor): the first server.
      dmCommunity: () => this.firstCommunity(),
      communityName: (guildId) => config.communityNames?.[guildId] ?? this.client.guilds.cache.get(guildId)?.name,
    };
    this.desk = new InteractionDesk((i) => this.parseCtxFor(i.guildId, i.user.id), this.log);
    this.sender = new DiscordSender(
      () => this.client.rest,
      () => this.ownId(),
    );
  }

  readonly start = async (sink: EventSink): Promise<void> => {
    if (this.destroyed) {
      this.client = this.makeClient();
      this.destroyed = false;
    }
    this.wire(sink);
    await this.login();
    this.admits = await readAdmission(this.client, this.config.guildIds, this.log);
    const appId = this.client.application?.id ?? this.botId();
    await registerCommands(this.client.rest, appId, this.config.guildIds);
    this.status = { connected: true, since: Date.now() };
    this.log.info({ guilds: this.client.guilds.cache.size, messageContent: this.config.messageContent ?? false }, 'discord: ready');
    // The operator needs this link to add the bot to another server, with the permissions
    // feelers uses and no more (see invite.ts for why each is there).
    this.log.info({ inviteUrl: inviteUrl(appId) }, 'discord: invite the bot to a server with this link');
  };

  /** Read at start (admission.ts); until then, none. */
  readonly admission = (): Admission => this.admits;

  readonly stop = async (): Promise<void> => {
    this.status = { ...this.status, connected: false };
    this.destroyed = true;
    await this.client.destroy();
  };

  readonly health = (): AdapterHealth => ({ ...this.status });

  readonly post = async (to: Place, card: Card, opts: SendOptions): Promise<MessageRef> => {
    const channelId = to.thread ?? to.channel;
    this.rememberForms(card);
    try {
      if (await this.isDm(to.channel)) return await this.postInDm(to, card, opts);
      const first = await this.sendCard(channelId, card, opts);
      const thread = to.thread ?? (card.thread ? await this.startThread(channelId, first, card.thread.title) : undefined);
      return { network: NETWORK, community: to.community, channel: to.channel, id: first.id, thread };
    } catch (err) {
      throw toDeliveryError(err, `post to ${channelId}`);
    }
  };

  readonly update = async (ref: MessageRef, card: Card): Promise<void> => {
    // A message posted inside a thread lives in the thread channel; a message that opened a
    // thread (thread id = its own id) lives in the parent channel.
    const channelId = ref.thread && ref.thread !== ref.id ? ref.thread : ref.channel;
    this.rememberForms(card);
    try {
      await this.client.rest.patch(Routes.channelMessage(channelId, ref.id), { body: renderSingle(card) });
    } catch (err) {
      throw toDeliveryError(err, `update ${channelId}/${ref.id}`);
    }
  };

  readonly delete = (ref: MessageRef): Promise<void> => deleteMessage(this.client.rest, ref);

  readonly directMessage = async (to: PersonRef, card: Card, opts: SendOptions): Promise<MessageRef> => {
    this.rememberForms(card);
    try {
      const channel = await this.openDm(to.user);
      // Their answer (a DM back) must count for the community this DM was sent for.
      if (to.community !== DM_GUILD) await this.links.dmSent(to.user, to.community);
      const first = await this.sendCard(channel, card, opts);
      return { network: NETWORK, community: to.community, channel, id: first.id };
    } catch (err) {
      throw toDeliveryError(err, `DM to ${to.user}`);
    }
  };

  /**
   * Discord's message link. A message posted inside a thread lives in the thread's channel; one
   * that opened a thread (the thread's id is the message's) lives in the parent channel. A DM
   * (one this process opened or saw) gets no link: only its two sides can open it.
   */
  readonly linkTo = (ref: MessageRef): string | undefined => {
    if (ref.community === DM_GUILD || this.dmChannels.has(ref.channel)) return undefined;
    const channel = ref.thread && ref.thread !== ref.id ? ref.thread : ref.channel;
    return `https://discord.com/channels/${ref.community}/${channel}/${ref.id}`;
  };

  readonly recent = async (thread: Place, limit: number): Promise<ChatEvent[]> =>
    // A DM read back counts for the community of the place asked about (the DM card's).
    readRecent(this.client, { ...this.parseCtx(), dmCommunity: () => thread.community }, thread, limit, {
      messageContent: this.config.messageContent ?? false,
      isDm: (channelId) => this.isDm(channelId),
    });

  /** Forget-me: which server this person's DMs count for is no longer kept. */
  readonly forget = async (person: PersonRef): Promise<void> => {
    await this.links.forget(person.user);
  };

  readonly notice = async (to: PersonRef, where: Place, text: string): Promise<void> => {
    try {
      if (await this.desk.answer(to, where, text)) return;
      const channel = await this.openDm(to.user);
      await this.client.rest.post(Routes.channelMessages(channel), {
        body: { content: clip(neutralise(text), 2000), allowed_mentions: { parse: [] } },
      });
    } catch (err) {
      throw toDeliveryError(err, `notice to ${to.user}`);
    }
  };

  /** Sends a card (split over several messages if long) once per idempotency key; the first message. */
  private async sendCard(channelId: string, card: Card, opts: SendOptions, extra?: BodyExtra): Promise<APIMessage> {
    const body = renderCard(card, footerFor(opts.idempotencyKey));
    const sent = await this.sender.sendOnce(channelId, body, opts.idempotencyKey, opts.maybeSent, extra, card.file);
    const first = sent[0];
    if (!first) throw new Error('nothing was sent');
    return first;
  }

  private makeClient(): Client {
    const c = new Client({
      intents: intentsFor(this.config.messageContent ?? false),
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
        makeRequest: this.makeRequest,
        ...(this.config.apiUrl ? { api: this.config.apiUrl } : {}),
      },
    });
    c.rest.setToken(this.config.token);
    return c;
  }

  private botId(): string {
    return this.client.user?.id ?? '';
  }

  /** The bot's id, also on a standby instance that never logged in (REST only). */
  private async ownId(): Promise<string> {
    if (this.client.user) return this.client.user.id;
    this.selfId ??= ((await this.client.rest.get(Routes.user('@me'))) as APIUser).id;
    return this.selfId;
  }

  private parseCtx(): ParseContext {
    return { ...this.ctx, botId: this.botId() };
  }

  /** For an event in a DM (no guild), the community its writer's link names, read first. */
  private async parseCtxFor(guildId: string | null, userId: string | undefined): Promise<ParseContext> {
    const ctx = this.parseCtx();
    if (guildId !== null || !userId) return ctx;
    const community = (await this.links.of(userId)) ?? (await this.serverOf(userId)) ?? this.firstCommunity();
    return { ...ctx, dmCommunity: () => community };
  }

  /**
   * For someone feelers has never met, the server of the bot's they are a member of (Discord
   * lets a user DM a bot only through a server they share). With one server there is nothing to
   * ask; with several, the member cache first, then GET /guilds/{guild}/members/{user} per
   * server until one answers (each a REST call in discord.js's per-route buckets, which wait out
   * a 429 as Discord asks; once per person, since the answer is kept as their DM link).
   */
  private async serverOf(userId: string): Promise<string | undefined> {
    const servers = this.config.guildIds ?? [...this.client.guilds.cache.keys()];
    if (servers.length <= 1) return undefined;
    const found =
      servers.find((g) => this.client.guilds.cache.get(g)?.members.cache.has(userId)) ?? (await this.askWhichServer(servers, userId));
    if (found) await this.links.seen(userId, found);
    return found;
  }

  private async askWhichServer(servers: readonly string[], userId: string): Promise<string | undefined> {
    for (const g of servers) {
      try {
        await this.client.rest.get(Routes.guildMember(g, userId));
        return g;
      } catch (err) {
        // 404 (Unknown Member, Unknown Guild): not there. Anything else: stop asking, file the DM as before.
        if ((err as { status?: unknown }).status !== 404) {
          this.log.warn({ err, guild: g }, 'discord: could not look up which server a DM comes from');
          return undefined;
        }
      }
    }
    return undefined;
  }

  private firstCommunity(): string {
    return this.config.guildIds?.[0] ?? this.client.guilds.cache.firstKey() ?? DM_GUILD;
  }

  private rememberForms(card: Card): void {
    for (const b of buttonsOf(card)) if (b.form) this.desk.rememberForm(b.id, b.form);
  }

  private async deliver(event: ChatEvent, sink: EventSink): Promise<void> {
    if ('direct' in event && event.direct) this.dmChannels.add(event.place.channel);
    if (event.place.community !== DM_GUILD && event.kind !== 'deleted' && !event.actor.isBot) {
      // Seen writing in a guild: their DMs count there (unless a DM from the bot says otherwise later).
      if (!('direct' in event) || !event.direct) await this.links.seen(event.actor.user, event.place.community);
    }
    await sink(event);
  }

  /** A thread seen before its parent (partial channel) gets fetched so its place is right. */
  private async complete(m: Message | PartialMessage): Promise<void> {
    if (m.channel.isThread() && !m.channel.parentId) await this.client.channels.fetch(m.channelId, { force: true });
  }

  private guard(what: string, fn: () => Promise<void>): void {
    fn().catch((err: unknown) => {
      this.status = { ...this.status, lastError: err instanceof Error ? err.message : String(err) };
      this.log.error({ err, what }, 'discord: event failed');
    });
  }

  private wire(sink: EventSink): void {
    const client = this.client;
    client.on(Events.MessageCreate, (m) =>
      this.guard('messageCreate', async () => {
        await this.complete(m);
        await this.deliver(parseMessage(m, await this.parseCtxFor(m.guildId, m.author.id)), sink);
      }),
    );
    client.on(Events.MessageUpdate, (old, m) =>
      this.guard('messageUpdate', async () => {
        // Link unfurls and pins also fire updates; only a message with an edit time was edited.
        if (m.partial || m.editedTimestamp === null || (!old.partial && old.content === m.content)) return;
        await this.complete(m);
        await this.deliver(parseEdit(m, await this.parseCtxFor(m.guildId, m.author.id)), sink);
      }),
    );
    client.on(Events.MessageDelete, (m) =>
      this.guard('messageDelete', async () => this.deliver(parseDelete(m, await this.parseCtxFor(m.guildId, m.author?.id)), sink)),
    );
    // Only a server joined after READY: those at start arrive in READY's own GUILD_CREATEs.
    client.on(Events.GuildCreate, (g) =>
      this.guard('guildCreate', async () => void (await sink(joinedEvent(g, this.config.communityNames)))),
    );
    client.on(Events.InteractionCreate, (i) => this.guard('interactionCreate', () => this.desk.handle(i, (e) => this.deliver(e, sink))));
    client.on(Events.ShardDisconnect, () => (this.status = { ...this.status, connected: false }));
    client.on(Events.ShardReconnecting, () => (this.status = { ...this.status, connected: false }));
    client.on(Events.ShardResume, () => (this.status = { connected: true, since: Date.now(), lastError: this.status.lastError }));
    client.on(Events.ShardReady, () => (this.status = { connected: true, since: Date.now(), lastError: this.status.lastError }));
    client.on(Events.ShardError, (err) => (this.status = { ...this.status, lastError: err.message }));
  }

  private async startThread(channelId: string, first: APIMessage, title: string): Promise<string | undefined> {
    // A thread started from a message has the message's id as its channel id.
    if (first.thread) return first.thread.id;
    try {
      const thread = (await this.client.rest.post(Routes.threads(channelId, first.id), {
        body: { name: threadName(title), auto_archive_duration: THREAD_ARCHIVE_MINUTES },
      })) as APIChannel;
      return thread.id;
    } catch (err) {
      if (err instanceof DiscordAPIError && err.code === THREAD_ALREADY_CREATED) return first.id;
      const mapped = toDeliveryError(err, 'start thread');
      // A retry gets the posted message back by its nonce (after a crash, by its footer) and
      // tries the thread again.
      if (mapped.kind !== 'gone') throw mapped;
      this.log.warn({ err, channelId }, 'discord: could not start a thread; replies will only come as message replies');
      return undefined;
    }
  }

  private async openDm(user: string): Promise<string> {
    const known = this.dmChannelOf.get(user);
    if (known) return known;
    const channel = (await this.client.rest.post(Routes.userChannels(), { body: { recipient_id: user } })) as APIChannel;
    this.dmChannelOf.set(user, channel.id);
    this.dmChannels.add(channel.id);
    return channel.id;
  }

  /** Guild channels and threads are cached from the gateway; only an unknown id costs a GET. */
  private async isDm(channelId: string): Promise<boolean> {
    if (this.dmChannels.has(channelId)) return true;
    if (this.guildChannels.has(channelId)) return false;
    let known;
    try {
      known = this.client.channels.cache.get(channelId) ?? (await this.client.channels.fetch(channelId));
    } catch {
      // Unknown or unreadable: the send itself will say why.
      return false;
    }
    // null: discord.js read a guild channel of a guild it has not cached (a standby instance).
    if (!known?.isDMBased()) {
      this.guildChannels.add(channelId);
      return false;
    }
    this.dmChannels.add(channelId);
    return true;
  }

  /**
   * Discord DMs have no threads, yet the engine posts digests "in the thread" of an ask card
   * made by DM: there, the card's thread is its own message id, and a post into it is a reply
   * to that message (message_reference), which Discord shows linked to the card.
   */
  private async postInDm(to: Place, card: Card, opts: SendOptions): Promise<MessageRef> {
    const extra: BodyExtra = to.thread ? { message_reference: { message_id: to.thread, fail_if_not_exists: false } } : {};
    const first = await this.sendCard(to.channel, card, opts, extra);
    return { network: NETWORK, community: to.community, channel: to.channel, id: first.id };
  }

  private async login(): Promise<void> {
    const history = this.config.startHistory ?? (this.config.state ? storeStartHistory(this.config.state) : undefined);
    if (history) await guardStart(history, this.config.clock ?? systemClock, this.log);
    const ready = once(this.client, Events.ClientReady);
    await this.client.login(this.config.token);
    await ready;
  }
}

/** The rate budget of one bot token: its own for every instance sending with it, the token itself never written. */
function budgetScope(token: string): string {
  return `discord:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
}
