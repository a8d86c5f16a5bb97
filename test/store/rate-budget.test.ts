import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateBudget, Release } from '../../src/ports/rate-budget.js';
import { LocalRateBudget } from '../../src/store/local-rate-budget.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { ManualClock } from '../support/manual-clock.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { until } from '../support/wait.js';

/** Let queued promise callbacks (and a Redis round trip or two) run. */
async function settle(ms = 40): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, ms));
}

function track(p: Promise<Release>): { release?: Release; error?: unknown } {
  const t: { release?: Release; error?: unknown } = {};
  p.then(
    (r) => (t.release = r),
    (e: unknown) => (t.error = e),
  );
  return t;
}

/** A window far longer than any test: a place answered within it stays taken. */
const LONG = 60_000;

/** What every RateBudget does, on real time: the local one, and Redis's. */
function rateBudgetContract(name: string, make: () => RateBudget): void {
  describe(`RateBudget contract: ${name}`, () => {
    it('gives at most `max` places in flight or answered within the window', async () => {
      const budget = make();
      const scope = `t1-${Math.random()}`;
      const a = track(budget.acquire(scope, { max: 2, windowMs: LONG }));
      const b = track(budget.acquire(scope, { max: 2, windowMs: LONG }));
      const c = track(budget.acquire(scope, { max: 2, windowMs: LONG }));
      // The first two get a place however slow the machine (a Redis round trip each); the third
      // is then given every chance to take one it must not have.
      await until(() => !!a.release && !!b.release, 'the first two places');
      await settle();
      expect([!!a.release, !!b.release, !!c.release]).toEqual([true, true, false]);
      // Answered: the place still counts for a whole window.
      a.release?.();
      await settle();
      expect(c.release).toBeUndefined();
      // Another scope is another budget.
      const other = track(budget.acquire(`${scope}-other`, { max: 2, windowMs: LONG }));
      await until(() => !!other.release, 'a place in another scope');
      expect(other.release).toBeDefined();
    });

    it('frees a place a window after its answer, to the waiters in order', async () => {
      const budget = make();
      const scope = `t2-${Math.random()}`;
      const limit = { max: 1, windowMs: 100 };
      const first = await budget.acquire(scope, limit);
      const order: string[] = [];
      const second = budget.acquire(scope, limit).then((r) => (order.push('second'), r));
      const third = budget.acquire(scope, limit).then((r) => (order.push('third'), r));
      await settle();
      expect(order).toEqual([]);
      first();
      (await second)();
      (await third)();
      expect(order).toEqual(['second', 'third']);
    });

    it('an aborted waiter takes no place; a second release frees nothing more', async () => {
      const budget = make();
      const scope = `t3-${Math.random()}`;
      const limit = { max: 1, windowMs: 100 };
      const first = track(budget.acquire(scope, limit));
      await until(() => !!first.release, 'the first place');
      const abort = new AbortController();
      const aborted = track(budget.acquire(scope, limit, abort.signal));
      const next = budget.acquire(scope, limit);
      abort.abort();
      await settle();
      expect(aborted.error).toMatchObject({ name: 'AbortError' });
      first.release?.();
      first.release?.();
      const release = await next;
      const late = track(budget.acquire(scope, { max: 1, windowMs: LONG }));
      await settle();
      expect(late.release).toBeUndefined();
      release();
    });
  });
}

rateBudgetContract('local', () => new LocalRateBudget());

describe('LocalRateBudget on a manual clock', () => {
  it('holds the next request until an earlier one was answered a whole window ago, however long it was in flight', async () => {
    const clock = new ManualClock();
    const budget = new LocalRateBudget(clock);
    const limit = { max: 2, windowMs: 1000 };
    const a = track(budget.acquire('s', limit));
    const b = track(budget.acquire('s', limit));
    const c = track(budget.acquire('s', limit));
    await settle(0);
    expect([!!a.release, !!b.release, !!c.release]).toEqual([true, true, false]);
    clock.advance(5_000);
    await settle(0);
    expect(c.release).toBeUndefined();
    a.release?.();
    await settle(0);
    clock.advance(999);
    await settle(0);
    expect(c.release).toBeUndefined();
    clock.advance(1);
    await settle(0);
    expect(c.release).toBeDefined();
  });
});

describe('RedisRateBudget', () => {
  let redis: TestRedis;
  const stores: RedisStore[] = [];
  const open = async (): Promise<RedisStore> => {
    const s = await RedisStore.open(redis.url, { prefix: 'rate-test:' });
    stores.push(s);
    return s;
  };
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await redis.stop();
  });

  rateBudgetContract('redis', () => {
    // Each test's budget on a connection of its own, as each instance has.
    let budget: RateBudget | undefined;
    const pending = open().then((s) => (budget = s.rateBudget()));
    return {
      acquire: async (scope, limit, signal) => {
        await pending;
        if (!budget) throw new Error('no budget');
        return budget.acquire(scope, limit, signal);
      },
    };
  });

  it('is one budget for every instance on the Redis: places taken by one count for the other', async () => {
    const one = (await open()).rateBudget();
    const two = (await open()).rateBudget();
    const scope = `shared-${Math.random()}`;
    const limit = { max: 3, windowMs: LONG };
    const taken = [await one.acquire(scope, limit), await one.acquire(scope, limit), await two.acquire(scope, limit)];
    const fourth = track(two.acquire(scope, limit));
    const fifth = track(one.acquire(scope, limit));
    await settle(100);
    expect([fourth.release, fifth.release]).toEqual([undefined, undefined]);
    for (const r of taken) r();
    await settle(100);
    expect([fourth.release, fifth.release]).toEqual([undefined, undefined]);
  });

  it('paces the process alone when Redis does not answer', async () => {
    const store = await open();
    const budget = store.rateBudget();
    await store.close();
    const release = await budget.acquire('while-down', { max: 1, windowMs: 100 });
    expect(typeof release).toBe('function');
    release();
  });
});
