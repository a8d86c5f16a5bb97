/**
 * Pacing of every REST request against Discord's global limit (50 requests/s per bot token), on
 * a rolling window, as the request leaves.
 *
 * Why not discord.js's own global pacing: it counts in fixed one-second windows (reset 1 s after
 * the first request of a window, plus a 50 ms offset). Under a steady load the end of one window
 * and the start of the next fall inside one rolling second of Discord's, so more than 50
 * requests land in one second: about 50 global 429s on a 500-channel fan-out
 * (bench/discord-fan-out.ts). Here a request waits until fewer than `max` requests are in flight
 * or were answered within the window, and discord.js's own global budget is raised so that two
 * limiters in a row do not each hold back what the other let through.
 */
import type { Clock } from '../../src/ports/index.js';

export interface PaceLimit {
  /** Requests allowed in any window. */
  readonly max: number;
  /** The window, ms. */
  readonly windowMs: number;
}

/**
 * 50 in any second, counted from when each request was answered. Discord counts arrivals, and a
 * request may arrive well after it left (its connection was being opened, the event loop was
 * busy with the 49 others of its window): counting from the answer, which comes after the
 * arrival, keeps two requests of a window apart by a whole second whatever the delay. A request
 * in flight holds its place until answered. The cost is one round trip per window, while the
 * first window of a burst is free, so a long fan-out stays near its floor.
 */
export const DISCORD_GLOBAL_PACE: PaceLimit = { max: 50, windowMs: 1000 };

export class AbortedWhilePacing extends Error {
  override readonly name = 'AbortError';
}

/** Call when the request was answered (or failed): its place frees a window later. */
export type Release = () => void;

/**
 * First come, first served: a request leaves when fewer than `max` requests are in flight or
 * were answered within the last window.
 */
export class RollingPacer {
  /** When each of the recently answered requests was answered, oldest first. */
  private readonly answered: number[] = [];
  private inFlight = 0;
  private tail: Promise<unknown> = Promise.resolve();
  /** Resolves when a request in flight is answered (its place starts its window). */
  private changed = deferred();

  constructor(
    private readonly limit: PaceLimit,
    private readonly clock: Clock,
  ) {}

  /**
   * Resolves when one more request may leave, with the function to call once it is answered.
   * Rejects, holding no place, when `signal` aborts first (discord.js aborts a request after its
   * timeout and sends it again).
   */
  acquire(signal?: AbortSignal): Promise<Release> {
    const turn = this.tail.then(() => this.take(signal));
    // One failed turn must not stop the queue behind it.
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private async take(signal: AbortSignal | undefined): Promise<Release> {
    for (;;) {
      if (signal?.aborted) throw new AbortedWhilePacing('aborted while waiting for the global rate limit');
      const now = this.clock.now();
      while (this.answered.length > 0 && (this.answered[0] ?? 0) <= now - this.limit.windowMs) this.answered.shift();
      if (this.inFlight + this.answered.length < this.limit.max) {
        this.inFlight += 1;
        return this.releaser();
      }
      const oldest = this.answered[0];
      const waits: Promise<void>[] = [this.changed.promise];
      if (oldest !== undefined) waits.push(this.clock.sleep(oldest + this.limit.windowMs - now));
      await Promise.race(waits);
    }
  }

  private releaser(): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight -= 1;
      this.answered.push(this.clock.now());
      const was = this.changed;
      this.changed = deferred();
      was.resolve();
    };
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** The `makeRequest` shape of @discordjs/rest (a fetch-like function). */
export type MakeRequest<I extends { signal?: AbortSignal | null | undefined }, R> = (url: string, init: I) => Promise<R>;

/**
 * Wraps @discordjs/rest's `makeRequest` so every request waits for the pacer and holds its place
 * until answered. Interaction callbacks and their webhooks are not bound by the global limit
 * (Discord's rate-limit docs) and must answer within 3 s, so they go at once.
 */
export function pacedRequests<I extends { signal?: AbortSignal | null | undefined }, R>(
  inner: MakeRequest<I, R>,
  pacer: RollingPacer,
): MakeRequest<I, R> {
  return async (url, init) => {
    if (isExempt(url)) return inner(url, init);
    const release = await pacer.acquire(init.signal ?? undefined);
    try {
      return await inner(url, init);
    } finally {
      release();
    }
  };
}

function isExempt(url: string): boolean {
  const path = new URL(url).pathname;
  return /\/interactions\/\d+\/[^/]+\/callback$/.test(path) || /\/webhooks\/\d+\/[^/]+/.test(path);
}
