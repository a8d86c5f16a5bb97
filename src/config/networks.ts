import { FeelersError } from '../ports/errors.js';
import type { EnvInput } from './schema.js';

/** What the Slack adapter factory receives. */
export interface SlackConfig {
  /** xoxb- token of a single-workspace install. Absent with OAuth (installations live in the store). */
  readonly botToken?: string | undefined;
  /** HTTP mode: verifies Slack's request signatures on POST /slack/events. */
  readonly signingSecret?: string | undefined;
  /** Socket Mode: xapp- token with connections:write. */
  readonly appToken?: string | undefined;
  /** Web API base, for tests against a fake Slack. */
  readonly apiUrl?: string | undefined;
  /** OAuth (multi-workspace installs). */
  readonly clientId?: string | undefined;
  readonly clientSecret?: string | undefined;
  readonly stateSecret?: string | undefined;
}

/** What the Discord adapter factory receives. */
export interface DiscordConfig {
  readonly token: string;
  /** REST base, for tests against a fake Discord. */
  readonly apiUrl?: string | undefined;
  /** Servers to register slash commands in at once (global commands take up to an hour to appear). */
  readonly guildIds: readonly string[];
  /** The privileged message-content intent was granted in the developer portal. */
  readonly messageContent: boolean;
}

/** How to connect a network, for the warning printed when none is. */
export const NETWORK_SETUP_HINT =
  'Slack: set SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET (HTTP mode) or SLACK_BOT_TOKEN + SLACK_APP_TOKEN (Socket Mode); ' +
  'for many workspaces, SLACK_CLIENT_ID + SLACK_CLIENT_SECRET + SLACK_STATE_SECRET instead of SLACK_BOT_TOKEN (OAuth installs). ' +
  'Discord: set DISCORD_TOKEN. ' +
  'Email: set FEELERS_EMAIL_SMTP_URL + FEELERS_EMAIL_IMAP_URL + FEELERS_EMAIL_FROM (docs/email.md).';

/**
 * Which networks the environment configures. A half-configured network stops the start:
 * otherwise a typo in one variable would leave the bot silently deaf on that network.
 */
export function networksFromEnv(v: EnvInput): { slack: SlackConfig | undefined; discord: DiscordConfig | undefined } {
  return { slack: slackFrom(v), discord: discordFrom(v) };
}

function slackFrom(v: EnvInput): SlackConfig | undefined {
  const configured = v.SLACK_BOT_TOKEN !== undefined || v.SLACK_CLIENT_ID !== undefined;
  if (!configured) {
    const stray = (['SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const).find(
      (k) => v[k] !== undefined,
    );
    if (stray) {
      throw missing(
        'SLACK_BOT_TOKEN',
        `${stray} is set but SLACK_BOT_TOKEN is not`,
        'SLACK_BOT_TOKEN=xoxb-... (or SLACK_CLIENT_ID for OAuth installs)',
      );
    }
    return undefined;
  }
  // Bolt needs one of the two ways to receive events: signed HTTP requests or a Socket Mode connection.
  if (v.SLACK_SIGNING_SECRET === undefined && v.SLACK_APP_TOKEN === undefined) {
    throw missing(
      'SLACK_SIGNING_SECRET',
      'Slack needs a way to receive events',
      'SLACK_SIGNING_SECRET=... (HTTP mode, POST /slack/events) or SLACK_APP_TOKEN=xapp-... (Socket Mode)',
    );
  }
  if (v.SLACK_CLIENT_ID !== undefined) {
    const absent = (['SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const).find((k) => v[k] === undefined);
    if (absent) throw missing(absent, 'SLACK_CLIENT_ID is set for OAuth installs', `${absent}=... too`);
  }
  return {
    botToken: v.SLACK_BOT_TOKEN,
    signingSecret: v.SLACK_SIGNING_SECRET,
    appToken: v.SLACK_APP_TOKEN,
    apiUrl: v.SLACK_API_URL,
    clientId: v.SLACK_CLIENT_ID,
    clientSecret: v.SLACK_CLIENT_SECRET,
    stateSecret: v.SLACK_STATE_SECRET,
  };
}

function discordFrom(v: EnvInput): DiscordConfig | undefined {
  if (v.DISCORD_TOKEN === undefined) {
    const stray = (['DISCORD_GUILD_IDS', 'DISCORD_MESSAGE_CONTENT'] as const).find((k) => v[k] !== undefined);
    if (stray) throw missing('DISCORD_TOKEN', `${stray} is set but DISCORD_TOKEN is not`, 'DISCORD_TOKEN=... (the bot token)');
    return undefined;
  }
  return {
    token: v.DISCORD_TOKEN,
    apiUrl: v.DISCORD_API_URL,
    guildIds: v.DISCORD_GUILD_IDS ?? [],
    messageContent: v.DISCORD_MESSAGE_CONTENT ?? false,
  };
}

function missing(key: string, what: string, write: string): FeelersError {
  return new FeelersError('config_invalid', `${key} in environment: missing (${what}). Write e.g. ${write}`);
}
