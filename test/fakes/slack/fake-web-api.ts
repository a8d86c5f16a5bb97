import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../../src/ports/clock.js';
import { FakeFiles, UPLOAD_PATH } from './fake-files.js';
import { FakeOAuth, type IssuedToken } from './fake-oauth.js';
import { FakeSocketMode } from './fake-socket-mode.js';
import { parseArgs, send, validateBlocks, withBasicAuth, type Answer, type Args } from './fake-wire.js';
import type { FakeSlackOptions, FakeTeam, FakeUser, Injection, RecordedCall, SharedFile, StoredMessage, Upload } from './fake-types.js';
import { TokenBuckets, type RateLimits } from './token-buckets.js';

/**
 * A loopback fake of the Slack Web API: enough of it for feelers' adapter, with Slack's own
 * answers and errors, so the real @slack/bolt WebClient talks to it unchanged
 * (`clientOptions: { slackApiUrl: fake.apiUrl }`).
 */

export type { FakeSlackOptions, FakeTeam, FakeUser, Injection, RecordedCall, SharedFile, StoredMessage, Upload } from './fake-types.js';

export class FakeSlack {
  readonly team: { id: string; name: string; domain: string };
  readonly botToken: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appToken: string;
  readonly calls: RecordedCall[] = [];
  readonly oauth: FakeOAuth | undefined;
  private readonly teams = new Map<string, FakeTeam>();
  private readonly channels = new Map<string, string>();
  private socketMode: FakeSocketMode | undefined;
  private readonly users = new Map<string, FakeUser>();
  private readonly messages: StoredMessage[] = [];
  private readonly ephemerals: { channel: string; user: string; text: string; thread_ts?: string | undefined }[] = [];
  private readonly injections = new Map<string, { injection: Injection; times: number }[]>();
  private readonly clock: Clock;
  private readonly files = new FakeFiles({
    base: () => this.base,
    teamOfChannel: (channel) => this.teamOfChannel(channel),
    seedMessage: (m) => this.seedMessage(m),
  });
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
    this.appToken = o.appToken ?? 'xapp-fake-token';
    this.oauth = o.oauth ? new FakeOAuth(o.oauth.clientId, o.oauth.clientSecret) : undefined;
    this.clock = o.clock ?? systemClock;
    // With OAuth the first team, like every other, gets its token from an install.
    for (const u of o.users ?? []) this.addUser(u);
    this.addTeam({ ...this.team, botUserId: this.botUserId, botId: this.botId, botToken: o.oauth ? '' : this.botToken });
    if (o.rateLimits) this.buckets = new TokenBuckets(this.clock, o.rateLimits === true ? undefined : o.rateLimits);
  }

  static async start(o: FakeSlackOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(o);
    const server = createServer((req, res) => void fake.serve(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.server = server;
    fake.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fake.socketMode = new FakeSocketMode(server, () => fake.base);
    return fake;
  }

  /** Slack's Socket Mode end of this fake. */
  get socket(): FakeSocketMode {
    if (!this.socketMode) throw new Error('the fake is not started');
    return this.socketMode;
  }

  /** Where /slack/install should send the browser (Slack's authorize page). */
  get authorizeUrl(): string {
    return `${this.base}/oauth/v2/authorize`;
  }

  /**
   * Another workspace. Without OAuth it is installed at once with `botToken`; with OAuth its
   * token comes from oauth.v2.access. Its bot user is a user of that workspace.
   */
  addTeam(t: { id: string; name: string; domain?: string; botUserId?: string; botId?: string; botToken?: string }): FakeTeam {
    const team: FakeTeam = {
      id: t.id,
      name: t.name,
      domain: t.domain ?? t.name.toLowerCase(),
      botUserId: t.botUserId ?? `UBOT${t.id}`,
      botId: t.botId ?? `BBOT${t.id}`,
      botToken: t.botToken ?? (this.oauth ? '' : `xoxb-${t.id}-token`),
    };
    this.teams.set(team.id, team);
    this.addUser({ id: team.botUserId, name: 'feelers', isBot: true, team: team.id });
    return team;
  }

  teamOf(id: string): FakeTeam | undefined {
    return this.teams.get(id);
  }

  /** A channel of one workspace: a token of another workspace gets channel_not_found there. */
  addChannel(channel: string, team: string): void {
    this.channels.set(channel, team);
  }

  /** The token stops working, as after an uninstall (token_revoked). */
  revoke(team: string): void {
    const t = this.teams.get(team);
    if (t) t.botToken = '';
  }

  /** What to give the WebClient as `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.base}/api/`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.socketMode?.close();
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

  /** POSTs to upload URLs (step 2 of Slack's upload flow), oldest first. */
  get uploads(): readonly Upload[] {
    return this.files.uploads;
  }

  /** Files shared in a channel or DM by files.completeUploadExternal, with their content. */
  sharedFiles(channel: string): SharedFile[] {
    return this.files.sharedIn(channel);
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
    if ((req.url ?? '').startsWith('/oauth/v2/authorize')) return send(res, 200, { ok: true, note: 'approve with fake.oauth.approve' });
    const match = /^\/api\/([\w.]+)/.exec(req.url ?? '');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if ((req.url ?? '').startsWith(UPLOAD_PATH)) return this.files.receive(req, res, body);
    const raw = body.toString('utf8');
    const contentType = String(req.headers['content-type'] ?? '');
    const args = parseArgs(raw, contentType);
    const method = match?.[1] ?? '';
    const auth = String(req.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' ? args.token : undefined;
    const call: RecordedCall = { method, args, token, contentType, arrivedAt: performance.now() };
    this.calls.push(call);
    if (!match) return send(res, 404, { ok: false, error: 'unknown_method' });

    const injected = this.takeInjection(method);
    if (injected) {
      if ('status' in injected && injected.status === 429) {
        call.rateLimited = true;
        return send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(injected.retryAfterSec) });
      }
      if ('status' in injected) return send(res, injected.status, { ok: false, error: 'internal_error' });
      return send(res, 200, { ok: false, error: injected.error });
    }
    // App-level calls authenticate otherwise: the app token, or the client id and secret.
    if (method === 'apps.connections.open') {
      return send(res, 200, token === this.appToken ? this.socket.open() : { ok: false, error: 'invalid_auth' });
    }
    if (method === 'oauth.v2.access') {
      if (!this.oauth) return send(res, 200, { ok: false, error: 'invalid_client_id' });
      return send(
        res,
        200,
        this.oauth.exchange(withBasicAuth(args, auth), (team, scopes) => this.issue(team, scopes)),
      );
    }
    const team = token ? [...this.teams.values()].find((t) => t.botToken !== '' && t.botToken === token) : undefined;
    if (!team) return send(res, 200, { ok: false, error: token ? 'invalid_auth' : 'not_authed' });
    const wait = this.buckets?.take(method, args);
    if (wait !== undefined) {
      call.rateLimited = true;
      return send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(wait) });
    }
    // A token works on its own workspace's channels only, as a bot token does on Slack.
    if (typeof args.channel === 'string' && args.channel && this.teamOfChannel(args.channel) !== team.id) {
      return send(res, 200, { ok: false, error: 'channel_not_found' });
    }
    const answer = this.answer(method, args, team);
    return send(res, 200, answer);
  }

  private issue(teamId: string, _scopes: readonly string[]): IssuedToken {
    const team = this.teams.get(teamId) ?? this.addTeam({ id: teamId, name: teamId });
    team.botToken = `xoxb-${teamId}-${Math.random().toString(36).slice(2, 10)}`;
    return { team: { id: team.id, name: team.name }, token: team.botToken, botUserId: team.botUserId };
  }

  private teamOfChannel(channel: string): string {
    const known = this.channels.get(channel);
    if (known) return known;
    // A DM channel (`D<user>`) belongs to the person's workspace.
    const user = channel.startsWith('D') ? this.users.get(channel.slice(1)) : undefined;
    return user?.team ?? this.team.id;
  }

  private userOf(team: FakeTeam, id: string): FakeUser | undefined {
    const u = this.users.get(id);
    return u && (u.team ?? this.team.id) === team.id ? u : undefined;
  }

  private takeInjection(method: string): Injection | undefined {
    const list = this.injections.get(method);
    const head = list?.[0];
    if (!list || !head) return undefined;
    head.times -= 1;
    if (head.times <= 0) list.shift();
    return head.injection;
  }

  private answer(method: string, a: Args, team: FakeTeam): Answer {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: `https://${team.domain}.slack.com/`,
          team: team.name,
          user: 'feelers',
          team_id: team.id,
          user_id: team.botUserId,
          bot_id: team.botId,
        };
      case 'chat.postMessage':
        return this.postMessage(a, team);
      case 'chat.update':
        return this.update(a, team);
      case 'chat.delete':
        return this.remove(a, team);
      case 'chat.postEphemeral': {
        if (typeof a.channel !== 'string' || typeof a.user !== 'string') return { ok: false, error: 'invalid_arguments' };
        const thread = typeof a.thread_ts === 'string' ? a.thread_ts : undefined;
        this.ephemerals.push({ channel: a.channel, user: a.user, text: typeof a.text === 'string' ? a.text : '', thread_ts: thread });
        return { ok: true, message_ts: this.nextTs() };
      }
      case 'conversations.open': {
        const user = String(a.users ?? '').split(',')[0];
        if (!user || !this.userOf(team, user)) return { ok: false, error: 'user_not_found' };
        return { ok: true, channel: { id: `D${user}` } };
      }
      case 'conversations.history':
        return this.history(a);
      case 'conversations.replies':
        return this.replies(a);
      case 'users.info':
        return this.userInfo(a, team);
      case 'team.info':
        return { ok: true, team: { id: team.id, name: team.name, domain: team.domain } };
      case 'files.getUploadURLExternal':
        return this.files.getUploadURL(a, team);
      case 'files.completeUploadExternal':
        return this.files.complete(a, team);
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

  private postMessage(a: Args, team: FakeTeam): Answer {
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
      user: team.botUserId,
      bot_id: team.botId,
    });
    return { ok: true, channel, ts: stored.ts, message: { ...stored, type: 'message' } };
  }

  private update(a: Args, team: FakeTeam): Answer {
    const m = this.messages.find((x) => x.channel === a.channel && x.ts === a.ts);
    if (!m) return { ok: false, error: 'message_not_found' };
    if (m.user !== team.botUserId) return { ok: false, error: 'cant_update_message' };
    const invalid = validateBlocks(a.blocks);
    if (invalid) return { ok: false, error: 'invalid_blocks', errors: [invalid] };
    if (typeof a.text === 'string') m.text = a.text;
    if (a.blocks !== undefined) m.blocks = a.blocks;
    return { ok: true, channel: m.channel, ts: m.ts, text: m.text };
  }

  /** chat.delete: a bot token deletes only the bot's own messages (cant_delete_message otherwise). */
  private remove(a: Args, team: FakeTeam): Answer {
    const m = this.messages.find((x) => x.channel === a.channel && x.ts === a.ts);
    if (!m) return { ok: false, error: 'message_not_found' };
    if (m.user !== team.botUserId) return { ok: false, error: 'cant_delete_message' };
    this.messages.splice(this.messages.indexOf(m), 1);
    return { ok: true, channel: m.channel, ts: m.ts };
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

  private userInfo(a: Args, team: FakeTeam): Answer {
    const u = this.userOf(team, String(a.user));
    if (!u) return { ok: false, error: 'user_not_found' };
    return {
      ok: true,
      user: {
        id: u.id,
        team_id: team.id,
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
