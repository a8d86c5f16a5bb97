import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A request as feelers' HTTP server hands it to a route: the body already read (capped) and
 * kept as bytes on `rawBody`, because Bolt's request verification needs the exact bytes Slack
 * signed and every form handler reads it once.
 */
export interface HttpRequest extends IncomingMessage {
  rawBody: Buffer;
  /** The path without the query string. */
  path: string;
  query: URLSearchParams;
}

export type RouteHandler = (req: HttpRequest, res: ServerResponse) => unknown;

/** What a part that serves pages needs of the server: adding routes. */
export interface Routes {
  /** One handler per method and exact path. */
  mount(method: string, path: string, handler: RouteHandler): void;
  /** One handler per method for every path under `prefix` (ending in '/'); exact routes win. */
  mountPrefix(method: string, prefix: string, handler: RouteHandler): void;
}
