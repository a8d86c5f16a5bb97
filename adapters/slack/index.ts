import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, webApi } from '@slack/bolt';
import type { Card } from '../../src/core/cards.js';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { FeelersError } from '../../src/core/errors.js';
import type { EventSink } from '../../src/core/events.js';
import type { Logger } from '../../src/core/logger.js';
import type { MessageRef, PersonRef, Place } from '../../src/core/places.js';
import type { AdapterHealth, ChatAdapter, DeliveryLimits, SendOptions } from '../../src/ports/chat-adapter.js';
import { boltLogger } from './bolt-logger.js';
import { SlackPoster, toDeliveryError } from './delivery.js';
import { SlackDirectory, type Self } from './directory.js';
import { parseInbound, toChatEvent, type Inbound } from './parse.js';
import { renderFormModal } from './render.js';

export interface SlackAdapterConfig {
  readonly botToken: string;
  readonly signingSecret: string;
  /** Set: Socket Mode (no public URL; Slack allows at most ten connections). Unset: HTTP mode. */
  readonly appToken?: string | undefined;
  /** Web API base, e.g. a loopback fake's `http://127.0.0.1:PORT/api/`. */
  readonly apiUrl?: string | undefined;
  /** Known bot user id; auth.test still runs at start to learn the bot id and check the token. */
  readonly botUserId?: string | undefined;
  /** Display names by team id (or `slack:<team>`), winning over team.info. */
  readonly communityNames?: Readonly<Record<string, string>> | undefined;
  readonly logger: Logger;
  readonly clock?: Clock | undefined;
  /** The path Slack posts to; main.ts routes it here. Default `/slack/events`. */
  readonly endpoint?: string | undefined;
  /** Check recent history before the first post of a key in this process. Default true. */
  readonly verifyResends?: boolean | undefined;
}

export interface SlackAdapter extends ChatAdapter {
  readonly network: 'slack';
  readonly endpoint: string;
  /**
   * node:http listener for `POST {endpoint}`: verifies the signature (401, no side effect, on a
   * forged or stale request), answers at once, and hands the event to the sink after.
   */
  handler(req: IncomingMessage, res: ServerResponse): void;
}

const WORKING = 'Working on it…';

export function createSlackAdapter(config: SlackAdapterConfig): SlackAdapter {
  const log = config.logger.child({ adapter: 'slack' });
  const clock = config.clock ?? systemClock;
  const endpoint = config.endpoint ?? '/slack/events';
  const slackApiUrl = config.apiUrl ? config.apiUrl.replace(/\/?$/, '/') : undefined;
  // No WebClient retries (and 429s thrown, not waited out): the deliverer owns retries and
  // paces itself, and a client sleeping on Retry-After would hold an outbox claim meanwhile.
  const clientOptions: webApi.WebClientOptions = {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logger: boltLogger(log.child({ part: 'web-api' })),
  };
  const client = new webApi.WebClient(config.botToken, clientOptions);
  let self: Self = { userId: config.botUserId ?? '' };
  const directory = new SlackDirectory(client, clock, log, config.communityNames ?? {});
  const poster = new SlackPoster({ client, self: () => self, log, verifyResends: config.verifyResends ?? true });

  // HTTPReceiver rather than a custom Receiver: it already does what Slack requires of an
  // endpoint (signature and 5-minute staleness check with a 401, url_verification, ssl_check,
  // acking within 3 s), and its public `requestListener` mounts on feelers' own node:http
  // server without the receiver ever listening on a port of its own.
  const receiver = config.appToken
    ? undefined
    : new HTTPReceiver({ signingSecret: config.signingSecret, endpoints: [endpoint], logger: boltLogger(log) });
  let app: App | undefined;
  let sink: EventSink | undefined;
  let health: AdapterHealth = { connected: false };

  const fail = (err: unknown, what: string): void => {
    const message = err instanceof Error ? err.message : String(err);
    health = { ...health, lastError: `${what}: ${message}` };
  };

  async function openForm(inbound: Extract<Inbound, { type: 'press' }>): Promise<void> {
    if (!inbound.form || !inbound.triggerId) return;
    const view = renderFormModal(inbound.actionId, inbound.form, {
      team: inbound.team,
      channel: inbound.channel,
      thread: inbound.thread,
    });
    try {
      await client.views.open({ trigger_id: inbound.triggerId, view: view as never });
    } catch (err) {
      fail(err, 'views.open');
      log.warn({ err, actionId: inbound.actionId }, 'slack could not open the form');
    }
  }

  async function receive(body: unknown, ack: ((response?: unknown) => Promise<void>) | undefined): Promise<void> {
    const inbound = parseInbound(body, self.userId || undefined);
    if (inbound?.type === 'command') await ack?.({ response_type: 'ephemeral', text: WORKING });
    else await ack?.();
    if (!inbound || !sink) return;
    // trigger_id lives 3 s: the modal opens before any lookup, and the press is not an event.
    if (inbound.type === 'press' && inbound.form) return openForm(inbound);
    try {
      const botId = inbound.type === 'message' ? inbound.botId : undefined;
      const [actor, communityName] = await Promise.all([
        directory.actor(inbound.team, inbound.user, self, botId),
        directory.communityName(inbound.team),
      ]);
      const event = toChatEvent(inbound, { actor, communityName, raw: body });
      if (event) await sink(event);
    } catch (err) {
      // One bad event must not stop the others; the core answers users, this only logs.
      log.error({ err, eventId: inbound.id, type: inbound.type }, 'slack event failed');
    }
  }

  async function start(next: EventSink): Promise<void> {
    sink = next;
    try {
      const auth = await client.auth.test();
      if (!auth.user_id) throw new Error('auth.test returned no user_id');
      self = { userId: auth.user_id, botId: auth.bot_id };
    } catch (err) {
      fail(err, 'auth.test');
      throw new FeelersError('slack_auth_failed', `Slack rejected the bot token (auth.test): ${String(err)}`, {
        cause: err,
        userMessage: 'Check slack.botToken (SLACK_BOT_TOKEN): it must be a valid xoxb- token of an installed app.',
      });
    }
    // botId and botUserId given, so Bolt does not run its own auth.test at construction.
    app = new App({
      token: config.botToken,
      botId: self.botId,
      botUserId: self.userId,
      clientOptions,
      logger: boltLogger(log.child({ part: 'bolt' })),
      // Self-messages still reach the core marked isSelf: dropping them is a core rule.
      ignoreSelf: false,
      ...(receiver ? { receiver } : { socketMode: true, appToken: config.appToken, signingSecret: config.signingSecret }),
    });
    app.use(async (args) => {
      const ack = 'ack' in args && typeof args.ack === 'function' ? (args.ack as (r?: unknown) => Promise<void>) : undefined;
      await receive(args.body, ack);
    });
    app.error(async (err) => {
      fail(err, 'bolt');
      log.error({ err }, 'slack bolt error');
    });
    if (!receiver) await app.start();
    health = { connected: true, since: clock.now() };
  }

  async function stop(): Promise<void> {
    sink = undefined;
    health = { ...health, connected: false };
    // In HTTP mode Bolt never listened, so there is nothing of Bolt's to close.
    if (!receiver && app) await app.stop();
  }

  function handler(req: IncomingMessage, res: ServerResponse): void {
    if (!receiver || !sink) {
      // Slack retries a 503; a request before start or after stop is not lost.
      res.writeHead(503).end();
      return;
    }
    try {
      receiver.requestListener(req, res);
    } catch (err) {
      log.debug({ err, url: req.url }, 'slack handler: not an events path');
      if (!res.headersSent) res.writeHead(404).end();
    }
  }

  const guard = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      fail(err, what);
      throw toDeliveryError(err, `slack ${what}`);
    }
  };

  const limits: DeliveryLimits = {
    // chat.postMessage: about one message a second per channel, bursts allowed briefly.
    channel: { ratePerSec: 1, burst: 1 },
    // A few hundred a minute per workspace (300/min = 5/s).
    community: { ratePerSec: 5, burst: 5 },
  };

  return {
    network: 'slack',
    endpoint,
    limits,
    start,
    stop,
    health: () => health,
    handler,
    post: (to: Place, card: Card, opts: SendOptions): Promise<MessageRef> =>
      guard('post', () => poster.post(to, card, opts.idempotencyKey)),
    update: (ref: MessageRef, card: Card): Promise<void> => guard('update', () => poster.update(ref, card)),
    directMessage: (to: PersonRef, card: Card, opts: SendOptions): Promise<MessageRef> =>
      guard('dm', () => poster.directMessage(to, card, opts.idempotencyKey)),
    notice: (to: PersonRef, where: Place, text: string): Promise<void> => guard('notice', () => poster.notice(to, where, text)),
  };
}
