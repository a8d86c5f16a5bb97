import type { Config } from '../config/load-config.js';
import { adapterState } from '../core/adapter-state.js';
import type { Sealer } from '../core/sealer.js';
import { FeelersError } from '../ports/errors.js';
import type { Logger } from '../ports/logger.js';
import type { HttpServer } from './http-server.js';
import type { ChatAdapter } from '../ports/chat-adapter.js';
import type { RateBudget } from '../ports/rate-budget.js';
import type { Store } from '../ports/store.js';

/**
 * Networks are loaded by name, so a new one (or one published as its own package) plugs in
 * with one entry here and no change to the composition root. Each adapter module (and its
 * SDK: Bolt, discord.js) is imported only when its network is configured, so an instance
 * that serves one network does not carry the other's library in memory.
 */
export interface AdapterContext {
  readonly config: Config;
  /** A child logger bound to the network. */
  readonly logger: Logger;
  /** For adapters that receive HTTP (Slack's POST /slack/events in HTTP mode). */
  readonly http: Pick<HttpServer, 'mount'>;
  /** For adapters that keep state of their own (Slack OAuth installations). */
  readonly store: Store;
  /** Seals what adapters keep in the store (FEELERS_SECRET_KEY); hand it to `adapterState`. */
  readonly sealer: Sealer;
  /** Platform request budgets: shared through Redis by every instance, or this process's own. */
  readonly budget: RateBudget;
}

export type AdapterFactory = (ctx: AdapterContext) => ChatAdapter | Promise<ChatAdapter>;

export type AdapterRegistry = ReadonlyMap<string, AdapterFactory>;

const slack: AdapterFactory = async ({ config, logger, http, store, sealer }) => {
  const { createSlackAdapter } = await import('../../adapters/slack/index.js');
  const c = config.slack;
  if (!c) throw new FeelersError('config_invalid', 'SLACK_BOT_TOKEN in environment: missing. Write e.g. SLACK_BOT_TOKEN=xoxb-...');
  // With OAuth, each workspace's bot token comes from its install and lives in the store.
  const oauth =
    c.clientId !== undefined && c.clientSecret !== undefined && c.stateSecret !== undefined
      ? { clientId: c.clientId, clientSecret: c.clientSecret, stateSecret: c.stateSecret, state: adapterState(store, 'slack', sealer) }
      : undefined;
  const adapter = createSlackAdapter({
    botToken: c.botToken,
    // Socket Mode authenticates the connection with the app token; no request is signed.
    signingSecret: c.signingSecret,
    appToken: c.appToken,
    apiUrl: c.apiUrl,
    communityNames: namesFor('slack', config),
    oauth,
    logger,
  });
  // POST /slack/events in HTTP mode; GET /slack/install and /slack/oauth_redirect with OAuth.
  for (const route of adapter.routes()) http.mount(route.method, route.path, route.handler);
  return adapter;
};

const discord: AdapterFactory = async ({ config, logger, store, sealer, budget }) => {
  const { createDiscordAdapter } = await import('../../adapters/discord/index.js');
  const c = config.discord;
  if (!c) throw new FeelersError('config_invalid', 'DISCORD_TOKEN in environment: missing. Write e.g. DISCORD_TOKEN=...');
  return createDiscordAdapter({
    token: c.token,
    apiUrl: c.apiUrl,
    guildIds: c.guildIds,
    messageContent: c.messageContent,
    communityNames: namesFor('discord', config),
    logger,
    // Discord's 50 requests a second are per bot token, whichever instance sends.
    budget,
    // Start times for the crash-loop backoff (Discord allows 1,000 logins a day per token).
    state: adapterState(store, 'discord', sealer),
  });
};

const email: AdapterFactory = async ({ config, logger, http, store, sealer }) => {
  const { createEmailAdapter } = await import('../../adapters/email/index.js');
  const { mountEmailPages } = await import('./email-pages.js');
  const c = config.email;
  if (!c)
    throw new FeelersError(
      'config_invalid',
      'FEELERS_EMAIL_SMTP_URL in environment: missing. Write e.g. FEELERS_EMAIL_SMTP_URL=smtp://...',
    );
  const adapter = createEmailAdapter({
    smtpUrl: c.smtpUrl,
    imapUrl: c.imapUrl,
    from: c.from,
    publicUrl: c.publicUrl,
    linkSecret: c.linkSecret,
    communities: c.communities,
    lists: c.lists,
    authservId: c.authservId,
    ...(c.ratePerSec ? { limits: { network: { ratePerSec: c.ratePerSec, burst: c.ratePerSec * 2 }, concurrency: 5 } } : {}),
    // Reply tokens, message ids and the mailbox's last UID; sealed with FEELERS_SECRET_KEY.
    state: adapterState(store, 'email', sealer),
    logger,
  });
  // The pages behind the links in mail: GET shows, POST acts (docs/email.md).
  mountEmailPages(http, adapter.links);
  return adapter;
};

/** The adapters this build ships, by network name. */
export const builtInAdapters: AdapterRegistry = new Map<string, AdapterFactory>([
  ['slack', slack],
  ['discord', discord],
  ['email', email],
]);

/** YAML display names of one network's communities, keyed by the bare community id. */
function namesFor(network: string, config: Config): Record<string, string> {
  const prefix = `${network}:`;
  return Object.fromEntries(
    Object.entries(config.engine.communityNames)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, name]) => [key.slice(prefix.length), name]),
  );
}

/** The networks the configuration asks for, in a stable order. */
export function configuredNetworks(config: Config): string[] {
  const names: string[] = [];
  if (config.slack) names.push('slack');
  if (config.discord) names.push('discord');
  if (config.email) names.push('email');
  return names;
}
