/**
 * The world a fake Discord keeps: guilds, channels, members, messages, registered commands.
 * Shapes are the raw API v10 JSON (snake_case) so the real discord.js parses them.
 */
import type { FakeAttachment } from './fake-uploads.js';

export const DISCORD_EPOCH = 1420070400000n;

/** Permission bits the adapter reads (Discord API `permissions` bitfield). */
export const PERM = {
  ADMINISTRATOR: 1n << 3n,
  MANAGE_CHANNELS: 1n << 4n,
  MANAGE_GUILD: 1n << 5n,
  VIEW_CHANNEL: 1n << 10n,
  SEND_MESSAGES: 1n << 11n,
  READ_MESSAGE_HISTORY: 1n << 16n,
} as const;

export const BASIC_PERMS = PERM.VIEW_CHANNEL | PERM.SEND_MESSAGES | PERM.READ_MESSAGE_HISTORY;

export interface FakeUser {
  id: string;
  username: string;
  global_name?: string | null;
  bot?: boolean;
}

export interface FakeRole {
  id: string;
  name: string;
  permissions: bigint;
}

export interface FakeMember {
  user: FakeUser;
  roles: string[];
  nick?: string | null;
}

export interface FakeChannel {
  id: string;
  type: number;
  guild_id?: string | undefined;
  name?: string | undefined;
  parent_id?: string | undefined;
  /** DM channels: the other person. */
  recipients?: FakeUser[] | undefined;
}

export interface FakeGuild {
  id: string;
  name: string;
  owner_id: string;
  roles: FakeRole[];
  members: FakeMember[];
  channels: FakeChannel[];
}

export type Json = Record<string, unknown>;

export interface StoredMessage {
  id: string;
  channel_id: string;
  guild_id?: string | undefined;
  author: FakeUser;
  content: string;
  embeds: unknown[];
  components: unknown[];
  timestamp: string;
  edited_timestamp: string | null;
  message_reference?: Json | undefined;
  nonce?: string | number | undefined;
  flags: number;
  thread?: FakeChannel | undefined;
  /** Written through an interaction's webhook (a reply or follow-up), not a channel post. */
  viaInteraction?: boolean | undefined;
  /** Files uploaded with the create (multipart `files[n]`). */
  attachments?: FakeAttachment[] | undefined;
}

export const ChannelTypes = { GuildText: 0, DM: 1, PublicThread: 11 } as const;

/** Increasing snowflakes with a real timestamp part, so discord.js's createdAt makes sense. */
export class Snowflakes {
  private seq = 0n;
  next(): string {
    const ms = BigInt(Date.now()) - DISCORD_EPOCH;
    this.seq = (this.seq + 1n) & 0xfffn;
    return ((ms << 22n) | (1n << 17n) | this.seq).toString();
  }
}

export class FakeWorld {
  readonly ids = new Snowflakes();
  readonly applicationId: string;
  readonly bot: FakeUser;
  readonly guilds = new Map<string, FakeGuild>();
  readonly channels = new Map<string, FakeChannel>();
  /** Messages by channel, oldest first. */
  readonly messages = new Map<string, StoredMessage[]>();
  readonly users = new Map<string, FakeUser>();
  /** Global commands under key '', guild commands under the guild id: the last bulk overwrite. */
  readonly commands = new Map<string, Json[]>();
  /** The application's `bot_public` flag: anyone may add a public bot to a server, only its owner a private one. */
  botPublic = false;

  constructor(bot?: Partial<FakeUser>) {
    this.applicationId = bot?.id ?? this.ids.next();
    this.bot = { id: this.applicationId, username: bot?.username ?? 'feelers', bot: true, global_name: null };
    this.users.set(this.bot.id, this.bot);
  }

  addGuild(g: FakeGuild): FakeGuild {
    this.guilds.set(g.id, g);
    if (!g.members.some((m) => m.user.id === this.bot.id)) g.members.push({ user: this.bot, roles: [] });
    if (!g.roles.some((r) => r.id === g.id)) g.roles.push({ id: g.id, name: '@everyone', permissions: BASIC_PERMS });
    for (const c of g.channels) this.channels.set(c.id, { ...c, guild_id: g.id });
    for (const m of g.members) this.users.set(m.user.id, m.user);
    return g;
  }

  member(guildId: string, userId: string): FakeMember | undefined {
    return this.guilds.get(guildId)?.members.find((m) => m.user.id === userId);
  }

  /** Computed guild-level permissions, as Discord puts them in an interaction's member. */
  permissionsOf(guildId: string, userId: string): bigint {
    const g = this.guilds.get(guildId);
    if (!g) return 0n;
    if (g.owner_id === userId) return (1n << 50n) - 1n;
    const m = this.member(guildId, userId);
    let p = g.roles.find((r) => r.id === guildId)?.permissions ?? 0n;
    for (const rid of m?.roles ?? []) p |= g.roles.find((r) => r.id === rid)?.permissions ?? 0n;
    return p & PERM.ADMINISTRATOR ? (1n << 50n) - 1n : p;
  }

  messagesIn(channelId: string): StoredMessage[] {
    let list = this.messages.get(channelId);
    if (!list) {
      list = [];
      this.messages.set(channelId, list);
    }
    return list;
  }

  findMessage(channelId: string, id: string): StoredMessage | undefined {
    return this.messages.get(channelId)?.find((m) => m.id === id);
  }
}

export function userJson(u: FakeUser): Json {
  return {
    id: u.id,
    username: u.username,
    global_name: u.global_name ?? null,
    discriminator: '0',
    avatar: null,
    bot: u.bot ?? false,
  };
}

export function memberJson(m: FakeMember, withUser = true): Json {
  return {
    ...(withUser ? { user: userJson(m.user) } : {}),
    roles: m.roles,
    nick: m.nick ?? null,
    joined_at: new Date(0).toISOString(),
    deaf: false,
    mute: false,
    flags: 0,
  };
}

export function channelJson(c: FakeChannel): Json {
  const base: Json = { id: c.id, type: c.type, name: c.name ?? null };
  if (c.guild_id) base['guild_id'] = c.guild_id;
  if (c.parent_id) base['parent_id'] = c.parent_id;
  if (c.type === ChannelTypes.GuildText) {
    base['position'] = 0;
    base['permission_overwrites'] = [];
  }
  if (c.type === ChannelTypes.PublicThread) {
    base['owner_id'] = null;
    base['thread_metadata'] = {
      archived: false,
      auto_archive_duration: 1440,
      archive_timestamp: new Date().toISOString(),
      locked: false,
    };
    base['message_count'] = 0;
    base['member_count'] = 1;
  }
  if (c.recipients) base['recipients'] = c.recipients.map(userJson);
  return base;
}

/** A message as GET returns it: Discord echoes `nonce` only in the create response. */
export function messageJson(m: StoredMessage, withNonce = false): Json {
  const out: Json = {
    id: m.id,
    channel_id: m.channel_id,
    author: userJson(m.author),
    content: m.content,
    embeds: m.embeds,
    components: m.components,
    attachments: (m.attachments ?? []).map(({ text: _text, ...a }) => a),
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: false,
    type: m.message_reference ? 19 : 0,
    timestamp: m.timestamp,
    edited_timestamp: m.edited_timestamp,
    flags: m.flags,
  };
  if (m.guild_id) out['guild_id'] = m.guild_id;
  if (m.message_reference) out['message_reference'] = m.message_reference;
  if (withNonce && m.nonce !== undefined) out['nonce'] = m.nonce;
  if (m.thread) out['thread'] = channelJson(m.thread);
  return out;
}
