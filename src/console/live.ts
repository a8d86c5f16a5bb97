import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../ports/logger.js';
import { openEventStream, type EventStream } from '../web/sse.js';
import { plain } from './gate.js';

/** How often an open page's stream re-reads what the page shows. */
export const LIVE_EVERY_MS = 3_000;
/** Streams open at once in this process; more would each add a read every few seconds. */
export const MAX_STREAMS = 50;

/** A short fingerprint of what a page shows: the page carries it, the stream compares against it. */
export function fingerprint(data: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(data) ?? 'nothing')
    .digest('base64url')
    .slice(0, 16);
}

/**
 * Server-Sent Events for the live pages. Each open stream re-reads its page's data on a timer
 * and says "changed" only when the fingerprint moved, so an idle console costs one cheap read
 * per page every few seconds and no refetch; the timer stops when the stream closes.
 */
export class LiveFeeds {
  private readonly streams = new Set<EventStream>();

  constructor(
    private readonly log: Logger,
    private readonly everyMs = LIVE_EVERY_MS,
  ) {}

  /** `since`: the fingerprint of what the page showed, so a change between render and connect is not missed. */
  serve(req: IncomingMessage, res: ServerResponse, read: () => Promise<unknown>, since: string | undefined): void {
    if (this.streams.size >= MAX_STREAMS) {
      res.setHeader('Retry-After', '30');
      return plain(res, 503, 'too many live pages are open on this instance; reload this page later to follow it live\n');
    }
    let last = since;
    let busy = false;
    const timer = setInterval(() => void tick(), this.everyMs);
    timer.unref();
    const stream = openEventStream(req, res, () => {
      clearInterval(timer);
      this.streams.delete(stream);
    });
    this.streams.add(stream);
    const tick = async (): Promise<void> => {
      // A read slower than the interval must not pile up behind itself.
      if (busy || stream.closed) return;
      busy = true;
      try {
        const now = fingerprint(await read());
        if (last !== undefined && now !== last) stream.send('changed', now);
        last = now;
      } catch (err) {
        this.log.warn({ err }, 'console: a live page could not be re-read; will retry');
      } finally {
        busy = false;
      }
    };
    void tick();
  }

  /** Ends every stream (on shutdown: an open stream would otherwise hold the HTTP server's close). */
  close(): void {
    for (const s of [...this.streams]) s.close();
  }

  get open(): number {
    return this.streams.size;
  }
}
