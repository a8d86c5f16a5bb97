import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogLevel } from '../config/schema.js';

/**
 * Keys whose values never reach a log line. Redaction is configuration, not care: an adapter
 * that logs its options, a request's headers or a profile must not leak a token or a contact
 * that its owner has not agreed to share. It works by key only: what a library formats into a
 * message string is out of its reach, which is why adapters summarise such lines instead
 * (adapters/slack/bolt-logger.ts).
 */
export const SECRET_KEYS = [
  // Credentials, as feelers' config names them, as the environment does, and as Slack's wire does.
  'token',
  'botToken',
  'appToken',
  'secret',
  'signingSecret',
  'clientSecret',
  'stateSecret',
  'password',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
  'DISCORD_TOKEN',
  'FEELERS_CONSOLE_TOKEN',
  // Email: the server URLs carry their passwords (smtp://user:pass@host), and the key that signs links.
  'smtpUrl',
  'imapUrl',
  'linkSecret',
  'FEELERS_EMAIL_SMTP_URL',
  'FEELERS_EMAIL_IMAP_URL',
  'FEELERS_EMAIL_LINK_SECRET',
  // The keys that seal secrets at rest, as the environment and the config name them.
  'FEELERS_SECRET_KEY',
  'secretKeys',
  'client_secret',
  'access_token',
  'refresh_token',
  // A store URL may carry a Redis password (redis://user:password@host).
  'storeUrl',
  'FEELERS_STORE',
  'authorization',
  'Authorization',
  'cookie',
  'set-cookie',
  // People's words: a contact, and a card or message (a contact card's text is the contact).
  'contact',
  'text',
  'summary',
  'blocks',
] as const;

export const REDACTED = '[redacted]';

/** `key`, `*.key`, `*.*.key`, `*.*.*.key`: the key itself and nested up to three levels below. */
export function redactPaths(keys: readonly string[] = SECRET_KEYS, depth = 3): string[] {
  const paths: string[] = [];
  for (const key of keys) {
    // Keys that are not identifiers ("set-cookie") need bracket notation in pino's path syntax.
    const leaf = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    for (let d = 0; d <= depth; d++) {
      const prefix = '*.'.repeat(d);
      paths.push(leaf.startsWith('[') ? `${prefix.replace(/\.$/, '')}${leaf}` : `${prefix}${leaf}`);
    }
  }
  return paths;
}

export interface CreateLoggerOptions {
  readonly level?: LogLevel | undefined;
  /** Where lines go; tests pass a stream. Default: stdout (pretty on a terminal). */
  readonly destination?: DestinationStream | undefined;
  /** Defaults to: stdout is a terminal and CI is not set. */
  readonly pretty?: boolean | undefined;
}

export function createLogger(opts: CreateLoggerOptions = {}): PinoLogger {
  const options = {
    level: opts.level ?? 'info',
    base: { app: 'feelers' },
    redact: { paths: redactPaths(), censor: REDACTED },
  };
  if (opts.destination) return pino(options, opts.destination);

  const pretty = opts.pretty ?? (process.stdout.isTTY === true && !process.env['CI']);
  if (!pretty) return pino(options);
  return pino({
    ...options,
    transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,app' } },
  });
}
