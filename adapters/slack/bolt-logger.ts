import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../src/ports/index.js';

/**
 * Bolt and its WebClient log with console-style varargs; feelers logs with pino's
 * context-first shape. This bridge keeps Bolt's lines in the same structured stream (with the
 * adapter's bindings) instead of bare console output.
 */
export function boltLogger(log: Logger): BoltLogger {
  let level: LogLevel = LogLevel.INFO;
  const line = (msg: unknown[]): [object, string] => {
    const errors = msg.filter((m): m is Error => m instanceof Error);
    const text = msg
      .filter((m) => !(m instanceof Error))
      .map((m) => (typeof m === 'string' ? m : safeJson(m)))
      .join(' ');
    return [errors[0] ? { err: errors[0] } : {}, text];
  };
  return {
    debug: (...msg: unknown[]) => log.debug(...line(msg)),
    info: (...msg: unknown[]) => log.info(...line(msg)),
    warn: (...msg: unknown[]) => log.warn(...line(msg)),
    error: (...msg: unknown[]) => log.error(...line(msg)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
