/**
 * A platform's request budget, shared by every process that sends with the same credentials.
 * Discord allows a bot token 50 requests a second over all its connections: two instances of
 * feelers each counting its own 50 would send 100. An adapter paces its requests through the
 * budget it is handed; with a shared store (Redis) the count lives there, one for all
 * instances, otherwise in the process.
 */

/** At most `max` requests in any rolling `windowMs`. */
export interface WindowLimit {
  readonly max: number;
  readonly windowMs: number;
}

/** Call when the request was answered (or failed): its place frees a whole window later. */
export type Release = () => void;

export interface RateBudget {
  /**
   * Resolves when one more request of `scope` (one budget, e.g. `discord:<bot id>`) may leave,
   * with the function to call once it is answered. A request holds its place while in flight
   * and for a window after its answer: a platform counts arrivals, and an arrival lies
   * somewhere before the answer, so counting from the answer never lets two requests of one
   * window land closer than the limit allows, however late each reached it.
   * Waiters of one process go first come, first served. Rejects, holding no place, when
   * `signal` aborts first.
   */
  acquire(scope: string, limit: WindowLimit, signal?: AbortSignal): Promise<Release>;
}
