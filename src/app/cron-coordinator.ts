import type { RunCoordinator } from 'node-cron';
import { keys } from '../core/keys.js';
import type { Store } from '../ports/store.js';

/**
 * node-cron's `distributed` mode asks a coordinator before each scheduled tick, with a key
 * naming the job and the tick's slot time. Taking that key in the shared store (never
 * released: the next slot has a key of its own) lets exactly one instance run each tick,
 * however many share the store. On one instance it always says yes.
 */
export function storeCoordinator(store: Store, owner: string): RunCoordinator {
  return {
    shouldRun: (key: string, ttlMs: number) => store.acquire(keys.cronRun(key), owner, Math.max(ttlMs, 60_000)),
  };
}
