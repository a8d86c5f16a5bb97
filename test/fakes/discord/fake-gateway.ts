/**
 * A loopback fake of the Discord gateway (JSON encoding, no compression): HELLO, heartbeat ACK,
 * IDENTIFY → READY + one GUILD_CREATE per guild, RESUME with replay of the dispatches the
 * client missed, and a way to drop the connection the way Discord does.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { channelJson, memberJson, userJson, type FakeGuild, type FakeWorld, type Json } from './fake-state.js';

interface Session {
  id: string;
  seq: number;
  intents: number;
  /** Every dispatch of the session, for RESUME replays. */
  sent: { s: number; t: string; d: Json }[];
  socket?: WebSocket | undefined;
}

export interface GatewayFrame {
  op: number;
  d: unknown;
  s?: number | null;
  t?: string | null;
}

export class FakeGateway {
  /** Frames received from clients, in order (IDENTIFY, RESUME, heartbeats...). */
  readonly received: GatewayFrame[] = [];
  heartbeatIntervalMs = 41_250;
  private wss: WebSocketServer;
  private session: Session | undefined;
  private sockets = new Set<WebSocket>();
  private sessionSockets = new Set<WebSocket>();
  port = 0;

  constructor(private readonly world: FakeWorld) {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.wss.on('connection', (ws) => this.onConnection(ws));
  }

  async listen(): Promise<void> {
    if (!this.wss.address()) await new Promise<void>((resolve) => this.wss.once('listening', () => resolve()));
    this.port = (this.wss.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** The intents of the current session (0 before IDENTIFY). */
  get intents(): number {
    return this.session?.intents ?? 0;
  }

  /** Some client has identified (a session exists, connected or not). */
  get identified(): boolean {
    return this.session !== undefined;
  }

  /** IDENTIFYs received so far (each one a new session, out of Discord's 1,000 a day). */
  get identifies(): number {
    return this.received.filter((f) => f.op === 2).length;
  }

  /** Open connections that identified or resumed: the sessions clients hold right now. */
  get activeSessions(): number {
    return this.sessionSockets.size;
  }

  get connected(): boolean {
    return this.session?.socket !== undefined;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /** The bot was added to a server after READY: Discord sends its GUILD_CREATE then. */
  guildAdded(g: FakeGuild): void {
    this.dispatch('GUILD_CREATE', guildCreate(g, this.world));
  }

  /**
   * Send a dispatch to the session. While the client is disconnected it is only recorded, as
   * Discord does, and replayed when the client resumes.
   */
  dispatch(t: string, d: Json): void {
    const s = this.session;
    if (!s) return;
    s.seq += 1;
    s.sent.push({ s: s.seq, t, d });
    s.socket?.send(JSON.stringify({ op: 0, s: s.seq, t, d }));
  }

  /** Close the connection with a resumable close code (4000 unknown error) or cut it abruptly. */
  drop(how: 'close' | 'terminate' = 'close'): void {
    const socket = this.session?.socket;
    if (!socket) return;
    if (this.session) this.session.socket = undefined;
    if (how === 'close') socket.close(4000, 'fake drop');
    else socket.terminate();
  }

  private onConnection(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.sessionSockets.delete(ws);
      if (this.session?.socket === ws) this.session.socket = undefined;
    });
    ws.on('message', (data) => this.onFrame(ws, String(data)));
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.heartbeatIntervalMs }, s: null, t: null }));
  }

  private onFrame(ws: WebSocket, text: string): void {
    let frame: GatewayFrame;
    try {
      frame = JSON.parse(text) as GatewayFrame;
    } catch {
      ws.close(4002, 'Error while decoding payload.');
      return;
    }
    this.received.push(frame);
    const d = (typeof frame.d === 'object' && frame.d !== null ? frame.d : {}) as Json;
    if (frame.op === 1) ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
    else if (frame.op === 2) this.identify(ws, d);
    else if (frame.op === 6) this.resume(ws, d);
  }

  private identify(ws: WebSocket, d: Json): void {
    this.session = { id: `session-${this.world.ids.next()}`, seq: 0, intents: Number(d['intents'] ?? 0), sent: [], socket: ws };
    this.sessionSockets.add(ws);
    const guilds = [...this.world.guilds.values()];
    this.dispatch('READY', {
      v: 10,
      user: { ...userJson(this.world.bot), verified: true, mfa_enabled: false, flags: 0 },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: this.session.id,
      resume_gateway_url: this.url,
      shard: [0, 1],
      application: { id: this.world.applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
    });
    for (const g of guilds) this.dispatch('GUILD_CREATE', guildCreate(g, this.world));
  }

  private resume(ws: WebSocket, d: Json): void {
    const s = this.session;
    if (!s || d['session_id'] !== s.id) {
      // Invalid session, not resumable: the client must IDENTIFY again.
      ws.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
      return;
    }
    s.socket = ws;
    this.sessionSockets.add(ws);
    const from = Number(d['seq'] ?? 0);
    for (const e of s.sent) if (e.s > from) ws.send(JSON.stringify({ op: 0, s: e.s, t: e.t, d: e.d }));
    this.dispatch('RESUMED', {});
  }
}

function guildCreate(g: FakeGuild, world: FakeWorld): Json {
  const channels = [...world.channels.values()].filter((c) => c.guild_id === g.id);
  return {
    id: g.id,
    name: g.name,
    owner_id: g.owner_id,
    icon: null,
    features: [],
    unavailable: false,
    large: false,
    member_count: g.members.length,
    joined_at: new Date(0).toISOString(),
    roles: g.roles.map((r, i) => ({
      id: r.id,
      name: r.name,
      permissions: r.permissions.toString(),
      position: r.id === g.id ? 0 : i + 1,
      color: 0,
      hoist: false,
      managed: false,
      mentionable: false,
      flags: 0,
    })),
    members: g.members.map((m) => memberJson(m)),
    channels: channels
      .filter((c) => c.type !== 11)
      .map((c) => {
        const j = channelJson(c);
        delete j['guild_id'];
        return j;
      }),
    threads: channels.filter((c) => c.type === 11).map(channelJson),
    emojis: [],
    stickers: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
