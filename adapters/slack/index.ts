import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, webApi } from '@slack/bolt';
import {
  FeelersError,
  systemClock,
  type AdapterHealth,
  type Admission,
  type Card,
  type ChatAdapter,
  type Clock,
  type DeliveryLimits,
  type EventOutcome,
  type EventSink,
  type Logger,
  type MessageRef,
  type PersonRef,
  type Place,
  type SendOptions,
  type AdapterState,
} from '../../src/ports/index.js';
import { boltLogger } from './bolt-logger.js';
import { SlackSender, toDeliveryError } from './sender.js';
import { SlackDirectory } from './directory.js';
import { StoreInstallations } from './installations.js';
import { parseInbound, parseUninstall, toChatEvent, type Inbound, type Uninstall } from './parse.js';
import { buildReceivers, type Receivers, type SlackOAuthConfig } from './receivers.js';
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

/**
 * Slack's posting limits, for the deliverer's token buckets: Slack's own numbers, no margin
 * (the deliverer counts a post until Slack answers it, so a late arrival cannot crowd the next).
 * Every post, update and DM goes through them, the ask card as much as the copies.
 */
const SLACK_LIMITS: DeliveryLimits = {
  // chat.postMessage: about one message a second per channel, bursts allowed briefly.
  channel: { ratePerSec: 1, burst: 1 },
  // A few hundred a minute per workspace (300/min = 5/s), a short burst allowed.
  community: { ratePerSec: 5, burst: 5 },
  // The deliverer's default of 8 sends in flight: more only queues inside the Web API client
  // and the process, which lengthens every send's answer and so every bucket's count
  // (bench/slack-fan-out).
};

export function createSlackAdapter(config: SlackAdapterConfig): SlackAdapter {
  return new SlackAdapter(config);
}

/**
 * Slack through Bolt: events over HTTP (signed POSTs) or Socket Mode, sends through the Web API.
 *
 * The port's methods (and `routes`, `handler`) are arrow-function fields, not prototype
 * methods: callers wrap an adapter by spreading it (`{ ...adapter, start }`), which copies own
 * properties only, and each keeps this adapter as `this` wherever it is called from.
 */
export class SlackAdapter implements ChatAdapter {
  readonly network = 'slack' as const;
  /** The path Slack posts events to in HTTP mode. */
  readonly endpoint: string;
  readonly limits: DeliveryLimits = SLACK_LIMITS;

  private readonly config: SlackAdapterConfig;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly clientOptions: webApi.WebClientOptions;
  private readonly installations: StoreInstallations | undefined;
  private readonly single: SingleWorkspace | undefined;
  private readonly workspaces: Workspaces;
  private readonly directory: SlackDirectory;
  private readonly sender: SlackSender;
  private readonly receivers: Receivers;
  private app: App | undefined;
  private sink: EventSink | undefined;
  private status: AdapterHealth = { connected: false };

  constructor(config: SlackAdapterConfig) {
    this.config = config;
    const log = config.logger.child({ adapter: 'slack' });
    this.log = log;
    this.clock = config.clock ?? systemClock;
    this.endpoint = config.endpoint ?? '/slack/events';
    const slackApiUrl = config.apiUrl ? config.apiUrl.replace(/\/?$/, '/') : undefined;
    // No WebClient retries (and 429s thrown, not waited out): the deliverer owns retries and
    // paces itself, and a client sleeping on Retry-After would hold an outbox claim meanwhile.
    this.clientOptions = {
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
    const installations = config.oauth
      ? new StoreInstallations(config.oauth.state, log, (team, installer, name) => this.installed(team, installer, name))
      : undefined;
    this.installations = installations;
    this.single = installations
      ? undefined
      : new SingleWorkspace(new webApi.WebClient(config.botToken, this.clientOptions), config.botUserId);
    this.workspaces = this.single ?? new InstalledWorkspaces(requireValue(installations), this.clientOptions, this.clock);
    this.directory = new SlackDirectory(this.workspaces, this.clock, log, config.communityNames ?? {});
    this.sender = new SlackSender({ workspaces: this.workspaces, log });
    this.receivers = buildReceivers({
      signingSecret: config.signingSecret,
      appToken: config.appToken,
      endpoint: this.endpoint,
      oauth: config.oauth && installations ? { ...config.oauth, installations } : undefined,
      clientOptions: this.clientOptions,
      socketPingTimeoutMs: config.socketPingTimeoutMs,
      log,
    });
  }

  /**
   * A single bot token belongs to an app its owner installed: an app that is not distributed
   * can be installed only in its own workspace (or, org-wide, by an Enterprise Grid org's
   * admins in the org's workspaces), so every workspace it hears from was added by the people
   * running feelers, and belongs without ceremony. Through OAuth anyone with the install link
   * can add the app, so no workspace does until listed or approved (docs/governance.md).
   */
  readonly admission = (): Admission => (this.single ? { every: true } : { every: false, communities: [] });

  readonly start = async (next: EventSink): Promise<void> => {
    this.sink = next;
    const single = this.single;
    if (single) await this.authTest(single);
    // With one token, botId and botUserId given so Bolt does not run its own auth.test; with
    // OAuth, Bolt's authorize reads each event's installation from the store.
    const auth = single
      ? { token: this.config.botToken, botId: single.self.botId, botUserId: single.self.userId }
      : this.receivers.authorize
        ? { authorize: this.receivers.authorize }
        : {};
    const app = new App({
      ...auth,
      receiver: this.receivers.app,
      clientOptions: this.clientOptions,
      logger: boltLogger(this.log.child({ part: 'bolt' })),
      // Self-messages still reach the core marked isSelf: dropping them is a core rule.
      ignoreSelf: false,
    });
    this.app = app;
    app.use(async (args) => {
      const ack = 'ack' in args && typeof args.ack === 'function' ? (args.ack as Ack) : undefined;
      const botUserId = typeof args.context.botUserId === 'string' ? args.context.botUserId : single?.self.userId;
      await this.receive(args.body, ack, botUserId || undefined);
    });
    app.error(async (err) => {
      // Bolt wraps what a middleware throws; a RetryLater must reach the receiver (a 500).
      const original = (err as { original?: unknown }).original ?? err;
      if (original instanceof RetryLater) throw original;
      this.fail(err, 'bolt');
      this.log.error({ err }, 'slack bolt error');
    });
    // In HTTP mode Bolt never listens: main.ts's server calls the receiver's listener.
    if (this.config.appToken) await app.start();
    this.status = { connected: true, since: this.clock.now() };
  };

  readonly stop = async (): Promise<void> => {
    this.sink = undefined;
    this.status = { ...this.status, connected: false };
    if (this.config.appToken && this.app) await this.app.stop();
  };

  readonly health = (): AdapterHealth => this.status;

  /**
   * What to mount: `POST /slack/events` in HTTP mode, and with OAuth `GET /slack/install`
   * (redirects to Slack's authorize page with the bot scopes and a signed state) and
   * `GET /slack/oauth_redirect` (exchanges the code, stores the installation). Socket Mode
   * without OAuth has none.
   */
  readonly routes = (): SlackRoute[] => this.receivers.paths.map((p) => ({ ...p, handler: this.handler }));

  /**
   * node:http listener for every route above: verifies the signature (401, no side effect, on
   * a forged or stale request), answers at once, and hands the event to the sink after.
   */
  readonly handler = (req: IncomingMessage, res: ServerResponse): void => {
    const http = this.receivers.http;
    if (!http || !this.sink) {
      // Slack retries a 503; a request before start or after stop is not lost.
      res.writeHead(503).end();
      return;
    }
    try {
      http.requestListener(req, res);
    } catch (err) {
      this.log.debug({ err, url: req.url }, 'slack handler: not a Slack path');
      if (!res.headersSent) res.writeHead(404).end();
    }
  };

  /**
   * Slack's permalink to one message needs the workspace's domain, which only an API call gives
   * (chat.getPermalink, one call per message); the console must not spend Slack's rate limits
   * on links. app_redirect, documented for deep links, opens the channel in the right workspace
   * from a browser or the app: the operator finds the message there. A DM (channel id D…) gets
   * no link: only its two sides can open it.
   */
  readonly linkTo = (ref: MessageRef): string | undefined => {
    if (ref.channel.startsWith('D')) return undefined;
    const query = new URLSearchParams({ team: ref.community, channel: ref.channel });
    return `https://slack.com/app_redirect?${query.toString()}`;
  };

  readonly post = (to: Place, card: Card, opts: SendOptions): Promise<MessageRef> =>
    this.guard('post', () => this.sender.post(to, card, opts.idempotencyKey, opts.maybeSent === true));

  readonly update = (ref: MessageRef, card: Card): Promise<void> => this.guard('update', () => this.sender.update(ref, card));

  readonly delete = (ref: MessageRef): Promise<void> => this.guard('delete', () => this.sender.delete(ref));

  readonly directMessage = (to: PersonRef, card: Card, opts: SendOptions): Promise<MessageRef> =>
    this.guard('dm', () => this.sender.directMessage(to, card, opts.idempotencyKey, opts.maybeSent === true));

  /** Forget-me: an installation made by this person no longer names them. */
  readonly forget = async (person: PersonRef): Promise<void> => {
    await this.installations?.forgetInstaller(person.community, person.user);
  };

  readonly notice = (to: PersonRef, where: Place, text: string): Promise<void> =>
    this.guard('notice', () => this.sender.notice(to, where, text));

  private fail(err: unknown, what: string): void {
    const message = err instanceof Error ? err.message : String(err);
    this.status = { ...this.status, lastError: `${what}: ${message}` };
  }

  private async guard<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (err) {
      this.fail(err, what);
      throw toDeliveryError(err, `slack ${what}`);
    }
  }

  private async openForm(inbound: Extract<Inbound, { type: 'press' }>): Promise<void> {
    if (!inbound.form || !inbound.triggerId) return;
    const view = renderFormModal(inbound.actionId, inbound.form, {
      team: inbound.team,
      channel: inbound.channel,
      thread: inbound.thread,
    });
    try {
      const { client } = await this.workspaces.get(inbound.team);
      await client.views.open({ trigger_id: inbound.triggerId, view: view as never });
    } catch (err) {
      this.fail(err, 'views.open');
      this.log.warn({ err, actionId: inbound.actionId }, 'slack could not open the form');
    }
  }

  private async uninstall(u: Uninstall): Promise<void> {
    if (!this.installations) {
      // One token: nothing to delete, but every call will now fail until someone reinstalls.
      this.fail(new Error('the app was uninstalled or its token revoked'), 'slack');
      this.log.error({ team: u.team }, 'slack: the app was uninstalled or its bot token revoked; reinstall it and set SLACK_BOT_TOKEN');
      return;
    }
    try {
      await this.installations.deleteInstallation({
        teamId: u.team,
        enterpriseId: u.enterprise,
        isEnterpriseInstall: u.isEnterpriseInstall,
      });
      if (u.team) this.workspaces.forget(u.team);
    } catch (err) {
      this.log.error({ err, team: u.team }, 'slack: could not remove an installation');
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
  private async receive(body: unknown, ack: Ack | undefined, botUserId: string | undefined): Promise<void> {
    const inbound = parseInbound(body, botUserId);
    const gone = inbound ? undefined : parseUninstall(body);
    const sink = this.sink;
    if (!inbound || !sink) {
      await ack?.();
      if (gone) await this.uninstall(gone);
      return;
    }
    // trigger_id lives 3 s: the modal opens before any lookup, and the press is not an event.
    if (inbound.type === 'press' && inbound.form) {
      await ack?.();
      return this.openForm(inbound);
    }
    const work = this.toSink(inbound, body, sink);
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

  private async toSink(inbound: Inbound, body: unknown, to: EventSink): Promise<EventOutcome | void> {
    try {
      const botId = inbound.type === 'message' ? inbound.botId : undefined;
      const { self } = await this.workspaces.get(inbound.team);
      const [actor, communityName] = await Promise.all([
        this.directory.actor(inbound.team, inbound.user, self, botId),
        this.directory.communityName(inbound.team),
      ]);
      const event = toChatEvent(inbound, { actor, communityName, raw: body });
      return event ? await to(event) : undefined;
    } catch (err) {
      // One bad event must not stop the others; the core answers users, this only logs.
      this.log.error({ err, eventId: inbound.id, type: inbound.type }, 'slack event failed');
      return undefined;
    }
  }

  /**
   * An install through OAuth completed: the core hears of it as a `joined` event, so the
   * installer learns at once whether the workspace belongs or waits for approval. Its failure
   * must not fail the install the person just approved on Slack.
   */
  private async installed(team: string, installer: string, teamName: string | undefined): Promise<void> {
    const sink = this.sink;
    if (!sink) return;
    const actor = { network: 'slack', community: team, user: installer, name: installer, isBot: false, isSelf: false };
    try {
      await sink({
        kind: 'joined',
        id: `slack:${team}:installed:${this.clock.now()}`,
        actor: { ...actor, rights: { admin: false, manageChannel: false } },
        place: { network: 'slack', community: team, channel: '' },
        communityName: this.config.communityNames?.[team] ?? teamName,
      });
    } catch (err) {
      this.log.warn({ err, team }, 'slack: the install could not be announced');
    }
  }

  private async authTest(s: SingleWorkspace): Promise<void> {
    try {
      const auth = await s.client.auth.test();
      if (!auth.user_id) throw new Error('auth.test returned no user_id');
      s.self = { userId: auth.user_id, botId: auth.bot_id };
    } catch (err) {
      this.fail(err, 'auth.test');
      throw new FeelersError('slack_auth_failed', `Slack rejected the bot token (auth.test): ${String(err)}`, {
        cause: err,
        userMessage: 'Check slack.botToken (SLACK_BOT_TOKEN): it must be a valid xoxb- token of an installed app.',
      });
    }
  }
}

function requireValue<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('unreachable: OAuth settings without an installation store');
  return v;
}
