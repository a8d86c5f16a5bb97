import type { IncomingMessage, ServerResponse } from 'node:http';
import { setSecurityHeaders } from './security.js';

/** How often an idle stream sends a comment line, so proxies and the browser keep it open. */
const HEARTBEAT_MS = 15_000;

export interface EventStream {
  /** Send one event; `data` is text (one `data:` line per line of it). */
  send(event: string, data: string): void;
  readonly closed: boolean;
  close(): void;
}

/**
 * A Server-Sent Events stream on this response. `onClose` runs once, whichever side ends it.
 * The browser's EventSource reconnects by itself after a drop (`retry` sets how soon).
 */
export function openEventStream(req: IncomingMessage, res: ServerResponse, onClose: () => void): EventStream {
  setSecurityHeaders(res);
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Connection', 'keep-alive');
  // nginx and similar proxies would otherwise buffer the stream.
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.write('retry: 2000\n\n');
  // A stream is long-lived: the server's request timeout must not cut it.
  req.socket.setTimeout(0);
  let closed = false;
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const end = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    onClose();
  };
  req.on('close', end);
  res.on('close', end);
  return {
    send(event, data) {
      if (closed) return;
      const lines = data.split(/\r?\n/).map((l) => `data: ${l}`);
      res.write(`event: ${event.replace(/[\r\n]/g, '')}\n${lines.join('\n')}\n\n`);
    },
    get closed() {
      return closed;
    },
    close() {
      end();
      res.end();
    },
  };
}
