import { createHmac } from 'node:crypto';

/**
 * Plays Slack towards an app's events URL: Events API envelopes (JSON), slash commands and
 * interactions (form-encoded, interactions as `payload=`), signed the way Slack signs them,
 * plus forged and stale variants. Loopback only.
 */

export interface SendOptions {
  /** Sign with another secret (a forged request). */
  readonly secret?: string;
  /** Request timestamp in seconds; older than 5 minutes is stale. */
  readonly timestampSec?: number;
  /** Send no signature header at all. */
  readonly unsigned?: boolean;
  /** Change the body after signing (a tampered request). */
  readonly tamper?: boolean;
  /** Slack's retry counter header. */
  readonly retryNum?: number;
}

export interface DriverResponse {
  readonly status: number;
  readonly text: string;
  /** The body as JSON, when it is JSON. */
  readonly json: unknown;
}

export interface DriverOptions {
  /** Full URL of the app's events endpoint, e.g. http://127.0.0.1:PORT/slack/events. */
  readonly url: string;
  readonly signingSecret: string;
  readonly teamId?: string;
  readonly now?: () => number;
}

export function slackSignature(secret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex')}`;
}

export class SlackDriver {
  readonly teamId: string;
  private seq = 0;
  private last: { body: string; contentType: string } | undefined;

  constructor(private readonly o: DriverOptions) {
    this.teamId = o.teamId ?? 'T1';
  }

  private next(): number {
    this.seq += 1;
    return this.seq;
  }

  /** A fresh trigger_id, as Slack puts on commands and interactions. */
  triggerId(): string {
    return `${this.next()}.1337.${Math.random().toString(16).slice(2, 10)}`;
  }

  /** An Events API `event_callback` envelope around `event`. Returns the event_id used. */
  envelope(event: Record<string, unknown>, eventId?: string): Record<string, unknown> {
    return {
      token: 'legacy-verification-token',
      team_id: this.teamId,
      api_app_id: 'A1',
      event,
      type: 'event_callback',
      event_id: eventId ?? `Ev${String(this.next()).padStart(8, '0')}`,
      event_time: Math.floor(this.now() / 1000),
      authorizations: [{ team_id: this.teamId, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    };
  }

  async event(event: Record<string, unknown>, o: SendOptions & { eventId?: string } = {}): Promise<DriverResponse> {
    return this.sendJson(this.envelope(event, o.eventId), o);
  }

  async sendJson(body: unknown, o: SendOptions = {}): Promise<DriverResponse> {
    return this.send(JSON.stringify(body), 'application/json', o);
  }

  /** A slash command, form-encoded exactly as Slack sends it. */
  async command(
    c: { command: string; text: string; user: string; channel: string; triggerId?: string; channelName?: string },
    o: SendOptions = {},
  ): Promise<DriverResponse> {
    const form = new URLSearchParams({
      token: 'legacy-verification-token',
      team_id: this.teamId,
      team_domain: 'acme',
      channel_id: c.channel,
      // Slack names a DM's channel `directmessage`.
      channel_name: c.channelName ?? (c.channel.startsWith('D') ? 'directmessage' : 'general'),
      user_id: c.user,
      user_name: c.user.toLowerCase(),
      command: c.command,
      text: c.text,
      api_app_id: 'A1',
      response_url: 'http://127.0.0.1:9/commands/response',
      trigger_id: c.triggerId ?? this.triggerId(),
    });
    return this.send(form.toString(), 'application/x-www-form-urlencoded', o);
  }

  /** A button press on a message (block_actions), form-encoded as `payload=<json>`. */
  async blockAction(
    a: { user: string; channel: string; messageTs: string; actionId: string; value?: string; threadTs?: string; triggerId?: string },
    o: SendOptions = {},
  ): Promise<DriverResponse> {
    const payload = {
      type: 'block_actions',
      user: { id: a.user, username: a.user.toLowerCase(), team_id: this.teamId },
      api_app_id: 'A1',
      token: 'legacy-verification-token',
      container: { type: 'message', message_ts: a.messageTs, channel_id: a.channel, is_ephemeral: false, thread_ts: a.threadTs },
      trigger_id: a.triggerId ?? this.triggerId(),
      team: { id: this.teamId, domain: 'acme' },
      channel: { id: a.channel, name: 'general' },
      message: { type: 'message', ts: a.messageTs, thread_ts: a.threadTs, text: '', user: 'UBOT' },
      response_url: 'http://127.0.0.1:9/actions/response',
      actions: [
        {
          type: 'button',
          action_id: a.actionId,
          block_id: 'b1',
          value: a.value ?? a.actionId,
          action_ts: `${Math.floor(this.now() / 1000)}.${String(this.next()).padStart(6, '0')}`,
        },
      ],
    };
    return this.payload(payload, o);
  }

  /** A modal submitted (view_submission); `values` is the view's state.values. */
  async viewSubmission(
    v: { user: string; callbackId: string; privateMetadata: string; values: Record<string, unknown>; viewId?: string },
    o: SendOptions = {},
  ): Promise<DriverResponse> {
    const payload = {
      type: 'view_submission',
      team: { id: this.teamId, domain: 'acme' },
      user: { id: v.user, username: v.user.toLowerCase(), team_id: this.teamId },
      api_app_id: 'A1',
      token: 'legacy-verification-token',
      trigger_id: this.triggerId(),
      view: {
        id: v.viewId ?? `V${this.next()}`,
        type: 'modal',
        callback_id: v.callbackId,
        private_metadata: v.privateMetadata,
        hash: `h${this.next()}`,
        state: { values: v.values },
      },
    };
    return this.payload(payload, o);
  }

  async payload(payload: unknown, o: SendOptions = {}): Promise<DriverResponse> {
    const form = new URLSearchParams({ payload: JSON.stringify(payload) });
    return this.send(form.toString(), 'application/x-www-form-urlencoded', o);
  }

  /**
   * Sends the last request again as Slack's retry does: same body (same event_id), freshly
   * signed, with X-Slack-Retry-Num.
   */
  async redeliverLast(retryNum = 1): Promise<DriverResponse> {
    if (!this.last) throw new Error('nothing sent yet');
    return this.send(this.last.body, this.last.contentType, { retryNum });
  }

  async send(body: string, contentType: string, o: SendOptions = {}): Promise<DriverResponse> {
    this.last = { body, contentType };
    const ts = o.timestampSec ?? Math.floor(this.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-slack-request-timestamp': String(ts),
    };
    if (!o.unsigned) headers['x-slack-signature'] = slackSignature(o.secret ?? this.o.signingSecret, ts, body);
    if (o.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(o.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    const sent = o.tamper ? body.replace(/.$/, (c) => (c === 'x' ? 'y' : 'x')) : body;
    const res = await fetch(this.o.url, { method: 'POST', headers, body: sent });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
  }

  private now(): number {
    return this.o.now ? this.o.now() : Date.now();
  }
}
