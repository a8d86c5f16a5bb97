import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../src/ports/index.js';

/**
 * Bolt, its Web API client and its Socket Mode client log with console-style varargs; feelers
 * logs with pino's context-first shape. This bridge keeps their lines in the same structured
 * stream (with the adapter's bindings) instead of bare console output, and keeps secrets and
 * people's words out of it.
 *
 * The rule: nothing a library formats into a message string reaches the log beyond the words
 * that say what happened. pino's redaction (src/app/create-logger.ts) works by key, and a
 * message string has no keys: at debug level these libraries write whole request bodies,
 * results, events and acks into the text (the OAuth client_secret sent to oauth.v2.access, a
 * chat.postMessage card carrying a person's contact, a slash command's text, a Socket Mode
 * envelope). So:
 * - a debug line keeps its words up to the first payload (`: `, `=`, `{`, `[`), at most
 *   MAX_SUMMARY characters: `apiCall('chat.postMessage') start`, `http request body`,
 *   `WebSocket open event received` stay (with pino's time), the body does not; of a Web API
 *   result only `ok` and Slack's error code are kept, as fields;
 * - an argument that is not a string is never written into the text: an Error goes to `err`,
 *   anything else to `detail`, where key-based redaction applies, and at debug nowhere;
 * - token-shaped words (xoxb-…, xapp-…) are masked in every line at every level, in case a
 *   warning or an error quotes one.
 */
export function boltLogger(log: Logger): BoltLogger {
  let level: LogLevel = boltLevel(log.level);
  // The Web API client writes several debug lines per call; building each (its summary, the
  // result's outcome) costs more than the call's own work when nobody reads them.
  const debugOff = (): boolean => log.level !== undefined && log.level !== 'debug' && log.level !== 'trace';
  return {
    debug: (...msg: unknown[]) => {
      if (!debugOff()) log.debug(...line(msg, true));
    },
    info: (...msg: unknown[]) => log.info(...line(msg, false)),
    warn: (...msg: unknown[]) => log.warn(...line(msg, false)),
    error: (...msg: unknown[]) => log.error(...line(msg, false)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    // What the libraries ask before logging more (Socket Mode's acks): feelers' LOG_LEVEL.
    getLevel: () => level,
    setName: () => {},
  };
}

/** A debug line's summary keeps no more than this: what happened, not what was sent. */
export const MAX_SUMMARY = 120;
export const OMITTED = '[details omitted]';

/** Where a payload starts in a library's line: "body: {...}", "status=1000", a bare "{...}". */
const PAYLOAD = /: |=|\{|\[/;
/** Slack's token shapes: bot, user, app-level, refresh, configuration tokens. */
const TOKEN = /\bx(?:ox[a-z]|app)-[\w-]+/gi;

function line(msg: readonly unknown[], debug: boolean): [object, string] {
  const err = msg.find((m): m is Error => m instanceof Error);
  const others = msg.filter((m) => typeof m !== 'string' && !(m instanceof Error));
  const text = msg.filter((m): m is string => typeof m === 'string').join(' ');
  const fields: Record<string, unknown> = { ...(err ? { err } : {}), ...(debug ? outcome(text) : {}) };
  if (!debug && others.length > 0) fields['detail'] = others;
  return [fields, maskTokens(debug ? summary(text) : text)];
}

/** Of the Web API client's `http request result: {...}`, whether the call worked and Slack's error code. */
function outcome(text: string): Record<string, unknown> {
  const json = /^http request result: (\{.*\})$/s.exec(text)?.[1];
  if (!json) return {};
  try {
    const r = JSON.parse(json) as { ok?: unknown; error?: unknown };
    return { ok: r.ok === true, ...(typeof r.error === 'string' ? { slackError: r.error } : {}) };
  } catch {
    return {};
  }
}

/** The words before the first payload; the rest becomes OMITTED. */
export function summary(text: string): string {
  const at = text.search(PAYLOAD);
  const head = (at < 0 ? text : text.slice(0, at)).trimEnd();
  if (head.length > MAX_SUMMARY) return `${head.slice(0, MAX_SUMMARY)}… ${OMITTED}`;
  return at < 0 ? head : `${head} ${OMITTED}`.trimStart();
}

export function maskTokens(text: string): string {
  return text.replace(TOKEN, (t) => `${t.slice(0, t.indexOf('-') + 1)}[redacted]`);
}

/** pino's level names to Bolt's four; a logger with no level (or an unknown one) reads as info. */
const BOLT_LEVELS: Readonly<Record<string, LogLevel>> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
  silent: LogLevel.ERROR,
};

function boltLevel(pinoLevel: string | undefined): LogLevel {
  return BOLT_LEVELS[pinoLevel ?? 'info'] ?? LogLevel.INFO;
}
