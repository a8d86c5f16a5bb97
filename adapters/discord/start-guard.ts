/**
 * Crash-loop backoff for logins. Discord allows 1,000 IDENTIFYs a day per token and resets the
 * token when a bot burns through them; a process that crashes at start and is restarted by its
 * supervisor every few seconds would spend them in hours. So recent start times are kept (in
 * feelers' store, or anything with load/save) and a start that follows more than 3 others within 10
 * minutes waits before logging in: 2 s, 4 s, 8 s ... at most 10 minutes.
 */
import type { AdapterState, Clock, Logger } from '../../src/ports/index.js';

export interface StartHistory {
  /** Start times (epoch ms), any order; an empty list when none were kept. */
  load(): Promise<readonly number[]>;
  save(starts: readonly number[]): Promise<void>;
}

export const START_WINDOW_MS = 10 * 60_000;
/** Starts in the window beyond which logins are delayed. */
export const FREE_STARTS = 3;
export const MAX_START_DELAY_MS = 10 * 60_000;
const HISTORY = 'start-history';
const HISTORY_ID = 'bot';

/** Delay before logging in, given `n` starts (this one included) in the last 10 minutes. */
export function startDelayMs(n: number): number {
  if (n <= FREE_STARTS) return 0;
  return Math.min(2 ** (n - FREE_STARTS) * 1000, MAX_START_DELAY_MS);
}

/** Start history kept in feelers' store, so it survives the restart it is about. */
export function storeStartHistory(state: AdapterState): StartHistory {
  return {
    async load() {
      const v = await state.get<unknown>(HISTORY, HISTORY_ID);
      return Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)) : [];
    },
    save: (starts) => state.set(HISTORY, HISTORY_ID, [...starts], START_WINDOW_MS * 2),
  };
}

/**
 * Records this start and waits as long as the crash-loop rule says. Returns the wait (ms).
 * A history that cannot be read or written never stops a start: it only loses the backoff.
 */
export async function guardStart(history: StartHistory, clock: Clock, log: Logger): Promise<number> {
  const now = clock.now();
  let recent: number[];
  try {
    recent = [...(await history.load()).filter((t) => t > now - START_WINDOW_MS && t <= now), now];
    await history.save(recent);
  } catch (err) {
    log.warn({ err }, 'discord: could not read or keep the start history; starting without crash-loop backoff');
    return 0;
  }
  const delay = startDelayMs(recent.length);
  if (delay > 0) {
    log.warn(
      { starts: recent.length, windowMinutes: START_WINDOW_MS / 60_000, delayMs: delay },
      'discord: restarting often; waiting before logging in to save the 1,000 logins a day Discord allows',
    );
    await clock.sleep(delay);
  }
  return delay;
}
