import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Slack's Socket Mode end, for the loopback fake: `apps.connections.open` hands out a one-time
 * ws:// URL; the socket says `hello`, then carries envelopes (events_api, slash_commands,
 * interactive) that the app must ack by envelope_id. Like Slack, an envelope not acked when a
 * connection ends is sent again on the next one (with retry_attempt raised), and the server may
 * ask the app to reconnect (`disconnect`, reason refresh_requested or link_disabled).
 */

export type EnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

export interface Envelope {
  readonly envelope_id: string;
  readonly type: EnvelopeType;
  readonly payload: unknown;
  readonly accepts_response_payload: boolean;
  retry_attempt: number;
  retry_reason: string;
}

export const SOCKET_PATH = '/link';

export class FakeSocketMode {
  /** Envelope id → the ack's payload (`{}` when the ack carried none). */
  readonly acks = new Map<string, unknown>();
  /** Every envelope sent, including resends, in order. */
  readonly sent: Envelope[] = [];
  /** How many times apps.connections.open was called, and how many sockets said hello. */
  opened = 0;
  connections = 0;
  private readonly pending = new Map<string, Envelope>();
  private readonly tickets = new Set<string>();
  private readonly wss: WebSocketServer;
  private current: WebSocket | undefined;
  private seq = 0;

  constructor(
    server: Server,
    private readonly base: () => string,
  ) {
    this.wss = new WebSocketServer({ server, path: SOCKET_PATH });
    this.wss.on('connection', (ws, req) => this.accept(ws, new URL(req.url ?? '/', 'http://x').searchParams.get('ticket')));
  }

  /** apps.connections.open: a URL good for one connection. */
  open(): Record<string, unknown> {
    this.opened += 1;
    const ticket = `t${this.opened}`;
    this.tickets.add(ticket);
    return { ok: true, url: `${this.base().replace(/^http/, 'ws')}${SOCKET_PATH}?ticket=${ticket}` };
  }

  /** Queue an envelope; it goes out now if a socket is up, else after the next hello. */
  send(type: EnvelopeType, payload: unknown): string {
    this.seq += 1;
    const env: Envelope = {
      envelope_id: `env-${this.seq}`,
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
      retry_attempt: 0,
      retry_reason: '',
    };
    this.pending.set(env.envelope_id, env);
    if (this.current) this.write(this.current, env);
    return env.envelope_id;
  }

  /** Envelopes not acked yet. */
  unacked(): string[] {
    return [...this.pending.keys()];
  }

  /** Ask the app to reconnect, as Slack does before it recycles a connection. */
  requestDisconnect(reason: 'refresh_requested' | 'link_disabled' | 'warning' = 'refresh_requested'): void {
    this.current?.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake' } }));
  }

  /** Cut the connection without a word (a network drop). */
  drop(): void {
    this.current?.terminate();
    this.current = undefined;
  }

  /** Send an envelope and cut the connection at once, before any ack can come back. */
  sendThenDrop(type: EnvelopeType, payload: unknown): string {
    const id = this.send(type, payload);
    this.drop();
    return id;
  }

  async waitFor(what: () => boolean, label: string, ms = 10_000): Promise<void> {
    const until = Date.now() + ms;
    while (!what()) {
      if (Date.now() > until) throw new Error(`socket mode: timed out waiting for ${label}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
  }

  private accept(ws: WebSocket, ticket: string | null): void {
    // A URL from apps.connections.open works once; anything else is refused like Slack does.
    if (!ticket || !this.tickets.delete(ticket)) {
      ws.close(1008, 'invalid ticket');
      return;
    }
    this.current?.terminate();
    this.current = ws;
    this.connections += 1;
    ws.on('message', (data) => this.onAck(String(data)));
    ws.on('close', () => {
      if (this.current === ws) this.current = undefined;
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' }, connection_info: { app_id: 'A1' } }));
    for (const env of this.pending.values()) {
      if (this.sent.some((s) => s.envelope_id === env.envelope_id)) {
        env.retry_attempt += 1;
        env.retry_reason = 'timeout';
      }
      this.write(ws, env);
    }
  }

  private write(ws: WebSocket, env: Envelope): void {
    this.sent.push({ ...env });
    ws.send(JSON.stringify(env));
  }

  private onAck(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    const id = typeof msg === 'object' && msg !== null ? (msg as { envelope_id?: unknown }).envelope_id : undefined;
    if (typeof id !== 'string' || !this.pending.has(id)) return;
    this.pending.delete(id);
    this.acks.set(id, (msg as { payload?: unknown }).payload ?? {});
  }
}
