/**
 * A fake Discord on 127.0.0.1: REST (/api/v10) + gateway, sharing one world. Tests drive it as
 * the platform would: people post messages, run slash commands, press buttons, submit modals.
 */
import { FakeGateway } from './fake-gateway.js';
import { FakeRest, type InteractionRecord, type RecordedRequest } from './fake-rest.js';
import {
  BASIC_PERMS,
  ChannelTypes,
  FakeWorld,
  PERM,
  memberJson,
  messageJson,
  userJson,
  type FakeChannel,
  type FakeGuild,
  type FakeUser,
  type Json,
} from './fake-state.js';
import type { Injection } from './fake-limits.js';

export { PERM, BASIC_PERMS, ChannelTypes, FakeWorld };
export type { FakeGuild, FakeUser, FakeChannel, RecordedRequest, InteractionRecord, Injection };

/** GatewayIntentBits.MessageContent: without it guild message content is blank unless the bot is mentioned. */
const MESSAGE_CONTENT_INTENT = 1 << 15;

export interface FakeDiscordOptions {
  token?: string;
  /** Enforce 50 req/s global and 5 messages / 5 s per channel with 429s. */
  enforceLimits?: boolean;
  /** Dispatch MESSAGE_CREATE for the bot's own posts, as Discord does (default true). */
  echoOwnMessages?: boolean;
  /**
   * The app is granted the privileged Message Content intent, so REST reads show other people's
   * text. Default: as the last IDENTIFY asked (granted when none did yet).
   */
  messageContentGranted?: boolean;
  /** The application's `bot_public` flag (GET /applications/@me). Default: private. */
  botPublic?: boolean;
}

export interface Who {
  guild?: string | undefined;
  channel: string;
  user: string;
}

export class FakeDiscord {
  readonly world = new FakeWorld();
  readonly rest: FakeRest;
  readonly gateway: FakeGateway;
  private echoOwn: boolean;

  private constructor(opts: FakeDiscordOptions) {
    this.gateway = new FakeGateway(this.world);
    this.echoOwn = opts.echoOwnMessages ?? true;
    this.world.botPublic = opts.botPublic ?? false;
    this.rest = new FakeRest(this.world, {
      gatewayUrl: () => this.gateway.url,
      dispatch: (t, d) => {
        if (t === 'MESSAGE_CREATE' && !this.echoOwn) return;
        this.gateway.dispatch(t, d);
      },
      messageContent: () =>
        opts.messageContentGranted ?? (this.gateway.identified ? (this.gateway.intents & MESSAGE_CONTENT_INTENT) !== 0 : true),
    });
    this.rest.token = opts.token ?? '';
    this.rest.enforceLimits = opts.enforceLimits ?? false;
  }

  static async start(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(opts);
    await Promise.all([fake.rest.listen(), fake.gateway.listen()]);
    return fake;
  }

  get apiUrl(): string {
    return this.rest.apiUrl;
  }

  get requests(): RecordedRequest[] {
    return this.rest.requests;
  }

  async stop(): Promise<void> {
    await Promise.all([this.rest.close(), this.gateway.close()]);
  }

  /** A guild with a text channel per name; members get basic rights unless given roles. */
  addGuild(spec: {
    id: string;
    name: string;
    ownerId?: string;
    channels: { id: string; name: string }[];
    members: { user: FakeUser; roles?: string[] }[];
    roles?: { id: string; name: string; permissions: bigint }[];
  }): FakeGuild {
    return this.world.addGuild({
      id: spec.id,
      name: spec.name,
      owner_id: spec.ownerId ?? '1',
      roles: [...(spec.roles ?? [])],
      members: spec.members.map((m) => ({ user: m.user, roles: m.roles ?? [] })),
      channels: spec.channels.map((c) => ({ id: c.id, name: c.name, type: ChannelTypes.GuildText })),
    });
  }

  /** Someone adds the bot to a new server while it runs (addGuild's spec): the gateway says so. */
  joinGuild(spec: Parameters<FakeDiscord['addGuild']>[0]): FakeGuild {
    const g = this.addGuild(spec);
    this.gateway.guildAdded(g);
    return g;
  }

  inject(rule: Injection): void {
    this.rest.injector.add(rule);
  }

  /** Requests matching method and a path pattern. */
  requestsTo(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  /** A person posts a message. Returns its id. */
  postMessage(who: Who, content: string, opts: { mentionsBot?: boolean; replyTo?: string; dispatch?: boolean } = {}): string {
    const channel = this.channel(who.channel);
    const author = this.user(who.user);
    const text = opts.mentionsBot ? `<@${this.world.bot.id}> ${content}` : content;
    const mentionsBot = text.includes(`<@${this.world.bot.id}>`);
    const ref = opts.replyTo ? { type: 0, message_id: opts.replyTo, channel_id: channel.id, guild_id: channel.guild_id } : undefined;
    const msg = this.rest.store(channel, author, { content: text, message_reference: ref });
    const hasIntent = (this.gateway.intents & MESSAGE_CONTENT_INTENT) !== 0;
    const visible = hasIntent || !channel.guild_id || mentionsBot || author.id === this.world.bot.id;
    const d: Json = {
      ...messageJson(msg),
      content: visible ? msg.content : '',
      mentions: mentionsBot ? [userJson(this.world.bot)] : [],
      channel_type: channel.type,
    };
    if (channel.guild_id) {
      const m = this.world.member(channel.guild_id, author.id);
      if (m) d['member'] = memberJson(m, false);
    }
    if (opts.dispatch !== false) this.gateway.dispatch('MESSAGE_CREATE', d);
    this.lastDispatch = { t: 'MESSAGE_CREATE', d };
    return msg.id;
  }

  /** The last dispatch a person caused, for `redeliver()`. */
  lastDispatch: { t: string; d: Json } | undefined;

  /** Sends the last person-caused dispatch again, as a gateway replay would. */
  redeliver(): void {
    if (!this.lastDispatch) throw new Error('fake discord: nothing to redeliver');
    this.gateway.dispatch(this.lastDispatch.t, this.lastDispatch.d);
  }

  /** The author edits a message: MESSAGE_UPDATE with a new edited_timestamp. */
  editMessage(channelId: string, id: string, content: string): void {
    const msg = this.world.findMessage(channelId, id);
    if (!msg) throw new Error(`fake discord: no message ${id}`);
    msg.content = content;
    msg.edited_timestamp = new Date().toISOString();
    const d: Json = { ...messageJson(msg), channel_type: this.channel(channelId).type };
    const m = msg.guild_id ? this.world.member(msg.guild_id, msg.author.id) : undefined;
    if (m) d['member'] = memberJson(m, false);
    this.gateway.dispatch('MESSAGE_UPDATE', d);
    this.lastDispatch = { t: 'MESSAGE_UPDATE', d };
  }

  deleteMessage(channelId: string, id: string): void {
    const list = this.world.messagesIn(channelId);
    const i = list.findIndex((m) => m.id === id);
    if (i >= 0) list.splice(i, 1);
    const d: Json = { id, channel_id: channelId, guild_id: this.channel(channelId).guild_id };
    this.gateway.dispatch('MESSAGE_DELETE', d);
    this.lastDispatch = { t: 'MESSAGE_DELETE', d };
  }

  /** The channel a message is in, searching every channel. */
  channelOfMessage(id: string): string | undefined {
    for (const [c, list] of this.world.messages) if (list.some((m) => m.id === id)) return c;
    return undefined;
  }

  /** Runs a slash command the way Discord builds it from the registered definition. */
  slashCommand(who: Who, name: string, opts: { sub?: string; options?: Record<string, string> } = {}): InteractionRecord {
    const registered = [...(who.guild ? (this.world.commands.get(who.guild) ?? []) : []), ...(this.world.commands.get('') ?? [])];
    const def = registered.find((c) => c['name'] === name);
    if (!def) throw new Error(`command /${name} is not registered`);
    const leaf = Object.entries(opts.options ?? {}).map(([k, v]) => ({ name: k, type: 3, value: v }));
    const options = opts.sub ? [{ name: opts.sub, type: 1, options: leaf }] : leaf;
    return this.interact(who, 2, { id: def['id'], name, type: 1, options });
  }

  pressButton(who: Who, messageId: string, customId: string): InteractionRecord {
    const message = this.world.findMessage(who.channel, messageId);
    return this.interact(who, 3, { custom_id: customId, component_type: 2 }, message ? messageJson(message) : undefined);
  }

  submitModal(who: Who, customId: string, fields: Record<string, string>): InteractionRecord {
    const components = Object.entries(fields).map(([k, v]) => ({
      type: 1,
      components: [{ type: 4, custom_id: k, value: v }],
    }));
    return this.interact(who, 5, { custom_id: customId, components });
  }

  selectUser(who: Who, messageId: string, customId: string, userId: string): InteractionRecord {
    const picked = this.user(userId);
    const message = this.world.findMessage(who.channel, messageId);
    const resolved: Json = { users: { [picked.id]: userJson(picked) } };
    const member = who.guild ? this.world.member(who.guild, picked.id) : undefined;
    if (member && who.guild) {
      resolved['members'] = {
        [picked.id]: { ...memberJson(member, false), permissions: this.world.permissionsOf(who.guild, picked.id).toString() },
      };
    }
    return this.interact(
      who,
      3,
      { custom_id: customId, component_type: 5, values: [picked.id], resolved },
      message ? messageJson(message) : undefined,
    );
  }

  private interact(who: Who, type: number, data: Json, message?: Json): InteractionRecord {
    const channel = this.channel(who.channel);
    const user = this.user(who.user);
    const rec: InteractionRecord = {
      id: this.world.ids.next(),
      token: `itoken-${this.world.ids.next()}`,
      guildId: who.guild,
      channelId: channel.id,
      userId: user.id,
      responses: [],
      followUps: [],
    };
    this.rest.interactions.set(rec.id, rec);
    const payload: Json = {
      id: rec.id,
      application_id: this.world.applicationId,
      type,
      data,
      channel: {
        id: channel.id,
        type: channel.type,
        guild_id: channel.guild_id,
        parent_id: channel.parent_id,
        name: channel.name,
        ...(channel.recipients ? { recipients: channel.recipients.map(userJson) } : {}),
      },
      channel_id: channel.id,
      token: rec.token,
      version: 1,
      locale: 'en-US',
      app_permissions: '0',
      entitlements: [],
      authorizing_integration_owners: {},
      context: who.guild ? 0 : 1,
      attachment_size_limit: 10_000_000,
    };
    if (message) payload['message'] = message;
    if (who.guild) {
      const m = this.world.member(who.guild, user.id) ?? { user, roles: [] };
      payload['guild_id'] = who.guild;
      payload['guild_locale'] = 'en-US';
      payload['member'] = { ...memberJson(m), permissions: this.world.permissionsOf(who.guild, user.id).toString() };
    } else payload['user'] = userJson(user);
    this.gateway.dispatch('INTERACTION_CREATE', payload);
    this.lastDispatch = { t: 'INTERACTION_CREATE', d: payload };
    return rec;
  }

  private channel(id: string): FakeChannel {
    const c = this.world.channels.get(id);
    if (!c) throw new Error(`fake discord: no channel ${id}`);
    return c;
  }

  private user(id: string): FakeUser {
    const u = this.world.users.get(id);
    if (!u) throw new Error(`fake discord: no user ${id}`);
    return u;
  }

  /** A DM channel between the bot and a user, as Discord opens it. */
  dmChannel(userId: string): FakeChannel {
    for (const c of this.world.channels.values()) {
      if (c.type === ChannelTypes.DM && c.recipients?.[0]?.id === userId) return c;
    }
    const c: FakeChannel = { id: this.world.ids.next(), type: ChannelTypes.DM, recipients: [this.user(userId)] };
    this.world.channels.set(c.id, c);
    return c;
  }

  /** Wait until `check` holds, polling the fake's state (no timing assertion: it only waits). */
  async until<T>(check: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
    const start = Date.now();
    for (;;) {
      const v = check();
      if (v !== undefined && v !== false) return v;
      if (Date.now() - start > timeoutMs) throw new Error(`fake discord: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
