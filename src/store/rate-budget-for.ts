import type { RateBudget } from '../ports/rate-budget.js';
import type { Store } from '../ports/store.js';
import { LocalRateBudget } from './local-rate-budget.js';
import { RedisStore } from './redis-store.js';

/**
 * The request budgets for the adapters: in Redis when the store is Redis (several instances
 * send with one bot token and must share its budget), in the process otherwise (memory and
 * SQLite: one instance).
 */
export function rateBudgetFor(store: Store): RateBudget {
  return store instanceof RedisStore ? store.rateBudget() : new LocalRateBudget();
}
