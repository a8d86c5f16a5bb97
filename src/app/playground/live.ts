import type { IncomingMessage, ServerResponse } from 'node:http';
import { openEventStream, type EventStream } from '../../web/sse.js';

/** A burst of world changes (a fan-out lands over seconds) becomes one refresh at most this often. */
export const CHANGED_DEBOUNCE_MS = 200;

/** At most this many open pages are kept live; more get a 503 and keep working without live updates. */
const MAX_STREAMS = 100;

/**
 * GET /playground/events: every open page's Server-Sent Events stream. Each world change (a
 * message, an edit, a notice) tells every page `changed`, debounced, and enhance.js re-fetches
 * the live part of the page.
 */
export class LiveHub {
  private readonly streams = new Set<EventStream>();
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;

  open(req: IncomingMessage, res: ServerResponse): void {
    if (this.streams.size >= MAX_STREAMS) {
      res.statusCode = 503;
      res.setHeader('Retry-After', '10');
      res.end('too many live pages\n');
      return;
    }
    const stream = openEventStream(req, res, () => this.streams.delete(stream));
    this.streams.add(stream);
  }

  /** Something changed: tell every page, once per debounce window. */
  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.seq++;
      for (const s of this.streams) s.send('changed', String(this.seq));
    }, CHANGED_DEBOUNCE_MS);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const s of [...this.streams]) s.close();
    this.streams.clear();
  }
}
