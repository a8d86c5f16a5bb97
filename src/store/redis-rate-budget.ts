import { randomUUID } from 'node:crypto';
import type { Logger } from '../ports/logger.js';
import type { RateBudget, Release, WindowLimit } from '../ports/rate-budget.js';
import { AbortedWhilePacing, deferred, whenAborted } from './local-rate-budget.js';
import { SETTLE_PLACE, TAKE_PLACE, type LuaScript } from './redis-scripts.js';

/** Runs a script on the store's connection, failing as the store's calls fail. */
export type RunScript = (script: LuaScript, key: string, args: string[]) => Promise<unknown>;

/**
 * How long a request in flight keeps its place if its process dies before settling it: longer
 * than discord.js gives a request (15 s) before it gives up.
 */
const HOLD_MS = 20_000;
/** With the window full, how soon to look again: another instance's answer frees a place without telling this one. */
const POLL_MS = 10;

export interface RedisRateBudgetOptions {
  readonly run: RunScript;
  /** The Redis key of a scope's window. */
  readonly key: (scope: string) => string;
  /** Paces this process alone while Redis does not answer. */
  readonly fallback: RateBudget;
  readonly log: Logger;
}

/**
 * The budget every instance on one Redis shares: each scope is a rolling window of places in
 * a sorted set, taken and settled by Lua scripts (redis-scripts.ts: TAKE_PLACE, SETTLE_PLACE),
 * so two instances can never both take the last place, and on Redis's clock, so their own
 * clocks do not matter. A place is taken before the request leaves and counts from its answer.
 * Within this process, waiters of a scope queue first come, first served, and only the first
 * asks Redis.
 */
export class RedisRateBudget implements RateBudget {
  private readonly owner = randomUUID();
  private seq = 0;
  private readonly tails = new Map<string, Promise<unknown>>();
  /** Resolves when this process settles a place: the next waiter may find it free. */
  private settled = deferred();
  private down = false;

  constructor(private readonly o: RedisRateBudgetOptions) {}

  acquire(scope: string, limit: WindowLimit, signal?: AbortSignal): Promise<Release> {
    const turn = (this.tails.get(scope) ?? Promise.resolve()).then(() => this.take(scope, limit, signal));
    // One failed turn must not stop the queue behind it.
    this.tails.set(
      scope,
      turn.catch(() => undefined),
    );
    return turn;
  }

  private async take(scope: string, limit: WindowLimit, signal: AbortSignal | undefined): Promise<Release> {
    const abort = whenAborted(signal);
    try {
      return await this.wait(scope, limit, signal, abort.promise);
    } finally {
      abort.dispose();
    }
  }

  private async wait(scope: string, limit: WindowLimit, signal: AbortSignal | undefined, abort: Promise<void>): Promise<Release> {
    const key = this.o.key(scope);
    const place = `${this.owner}:${++this.seq}`;
    for (;;) {
      if (signal?.aborted) throw new AbortedWhilePacing('aborted while waiting for the rate budget');
      let wait: number;
      try {
        wait = Number(await this.o.run(TAKE_PLACE, key, [String(limit.max), String(limit.windowMs), place, String(HOLD_MS)]));
      } catch (err) {
        // Redis is away: pace this process alone until it is back. Instances may then exceed the
        // budget together; the platform's 429s are waited out and retried.
        if (!this.down) this.o.log.warn({ err, scope }, 'rate budget: Redis does not answer; pacing this process alone');
        this.down = true;
        return this.o.fallback.acquire(scope, limit, signal);
      }
      if (this.down) this.o.log.info({ scope }, 'rate budget: shared again through Redis');
      this.down = false;
      if (wait <= 0) return this.releaser(key, place);
      await Promise.race([new Promise((resolve) => setTimeout(resolve, Math.min(wait, POLL_MS))), this.settled.promise, abort]);
    }
  }

  private releaser(key: string, place: string): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      // Not awaited by the request: a settle that is lost leaves the place to lapse after HOLD_MS.
      this.o
        .run(SETTLE_PLACE, key, [place])
        .catch((err: unknown) => this.o.log.debug({ err }, 'rate budget: a place was not settled; it lapses'))
        .finally(() => {
          const was = this.settled;
          this.settled = deferred();
          was.resolve();
        });
    };
  }
}
