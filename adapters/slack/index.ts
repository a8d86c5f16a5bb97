import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, webApi } from '@slack/bolt';
import { FeelersError, systemClock, type AdapterHealth, type Card, type ChatAdapter, type Clock, type DeliveryLimits, type EventOutcome, type EventSink, type Logger, type MessageRef, type PersonRef, type Place, type SendOptions, type AdapterState } from '../../src/ports/index.js';
import { boltLogger } from './bolt-logger.js';
import { SlackSender, toDeliveryError } from './sender.js';
import { SlackDirectory } from './directory.js';
import { StoreInstallations } from './installations.js';
import { parseInbound, parseUninstall, toChatEvent, type Inbound, type Uninstall } from './parse.js';
import { buildReceivers, type SlackOAuthConfig } from './receivers.js';
import { renderFormModal } from './render.js';
import { InstalledWorkspaces, SingleWorkspace, type Workspaces } from './workspaces.js';

type Ack = (response?: unknown) => Promise<void>;

export interface SlackAdapterConfig {
  /** xoxb- token of a single-workspace install. Ignored, with a warning, when `oauth` is set. */
  readonly botToken?: string | undefined;
  /** HTTP mode: verifies Slack's request signatures. Unused in Socket Mode. */
  readonly signingSecret?: string | undefined;
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
  /** Many workspaces: the OAuth install flow, installations in feelers' store. */
  readonly oauth?: (Omit<SlackOAuthConfig, 'installations'> & { readonly state: AdapterState }) | undefined;
  /** Socket Mode's pong timeout, which also spaces reconnects (Bolt's default 5000 ms). */
  readonly socketPingTimeoutMs?: number | undefined;
}

/** One HTTP route the adapter answers; main.ts mounts each on its one node:http server. */
export interface SlackRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface SlackAdapter extends ChatAdapter {
  readonly network: 'slack';
  readonly endpoint: string;
  /**
   * What to mount: `POST /slack/events` in HTTP mode, and with OAuth `GET /slack/install`
   * (redirects to Slack's authorize page with the bot scopes and a signed state) and
   * `GET /slack/oauth_redirect` (exchanges the code, stores the installation). Socket Mode
   * without OAuth has none.
   */
  routes(): SlackRoute[];
  /**
   * node:http listener for every route above: verifies the signature (401, no side effect, on
   * a forged or stale request), answers at once, and hands the event to the sink after.
   */
  handler(req: IncomingMessage, res: ServerResponse): void;
}

const WORKING = 'Working on it…';
/** Slack wants an answer within 3 s; this leaves room for the network. */
const ACK_BUDGET_MS = 2_500;

/** The core is still on this event elsewhere: answer Slack with an error so it retries later. */
class RetryLater extends Error {
  constructor(eventId: string) {
    super(`event ${eventId} is being handled by another instance; Slack should retry it`);
    this.name = 'RetryLater';
  }
}

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
  if (!config.oauth && !config.botToken) {
    throw new FeelersError('config_invalid', 'slack adapter: a bot token or OAuth settings are needed');
  }
  if (!config.appToken && !config.signingSecret) {
    // HTTP mode with no secret would answer every request from Slack with 401.
    throw new FeelersError('config_invalid', 'slack adapter: HTTP mode needs the signing secret (or an app token for Socket Mode)');
  }
  if (config.oauth && config.botToken) {
    log.warn({}, 'SLACK_BOT_TOKEN is ignored with OAuth: each workspace uses the token its install gave');
  }
  const installations = config.oauth ? new StoreInstallations(config.oauth.state, log) : undefined;
  const single = installations ? undefined : new SingleWorkspace(new webApi.WebClient(config.botToken, clientOptions), config.botUserId);
  const workspaces: Workspaces = single ?? new InstalledWorkspaces(requireValue(installations), clientOptions, clock);
  const directory = new SlackDirectory(workspaces, clock, log, config.communityNames ?? {});
  const sender = new SlackSender({ workspaces, log });
  const receivers = buildReceivers({
    signingSecret: config.signingSecret,
    appToken: config.appToken,
    endpoint,
    oauth: config.oauth && installations ? { ...config.oauth, installations } : undefined,
    clientOptions,
    socketPingTimeoutMs: config.socketPingTimeoutMs,
    log,
  });
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
      const { client } = await workspaces.get(inbound.team);
      await client.views.open({ trigger_id: inbound.triggerId, view: view as never });
    } catch (err) {
      fail(err, 'views.open');
      log.warn({ err, actionId: inbound.actionId }, 'slack could not open the form');
    }
  }

  async function uninstall(u: Uninstall): Promise<void> {
    if (!installations) {
      // One token: nothing to delete, but every call will now fail until someone reinstalls.
      fail(new Error('the app was uninstalled or its token revoked'), 'slack');
      log.error({ team: u.team }, 'slack: the app was uninstalled or its bot token revoked; reinstall it and set SLACK_BOT_TOKEN');
      return;
    }
    try {
      await installations.deleteInstallation({ teamId: u.team, enterpriseId: u.enterprise, isEnterpriseInstall: u.isEnterpriseInstall });
      if (u.team) workspaces.forget(u.team);
    } catch (err) {
      log.error({ err, team: u.team }, 'slack: could not remove an installation');
    }
  }

  /**
   * Handle first, answer after. Slack retries an event it got no 2xx for, so an instance that
   * dies before answering leaves the event to Slack's retry instead of losing it. The answer
   * still goes within Slack's 3 s: after ACK_BUDGET_MS the work carries on in the background.
   * When the core says another instance is still on this event (which may yet die), Slack
   * gets a 500 and retries later. (HTTP mode sends the stored ack only when this returns:
   * the receiver runs with processBeforeResponse.)
   */
  async function receive(body: unknown, ack: Ack | undefined, botUserId: string | undefined): Promise<void> {
    const inbound = parseInbound(body, botUserId);
    const gone = inbound ? undefined : parseUninstall(body);
    if (!inbound || !sink) {
      await ack?.();
      if (gone) await uninstall(gone);
      return;
    }
    // trigger_id lives 3 s: the modal opens before any lookup, and the press is not an event.
    if (inbound.type === 'press' && inbound.form) {
      await ack?.();
      return openForm(inbound);
    }
    const work = toSink(inbound, body, sink);
    // Wall time, whatever clock the adapter was given: Slack's 3 s are real.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), ACK_BUDGET_MS);
    });
    const outcome = await Promise.race([work, late]);
    clearTimeout(timer);
    if (outcome === 'retry') throw new RetryLater(inbound.id);
    // A command answered in time has already had its private answer; a slow one says so.
    if (inbound.type === 'command') await ack?.(outcome === 'late' ? { response_type: 'ephemeral', text: WORKING } : undefined);
    else await ack?.();
  }

  async function toSink(inbound: Inbound, body: unknown, to: EventSink): Promise<EventOutcome | void> {
    try {
      const botId = inbound.type === 'message' ? inbound.botId : undefined;
      const { self } = await workspaces.get(inbound.team);
      const [actor, communityName] = await Promise.all([
        directory.actor(inbound.team, inbound.user, self, botId),
        directory.communityName(inbound.team),
      ]);
      const event = toChatEvent(inbound, { actor, communityName, raw: body });
      return event ? await to(event) : undefined;
    } catch (err) {
      // One bad event must not stop the others; the core answers users, this only logs.
      log.error({ err, eventId: inbound.id, type: inbound.type }, 'slack event failed');
      return undefined;
    }
  }

  async function authTest(s: SingleWorkspace): Promise<void> {
    try {
      const auth = await s.client.auth.test();
      if (!auth.user_id) throw new Error('auth.test returned no user_id');
      s.self = { userId: auth.user_id, botId: auth.bot_id };
    } catch (err) {
      fail(err, 'auth.test');
      throw new FeelersError('slack_auth_failed', `Slack rejected the bot token (auth.test): ${String(err)}`, {
        cause: err,
        userMessage: 'Check slack.botToken (SLACK_BOT_TOKEN): it must be a valid xoxb- token of an installed app.',
      });
    }
  }

  async function start(next: EventSink): Promise<void> {
    sink = next;
    if (single) await authTest(single);
    // With one token, botId and botUserId given so Bolt does not run its own auth.test; with
    // OAuth, Bolt's authorize reads each event's installation from the store.
    const auth = single
      ? { token: config.botToken, botId: single.self.botId, botUserId: single.self.userId }
      : receivers.authorize
        ? { authorize: receivers.authorize }
        : {};
    app = new App({
      ...auth,
      receiver: receivers.app,
      clientOptions,
      logger: boltLogger(log.child({ part: 'bolt' })),
      // Self-messages still reach the core marked isSelf: dropping them is a core rule.
      ignoreSelf: false,
    });
    app.use(async (args) => {
      const ack = 'ack' in args && typeof args.ack === 'function' ? (args.ack as Ack) : undefined;
      const botUserId = typeof args.context.botUserId === 'string' ? args.context.botUserId : single?.self.userId;
      await receive(args.body, ack, botUserId || undefined);
    });
    app.error(async (err) => {
      // Bolt wraps what a middleware throws; a RetryLater must reach the receiver (a 500).
      const original = (err as { original?: unknown }).original ?? err;
      if (original instanceof RetryLater) throw original;
      fail(err, 'bolt');
      log.error({ err }, 'slack bolt error');
    });
    // In HTTP mode Bolt never listens: main.ts's server calls the receiver's listener.
    if (config.appToken) await app.start();
    health = { connected: true, since: clock.now() };
  }

  async function stop(): Promise<void> {
    sink = undefined;
    health = { ...health, connected: false };
    if (config.appToken && app) await app.stop();
  }

  function handler(req: IncomingMessage, res: ServerResponse): void {
    const http = receivers.http;
    if (!http || !sink) {
      // Slack retries a 503; a request before start or after stop is not lost.
      res.writeHead(503).end();
      return;
    }
    try {
      http.requestListener(req, res);
    } catch (err) {
      log.debug({ err, url: req.url }, 'slack handler: not a Slack path');
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
    // A few hundred a minute per workspace (300/min = 5/s), a short burst allowed. The
    // deliverer paces the transmissions themselves (not only the start of each send), so the
    // bursts reach Slack spaced as declared here.
    community: { ratePerSec: 5, burst: 5 },
    // The deliverer's default of 8 sends in flight: more only queues inside the Web API client,
    // where waiting times vary and bunch the posts into 429s (bench/slack-fan-out).
    // The Web API client's own work before a request leaves varies by tens of ms under load;
    // a 429 costs a whole second (Retry-After), this margin 50 ms once per burst.
    arrivalJitterMs: 50,
  };

  return {
    network: 'slack',
    endpoint,
    limits,
    start,
    stop,
    health: () => health,
    handler,
    routes: () => receivers.paths.map((p) => ({ ...p, handler })),
    post: (to: Place, card: Card, opts: SendOptions): Promise<MessageRef> =>
      guard('post', () => sender.post(to, card, opts.idempotencyKey, opts.maybeSent === true)),
    update: (ref: MessageRef, card: Card): Promise<void> => guard('update', () => sender.update(ref, card)),
    directMessage: (to: PersonRef, card: Card, opts: SendOptions): Promise<MessageRef> =>
      guard('dm', () => sender.directMessage(to, card, opts.idempotencyKey, opts.maybeSent === true)),
    notice: (to: PersonRef, where: Place, text: string): Promise<void> => guard('notice', () => sender.notice(to, where, text)),
  };
}

function requireValue<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('unreachable: OAuth settings without an installation store');
  return v;
}
