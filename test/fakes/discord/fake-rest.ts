/**
 * A loopback fake of Discord's REST API v10 (node:http, port 0), enough for discord.js 14:
 * gateway discovery, messages (nonce + enforce_nonce dedupe), threads, DMs, application
 * commands, interaction callbacks and webhook follow-ups. Every request is recorded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FormFile } from '../multipart.js';
import { Injector, Limiter, rateHeaders, type Reply } from './fake-limits.js';
import { attachmentsOf, decodeBody } from './fake-uploads.js';
import {
  ChannelTypes,
  channelJson,
  memberJson,
  messageJson,
  userJson,
  type FakeChannel,
  type FakeWorld,
  type Json,
  type StoredMessage,
} from './fake-state.js';

export interface RecordedRequest {
  method: string;
  /** Path after /api/v10. */
  path: string;
  query: URLSearchParams;
  /** JSON, or a multipart request's `payload_json`. */
  body: unknown;
  contentType: string;
  /** The `files[n]` parts of a multipart request. */
  files?: FormFile[] | undefined;
  status: number;
}

export interface InteractionRecord {
  id: string;
  token: string;
  guildId?: string | undefined;
  channelId: string;
  /** Who interacted. */
  userId: string;
  /** Callback bodies in order; the first is the interaction's first response. */
  responses: Json[];
  followUps: Json[];
}

/** How long Discord remembers a nonce for enforce_nonce (a few minutes). */
const NONCE_WINDOW_MS = 5 * 60_000;

export interface RestHooks {
  gatewayUrl(): string;
  dispatch(t: string, d: Json): void;
  /**
   * Whether the app reads message content (the privileged intent). Discord blanks other
   * people's guild messages in REST reads too unless they mention the bot; default: granted.
   */
  messageContent?(): boolean;
}

export class FakeRest {
  readonly requests: RecordedRequest[] = [];
  readonly injector = new Injector();
  readonly interactions = new Map<string, InteractionRecord>();
  enforceLimits = false;
  /** The bot token the fake accepts; empty accepts any. */
  token = '';
  private limiter = new Limiter();
  private nonces = new Map<string, { id: string; at: number }>();
  private server: Server;
  port = 0;

  constructor(
    private readonly world: FakeWorld,
    private readonly hooks: RestHooks,
  ) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Forget every nonce, as Discord does after a few minutes: only the footer search finds a post then. */
  forgetNonces(): void {
    this.nonces.clear();
  }

  resetLimits(): void {
    this.limiter = new Limiter();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    // @discordjs/rest percent-encodes route parts (`/users/%40me`); Discord decodes them.
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const contentType = String(req.headers['content-type'] ?? '');
    const { body, files } = await decodeBody(await readBody(req), contentType);
    const reply = this.route(method, path, url.searchParams, body, req, files ?? []);
    this.requests.push({ method, path, query: url.searchParams, body, contentType, files, status: reply.status });
    // @discordjs/rest throws on a 204 that carries a JSON content-type: send none.
    if (reply.body === undefined) {
      res.writeHead(reply.status, reply.headers);
      res.end();
      return;
    }
    res.writeHead(reply.status, { ...reply.headers, 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.body));
  }

  /** GET /guilds/{guild}/members/{user}: the member, or Discord's 404s (Unknown Guild 10004, Unknown Member 10007). */
  private guildMember(guildId: string, userId: string): Reply {
    if (!this.world.guilds.has(guildId)) return json(404, { message: 'Unknown Guild', code: 10004 });
    const m = this.world.member(guildId, userId);
    return m ? json(200, memberJson(m)) : json(404, { message: 'Unknown Member', code: 10007 });
  }

  private route(method: string, path: string, query: URLSearchParams, body: unknown, req: IncomingMessage, files: FormFile[]): Reply {
    const isInteraction = path.startsWith('/interactions/') || path.startsWith('/webhooks/');
    // Interaction callbacks and webhooks authenticate by their token in the path, not the bot token.
    if (!isInteraction && this.token && req.headers.authorization !== `Bot ${this.token}`) {
      return json(401, { message: '401: Unauthorized', code: 0 });
    }
    if (this.enforceLimits && !isInteraction) {
      const limited = this.limiter.checkGlobal();
      if (limited) return limited;
    }
    const injected = this.injector.take(method, path);
    if (injected) return injected;
    const b = (typeof body === 'object' && body !== null ? body : {}) as Json;
    const seg = path.split('/').filter(Boolean);
    const [a0, a1, a2, a3, a4, a5] = seg;

    if (method === 'GET' && path === '/gateway/bot') {
      return json(200, {
        url: this.hooks.gatewayUrl(),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
      });
    }
    if (method === 'GET' && path === '/users/@me') return json(200, userJson(this.world.bot));
    // discord.js reads it as ClientApplication.fetch(); older docs name it /oauth2/applications/@me.
    if (method === 'GET' && (path === '/applications/@me' || path === '/oauth2/applications/@me')) {
      return json(200, { id: this.world.applicationId, name: this.world.bot.username, flags: 0, bot_public: this.world.botPublic });
    }
    if (method === 'POST' && path === '/users/@me/channels') return this.openDm(String(b['recipient_id'] ?? ''));
    if (a0 === 'applications' && a1 === this.world.applicationId) return this.commands(method, seg.slice(2), body);
    if (a0 === 'interactions' && a1 && a2 && a3 === 'callback' && method === 'POST') {
      return this.callback(a1, a2, b, query);
    }
    if (a0 === 'webhooks' && a1 && a2) return this.webhook(method, a2, a3, a4, b);
    if (a0 === 'guilds' && a1 && a2 === 'members' && a3 && seg.length === 4 && method === 'GET') return this.guildMember(a1, a3);
    if (a0 !== 'channels' || !a1) return notFound();
    const channel = this.world.channels.get(a1);
    if (!channel) return json(404, { message: 'Unknown Channel', code: 10003 });
    if (method === 'GET' && seg.length === 2) return json(200, channelJson(channel));
    if (a2 !== 'messages') return notFound();
    if (method === 'POST' && seg.length === 3) return this.createMessage(channel, b, files);
    if (method === 'GET' && seg.length === 3) {
      const limit = Math.min(100, Number(query.get('limit') ?? 50));
      const list = [...this.world.messagesIn(channel.id)].reverse().slice(0, Math.max(1, limit));
      return json(
        200,
        list.map((m) => this.readable(messageJson(m), m)),
      );
    }
    const msg = a3 ? this.world.findMessage(channel.id, a3) : undefined;
    if (!msg) return json(404, { message: 'Unknown Message', code: 10008 });
    if (method === 'GET' && seg.length === 4) return json(200, messageJson(msg));
    if (method === 'PATCH' && seg.length === 4) return this.editMessage(msg, b);
    if (method === 'DELETE' && seg.length === 4) {
      const list = this.world.messagesIn(channel.id);
      list.splice(list.indexOf(msg), 1);
      this.hooks.dispatch('MESSAGE_DELETE', { id: msg.id, channel_id: channel.id, guild_id: channel.guild_id });
      return { status: 204, headers: {} };
    }
    if (method === 'POST' && a4 === 'threads' && a5 === undefined) return this.startThread(channel, msg, b);
    return notFound();
  }

  /** A message as this bot may read it: without the content intent, as Discord blanks it. */
  private readable(out: Json, m: StoredMessage): Json {
    const mention = `<@${this.world.bot.id}>`;
    const mentionsBot = m.content.includes(mention) || m.content.includes(`<@!${this.world.bot.id}>`);
    if (mentionsBot) out['mentions'] = [userJson(this.world.bot)];
    const granted = this.hooks.messageContent?.() ?? true;
    if (granted || !m.guild_id || mentionsBot || m.author.id === this.world.bot.id) return out;
    return { ...out, content: '', embeds: [], components: [], attachments: [] };
  }

  private createMessage(channel: FakeChannel, b: Json, files: FormFile[]): Reply {
    let headers: Record<string, string>;
    if (this.enforceLimits) {
      const check = this.limiter.checkChannel(channel.id);
      if (check.reject) return check.reject;
      headers = check.headers;
    } else headers = rateHeaders(5, 4, 5, `msg-${channel.id}`);
    const nonce = b['nonce'];
    const nonceKey = `${channel.id}:${String(nonce)}`;
    if (b['enforce_nonce'] === true && (typeof nonce === 'string' || typeof nonce === 'number')) {
      const seen = this.nonces.get(nonceKey);
      if (seen && Date.now() - seen.at < NONCE_WINDOW_MS) {
        const existing = this.world.findMessage(channel.id, seen.id);
        // Discord answers a repeated nonce with the message it already created.
        if (existing) return { status: 200, headers, body: messageJson(existing, true) };
      }
    }
    const attachments = attachmentsOf(b, files, () => this.world.ids.next(), channel.id);
    if (!attachments) return json(400, { message: 'Invalid Form Body', code: 50035 });
    const msg = this.store(channel, this.world.bot, b);
    if (attachments.length) msg.attachments = attachments;
    if (nonce !== undefined && (typeof nonce === 'string' || typeof nonce === 'number')) {
      msg.nonce = nonce;
      this.nonces.set(nonceKey, { id: msg.id, at: Date.now() });
    }
    this.hooks.dispatch('MESSAGE_CREATE', { ...messageJson(msg, true), channel_type: channel.type });
    return { status: 200, headers, body: messageJson(msg, true) };
  }

  store(channel: FakeChannel, author: StoredMessage['author'], b: Json, flags = 0): StoredMessage {
    const msg: StoredMessage = {
      id: this.world.ids.next(),
      channel_id: channel.id,
      guild_id: channel.guild_id,
      author,
      content: typeof b['content'] === 'string' ? b['content'] : '',
      embeds: Array.isArray(b['embeds']) ? b['embeds'] : [],
      components: Array.isArray(b['components']) ? b['components'] : [],
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      message_reference: b['message_reference'] as Json | undefined,
      flags: typeof b['flags'] === 'number' ? b['flags'] : flags,
    };
    this.world.messagesIn(channel.id).push(msg);
    return msg;
  }

  private interactionMessage(channel: FakeChannel, b: Json): StoredMessage {
    const msg = this.store(channel, this.world.bot, b);
    msg.viaInteraction = true;
    return msg;
  }

  private editMessage(msg: StoredMessage, b: Json): Reply {
    if (msg.author.id !== this.world.bot.id) {
      return json(403, { message: 'Cannot edit a message authored by another user', code: 50005 });
    }
    if (typeof b['content'] === 'string') msg.content = b['content'];
    if (Array.isArray(b['embeds'])) msg.embeds = b['embeds'];
    if (Array.isArray(b['components'])) msg.components = b['components'];
    msg.edited_timestamp = new Date().toISOString();
    this.hooks.dispatch('MESSAGE_UPDATE', messageJson(msg));
    return json(200, messageJson(msg));
  }

  private startThread(channel: FakeChannel, msg: StoredMessage, b: Json): Reply {
    if (msg.thread) return json(400, { message: 'A thread has already been created for this message', code: 160004 });
    // A thread started from a message has the message's id as its channel id.
    const thread: FakeChannel = {
      id: msg.id,
      type: ChannelTypes.PublicThread,
      guild_id: channel.guild_id,
      parent_id: channel.id,
      name: typeof b['name'] === 'string' ? b['name'] : 'thread',
    };
    this.world.channels.set(thread.id, thread);
    msg.thread = thread;
    this.hooks.dispatch('THREAD_CREATE', { ...channelJson(thread), newly_created: true });
    return json(201, channelJson(thread));
  }

  private openDm(recipientId: string): Reply {
    const user = this.world.users.get(recipientId);
    if (!user) return json(400, { message: 'Invalid Form Body', code: 50035 });
    for (const c of this.world.channels.values()) {
      if (c.type === ChannelTypes.DM && c.recipients?.[0]?.id === recipientId) return json(200, channelJson(c));
    }
    const dm: FakeChannel = { id: this.world.ids.next(), type: ChannelTypes.DM, recipients: [user] };
    this.world.channels.set(dm.id, dm);
    return json(200, channelJson(dm));
  }

  private commands(method: string, rest: string[], body: unknown): Reply {
    const [c0, guildId, c2] = rest;
    const key = c0 === 'guilds' && guildId && c2 === 'commands' ? guildId : c0 === 'commands' ? '' : undefined;
    if (key === undefined) return notFound();
    if (method === 'GET') return json(200, this.world.commands.get(key) ?? []);
    if (method !== 'PUT' || !Array.isArray(body)) return notFound();
    const saved = body.map((c: Json) => ({
      ...c,
      id: this.world.ids.next(),
      application_id: this.world.applicationId,
      version: this.world.ids.next(),
      type: c['type'] ?? 1,
      ...(key ? { guild_id: key } : {}),
    }));
    this.world.commands.set(key, saved);
    return json(200, saved);
  }

  private callback(id: string, token: string, b: Json, query: URLSearchParams): Reply {
    const rec = this.interactions.get(id);
    if (!rec || rec.token !== token) return json(404, { message: 'Unknown interaction', code: 10062 });
    if (rec.responses.length > 0) {
      return json(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
    }
    rec.responses.push(b);
    if (query.get('with_response') === 'true') {
      return json(200, { interaction: { id, type: 2, response_message_loading: false, response_message_ephemeral: false } });
    }
    return { status: 204, headers: {} };
  }

  private webhook(method: string, token: string, a3: string | undefined, a4: string | undefined, b: Json): Reply {
    const rec = [...this.interactions.values()].find((r) => r.token === token);
    if (!rec) return json(404, { message: 'Unknown Webhook', code: 10015 });
    if (rec.responses.length === 0) return json(400, { message: 'Interaction has not been acknowledged', code: 40060 });
    const channel = this.world.channels.get(rec.channelId);
    if (!channel) return notFound();
    if (method === 'POST' && a3 === undefined) {
      rec.followUps.push(b);
      return json(200, messageJson(this.interactionMessage(channel, b)));
    }
    if (a3 === 'messages' && a4) {
      if (method === 'PATCH') {
        rec.followUps.push(b);
        return json(200, messageJson(this.interactionMessage(channel, b)));
      }
      if (method === 'GET') return json(200, messageJson(this.interactionMessage(channel, {})));
      if (method === 'DELETE') return { status: 204, headers: {} };
    }
    return notFound();
  }
}

function json(status: number, body: unknown): Reply {
  return { status, headers: {}, body };
}

function notFound(): Reply {
  return json(404, { message: '404: Not Found', code: 0 });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
