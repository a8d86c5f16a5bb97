import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogLevel } from '../config/schema.js';

/**
 * Keys whose values never reach a log line. Redaction is configuration, not care: an adapter
 * that logs its options, a request's headers or a profile must not leak a token or a contact
 * that its owner has not agreed to share.
 */
export const SECRET_KEYS = [
  'token',
  'botToken',
  'appToken',
  'secret',
  'signingSecret',
  'clientSecret',
  'stateSecret',
  'password',
  'authorization',
  'cookie',
  'set-cookie',
  'contact',
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
