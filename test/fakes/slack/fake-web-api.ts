import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../../src/core/clock.js';
import { TokenBuckets, type RateLimits } from './token-buckets.js';

/**
 * A loopback fake of the Slack Web API: enough of it for feelers' adapter, with Slack's own
 * answers and errors, so the real @slack/bolt WebClient talks to it unchanged
 * (`clientOptions: { slackApiUrl: fake.apiUrl }`).
 */

export interface FakeUser {
  readonly id: string;
  readonly name: string;
  readonly realName?: string;
  readonly displayName?: string;
  readonly isAdmin?: boolean;
  readonly isOwner?: boolean;
  readonly isBot?: boolean;
}

export interface RecordedCall {
  readonly method: string;
  readonly args: Record<string, unknown>;
  /** From `Authorization: Bearer …` or a `token` argument. */
  readonly token: string | undefined;
  readonly contentType: string;
}

export interface StoredMessage {
  readonly channel: string;
  readonly ts: string;
  text: string;
  blocks?: unknown;
  metadata?: unknown;
  readonly thread_ts?: string | undefined;
  readonly user?: string | undefined;
  readonly bot_id?: string | undefined;
}

/** What to answer instead of the real thing, the next `times` calls of a method. */
export type Injection =
  | { readonly status: 429; readonly retryAfterSec: number }
  | { readonly status: 500 | 502 | 503 }
  | { readonly error: string };

export interface FakeSlackOptions {
  readonly team?: { id: string; name: string; domain?: string };
  readonly botToken?: string;
  readonly botUserId?: string;
  readonly botId?: string;
  readonly users?: readonly FakeUser[];
  readonly clock?: Clock;
  /** Enforce Slack's posting limits with 429s (off by default). */
  readonly rateLimits?: RateLimits | boolean;
}

type Args = Record<string, unknown>;
type Answer = Record<string, unknown>;

/** Fields the WebClient sends as JSON strings inside a form body. */
const JSON_FIELDS = ['blocks', 'attachments', 'metadata', 'view'];

export class FakeSlack {
  readonly team: { id: string; name: string; domain: string };
  readonly botToken: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly calls: RecordedCall[] = [];
  private readonly users = new Map<string, FakeUser>();
  private readonly messages: StoredMessage[] = [];
  private readonly ephemerals: { channel: string; user: string; text: string; thread_ts?: string | undefined }[] = [];
  private readonly injections = new Map<string, { injection: Injection; times: number }[]>();
  private readonly clock: Clock;
  private buckets: TokenBuckets | undefined;
  private seq = 0;
  private views = 0;
  private server: Server | undefined;
  private base = '';

  private constructor(o: FakeSlackOptions) {
    this.team = { domain: 'acme', ...(o.team ?? { id: 'T1', name: 'Acme' }) };
    this.botToken = o.botToken ?? 'xoxb-fake-token';
    this.botUserId = o.botUserId ?? 'UBOT';
    this.botId = o.botId ?? 'BBOT';
    this.clock = o.clock ?? systemClock;
    for (const u of o.users ?? []) this.addUser(u);
    this.addUser({ id: this.botUserId, name: 'feelers', isBot: true });
    if (o.rateLimits) this.buckets = new TokenBuckets(this.clock, o.rateLimits === true ? undefined : o.rateLimits);
  }

  static async start(o: FakeSlackOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(o);
    const server = createServer((req, res) => void fake.serve(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.server = server;
    fake.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  /** What to give the WebClient as `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.base}/api/`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  addUser(u: FakeUser): void {
    this.users.set(u.id, u);
  }

  /** The next `times` calls of `method` get this answer. */
  inject(method: string, injection: Injection, times = 1): void {
    const list = this.injections.get(method) ?? [];
    list.push({ injection, times });
    this.injections.set(method, list);
  }

  enableRateLimits(limits?: RateLimits): void {
    this.buckets = new TokenBuckets(this.clock, limits);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages in a channel, oldest first (top-level and thread replies). */
  messagesIn(channel: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel);
  }

  /** Ephemeral messages shown to one user (never stored in a channel's history). */
  ephemeralsFor(user: string): { channel: string; text: string }[] {
    return this.ephemerals.filter((e) => e.user === user).map(({ channel, text }) => ({ channel, text }));
  }

  /** One stored message. */
  message(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  /** Seed a message as if someone (or the bot, before a crash) had posted it. */
  seedMessage(m: Omit<StoredMessage, 'ts'> & { ts?: string }): StoredMessage {
    const stored: StoredMessage = { ...m, ts: m.ts ?? this.nextTs() };
    this.messages.push(stored);
    return stored;
  }

  private nextTs(): string {
    this.seq += 1;
    const sec = Math.floor(this.clock.now() / 1000);
    return `${sec}.${String(this.seq).padStart(6, '0')}`;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/api\/([\w.]+)/.exec(req.url ?? '');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const contentType = String(req.headers['content-type'] ?? '');
    const args = parseArgs(raw, contentType);
    const method = match?.[1] ?? '';
    const auth = String(req.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' ? args.token : undefined;
    this.calls.push({ method, args, token, contentType });
    if (!match) return send(res, 404, { ok: false, error: 'unknown_method' });

    const injected = this.takeInjection(method);
    if (injected) {
      if ('status' in injected && injected.status === 429) {
        return send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(injected.retryAfterSec) });
      }
      if ('status' in injected) return send(res, injected.status, { ok: false, error: 'internal_error' });
      return send(res, 200, { ok: false, error: injected.error });
    }
    if (token !== this.botToken) return send(res, 200, { ok: false, error: token ? 'invalid_auth' : 'not_authed' });
    const wait = this.buckets?.take(method, args);
    if (wait !== undefined) return send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(wait) });
    const answer = this.answer(method, args);
    return send(res, 200, answer);
  }

  private takeInjection(method: string): Injection | undefined {
    const list = this.injections.get(method);
    const head = list?.[0];
    if (!list || !head) return undefined;
    head.times -= 1;
    if (head.times <= 0) list.shift();
    return head.injection;
  }

  private answer(method: string, a: Args): Answer {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: `https://${this.team.domain}.slack.com/`,
          team: this.team.name,
          user: 'feelers',
          team_id: this.team.id,
          user_id: this.botUserId,
          bot_id: this.botId,
        };
      case 'chat.postMessage':
        return this.postMessage(a);
      case 'chat.update':
        return this.update(a);
      case 'chat.postEphemeral': {
        if (typeof a.channel !== 'string' || typeof a.user !== 'string') return { ok: false, error: 'invalid_arguments' };
        const thread = typeof a.thread_ts === 'string' ? a.thread_ts : undefined;
        this.ephemerals.push({ channel: a.channel, user: a.user, text: typeof a.text === 'string' ? a.text : '', thread_ts: thread });
        return { ok: true, message_ts: this.nextTs() };
      }
      case 'conversations.open': {
        const user = String(a.users ?? '').split(',')[0];
        if (!user || !this.users.has(user)) return { ok: false, error: 'user_not_found' };
        return { ok: true, channel: { id: `D${user}` } };
      }
      case 'conversations.history':
        return this.history(a);
      case 'conversations.replies':
        return this.replies(a);
      case 'users.info':
        return this.userInfo(a);
      case 'team.info':
        return { ok: true, team: { ...this.team } };
      case 'views.open': {
        if (typeof a.trigger_id !== 'string' || !a.trigger_id) return { ok: false, error: 'invalid_trigger_id' };
        if (typeof a.view !== 'object' || a.view === null) return { ok: false, error: 'invalid_arguments' };
        this.views += 1;
        return { ok: true, view: { ...(a.view as Args), id: `V${this.views}`, hash: `h${this.views}` } };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private postMessage(a: Args): Answer {
    const channel = typeof a.channel === 'string' ? a.channel : '';
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const invalid = validateBlocks(a.blocks);
    if (invalid) return { ok: false, error: 'invalid_blocks', errors: [invalid] };
    if (typeof a.text !== 'string' && a.blocks === undefined) return { ok: false, error: 'no_text' };
    const thread = typeof a.thread_ts === 'string' ? a.thread_ts : undefined;
    const stored = this.seedMessage({
      channel,
      text: typeof a.text === 'string' ? a.text : '',
      blocks: a.blocks,
      metadata: a.metadata,
      thread_ts: thread,
      user: this.botUserId,
      bot_id: this.botId,
    });
    return { ok: true, channel, ts: stored.ts, message: { ...stored, type: 'message' } };
  }

  private update(a: Args): Answer {
    const m = this.messages.find((x) => x.channel === a.channel && x.ts === a.ts);
    if (!m) return { ok: false, error: 'message_not_found' };
    if (m.user !== this.botUserId) return { ok: false, error: 'cant_update_message' };
    const invalid = validateBlocks(a.blocks);
    if (invalid) return { ok: false, error: 'invalid_blocks', errors: [invalid] };
    if (typeof a.text === 'string') m.text = a.text;
    if (a.blocks !== undefined) m.blocks = a.blocks;
    return { ok: true, channel: m.channel, ts: m.ts, text: m.text };
  }

  /** Slack returns metadata only when asked with include_all_metadata. */
  private view(m: StoredMessage, a: Args): Answer {
    const withMeta = a.include_all_metadata === true || a.include_all_metadata === 'true';
    const { metadata, channel: _channel, ...rest } = m;
    return { type: 'message', ...rest, ...(withMeta && metadata !== undefined ? { metadata } : {}) };
  }

  private history(a: Args): Answer {
    const limit = Math.min(Number(a.limit ?? 100) || 100, 999);
    const top = this.messagesIn(String(a.channel)).filter((m) => !m.thread_ts || m.thread_ts === m.ts);
    const newestFirst = top.reverse().slice(0, limit);
    return { ok: true, messages: newestFirst.map((m) => this.view(m, a)), has_more: top.length > limit };
  }

  private replies(a: Args): Answer {
    const ts = String(a.ts ?? '');
    const limit = Math.min(Number(a.limit ?? 100) || 100, 999);
    const thread = this.messagesIn(String(a.channel)).filter((m) => m.ts === ts || m.thread_ts === ts);
    if (thread.length === 0) return { ok: false, error: 'thread_not_found' };
    return { ok: true, messages: thread.slice(0, limit).map((m) => this.view(m, a)), has_more: thread.length > limit };
  }

  private userInfo(a: Args): Answer {
    const u = this.users.get(String(a.user));
    if (!u) return { ok: false, error: 'user_not_found' };
    return {
      ok: true,
      user: {
        id: u.id,
        team_id: this.team.id,
        name: u.name,
        real_name: u.realName ?? u.name,
        is_admin: u.isAdmin ?? false,
        is_owner: u.isOwner ?? false,
        is_bot: u.isBot ?? false,
        profile: { display_name: u.displayName ?? '', real_name: u.realName ?? u.name },
      },
    };
  }
}

function parseArgs(raw: string, contentType: string): Args {
  let args: Args = {};
  if (contentType.startsWith('application/json')) {
    try {
      const parsed: unknown = JSON.parse(raw || '{}');
      if (typeof parsed === 'object' && parsed !== null) args = parsed as Args;
    } catch {
      args = {};
    }
  } else {
    args = Object.fromEntries(new URLSearchParams(raw));
  }
  for (const f of JSON_FIELDS) {
    const v = args[f];
    if (typeof v === 'string') {
      try {
        args[f] = JSON.parse(v) as unknown;
      } catch {
        // Slack would answer invalid_arguments; keeping the string lets a test see what was sent.
      }
    }
  }
  return args;
}

/** Slack's own hard limits on blocks, answered with invalid_blocks like the real thing. */
function validateBlocks(blocks: unknown): string | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return 'blocks must be an array';
  if (blocks.length > 50) return 'no more than 50 items allowed [json-pointer:/blocks]';
  for (const [i, b] of blocks.entries()) {
    const text = (b as { text?: { text?: unknown } }).text?.text;
    if ((b as { type?: unknown }).type === 'section' && typeof text === 'string' && text.length > 3000) {
      return `must be less than 3001 characters [json-pointer:/blocks/${i}/text/text]`;
    }
  }
  return undefined;
}

function send(res: ServerResponse, status: number, body: Answer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
