/**
 * Pacing of every REST request against Discord's global limit (50 requests/s per bot token), on
 * a rolling window, as the request leaves.
 *
 * Why not discord.js's own global pacing: it counts in fixed one-second windows (reset 1 s after
 * the first request of a window, plus a 50 ms offset). Under a steady load the end of one window
 * and the start of the next fall inside one rolling second of Discord's, so more than 50
 * requests land in one second: about 50 global 429s on a 500-channel fan-out
 * (bench/discord-fan-out.ts). Here a request waits for a place in the rate budget the adapter
 * was handed (src/ports/rate-budget.ts): fewer than `max` requests in flight or answered within
 * the window, counted in Redis for all instances when they share one (the limit is per bot
 * token, not per process), else in this process. discord.js's own global budget is raised so
 * that two limiters in a row do not each hold back what the other let through.
 */
import type { RateBudget, WindowLimit } from '../../src/ports/index.js';

/**
 * 50 in any second, counted from when each request was answered. Discord counts arrivals, and a
 * request may arrive well after it left (its connection was being opened, the event loop was
 * busy with the 49 others of its window): counting from the answer, which comes after the
 * arrival, keeps two requests of a window apart by a whole second whatever the delay. A request
 * in flight holds its place until answered. The cost is one round trip per window, while the
 * first window of a burst is free, so a long fan-out stays near its floor.
 */
export const DISCORD_GLOBAL_PACE: WindowLimit = { max: 50, windowMs: 1000 };

/** The `makeRequest` shape of @discordjs/rest (a fetch-like function). */
export type MakeRequest<I extends { signal?: AbortSignal | null | undefined }, R> = (url: string, init: I) => Promise<R>;

/**
 * Wraps @discordjs/rest's `makeRequest` so every request waits for a place in `scope` of the
 * budget and holds it until answered. Interaction callbacks and their webhooks are not bound by
 * the global limit (Discord's rate-limit docs) and must answer within 3 s, so they go at once.
 */
export function pacedRequests<I extends { signal?: AbortSignal | null | undefined }, R>(
  inner: MakeRequest<I, R>,
  budget: RateBudget,
  scope: string,
  limit: WindowLimit = DISCORD_GLOBAL_PACE,
): MakeRequest<I, R> {
  return async (url, init) => {
    if (isExempt(url)) return inner(url, init);
    const release = await budget.acquire(scope, limit, init.signal ?? undefined);
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
