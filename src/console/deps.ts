import type { IncomingMessage } from 'node:http';
import type { OperatorApi } from '../core/operator-api.js';
import type { Logger } from '../ports/logger.js';
import type { ConsoleKeys } from './session.js';

/** What the console's routes share. */
export interface ConsoleDeps {
  readonly operator: OperatorApi;
  readonly keys: ConsoleKeys;
  readonly log: Logger;
  readonly now: () => number;
  /** Whether this request's cookies get `Secure`. */
  readonly secure: (req: IncomingMessage) => boolean;
}
