/**
 * The slice of pino the core uses: context object first, message second.
 * pino's Logger satisfies it; tests pass `silentLogger`.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
  /**
   * The level lines are written from (pino's names: 'debug', 'info'...), when known. An
   * adapter bridging a library's own logger reads it, so the library logs as much as feelers.
   */
  readonly level?: string | undefined;
}

export const silentLogger: Logger = {
  level: 'silent',
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
