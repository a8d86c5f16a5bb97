import { systemClock, type Clock } from '../ports/clock.js';
import type { RateBudget, Release, WindowLimit } from '../ports/rate-budget.js';

export class AbortedWhilePacing extends Error {
  override readonly name = 'AbortError';
}

/**
 * The budget kept in this process (the memory and SQLite stores: one instance sends). Per
 * scope, a request leaves when fewer than `max` requests are in flight or were answered within
 * the last window: a rolling window, counted from the answers (see RateBudget).
 */
export class LocalRateBudget implements RateBudget {
  private readonly windows = new Map<string, RollingWindow>();

  constructor(private readonly clock: Clock = systemClock) {}

  acquire(scope: string, limit: WindowLimit, signal?: AbortSignal): Promise<Release> {
    let w = this.windows.get(scope);
    if (!w) {
      w = new RollingWindow(limit, this.clock);
      this.windows.set(scope, w);
    }
    return w.acquire(signal);
  }
}

/** First come, first served: one scope's window. */
export class RollingWindow {
  /** When each of the recently answered requests was answered, oldest first. */
  private readonly answered: number[] = [];
  private inFlight = 0;
  private tail: Promise<unknown> = Promise.resolve();
  /** Resolves when a request in flight is answered (its place starts its window). */
  private changed = deferred();

  constructor(
    private readonly limit: WindowLimit,
    private readonly clock: Clock,
  ) {}

  acquire(signal?: AbortSignal): Promise<Release> {
    const turn = this.tail.then(() => this.take(signal));
    // One failed turn must not stop the queue behind it.
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private async take(signal: AbortSignal | undefined): Promise<Release> {
    const abort = whenAborted(signal);
    try {
      return await this.wait(signal, abort.promise);
    } finally {
      abort.dispose();
    }
  }

  private async wait(signal: AbortSignal | undefined, abort: Promise<void>): Promise<Release> {
    for (;;) {
      if (signal?.aborted) throw new AbortedWhilePacing('aborted while waiting for the rate budget');
      const now = this.clock.now();
      while (this.answered.length > 0 && (this.answered[0] ?? 0) <= now - this.limit.windowMs) this.answered.shift();
      if (this.inFlight + this.answered.length < this.limit.max) {
        this.inFlight += 1;
        return this.releaser();
      }
      const oldest = this.answered[0];
      const waits: Promise<unknown>[] = [this.changed.promise, abort];
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

/**
 * Resolves when `signal` aborts (at once if it has); `dispose` removes its listener, so a waiter
 * that wakes many times before it gets its place adds one listener, not one per wake.
 */
export function whenAborted(signal: AbortSignal | undefined): { promise: Promise<void>; dispose: () => void } {
  if (!signal) return { promise: new Promise<void>(() => undefined), dispose: () => undefined };
  let onAbort: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
