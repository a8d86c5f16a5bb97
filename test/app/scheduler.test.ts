import { afterEach, describe, expect, it, vi } from 'vitest';
import { FeelersError } from '../../src/ports/errors.js';
import type { Logger } from '../../src/ports/logger.js';
import { Scheduler, type SchedulerEngine } from '../../src/app/scheduler.js';

interface Line {
  level: string;
  obj: object;
  msg: string | undefined;
}

function recordingLogger(lines: Line[] = []): Logger & { lines: Line[] } {
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  const log = { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => log };
  return log;
}

function countingEngine(over: Partial<SchedulerEngine> = {}): SchedulerEngine & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    digestTick: over.digestTick ?? (async () => (calls.push('digest'), { digests: 1 })),
    expirySweep: over.expirySweep ?? (async () => (calls.push('expiry'), { warned: 0, expired: 0 })),
    deliver: over.deliver ?? (async () => (calls.push('deliver'), 0)),
  };
}

const schedule = { digest: '*/10 * * * *', expirySweep: '*/15 * * * *', outboxRetry: '* * * * *' };

let scheduler: Scheduler | undefined;
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
  vi.useRealTimers();
});

describe('Scheduler', () => {
  it('runs each job against its engine call', async () => {
    const engine = countingEngine();
    scheduler = new Scheduler({ engine, schedule, logger: recordingLogger() });
    await scheduler.runNow('digest');
    await scheduler.runNow('expirySweep');
    await scheduler.runNow('outboxRetry');
    expect(engine.calls).toEqual(['digest', 'expiry', 'deliver']);
  });

  it('logs a job that throws, and the job runs again next time', async () => {
    let n = 0;
    const engine = countingEngine({
      digestTick: async () => {
        n++;
        throw new FeelersError('store_down', 'store did not answer');
      },
    });
    const log = recordingLogger();
    scheduler = new Scheduler({ engine, schedule, logger: log });
    await expect(scheduler.runNow('digest')).resolves.toBeUndefined();
    await scheduler.runNow('digest');
    expect(n).toBe(2);
    const errors = log.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(2);
    expect(errors[0]?.obj).toMatchObject({ job: 'digest', code: 'store_down' });
  });

  it('does not start a run while the previous one is still busy', async () => {
    let release: () => void = () => undefined;
    let n = 0;
    const engine = countingEngine({
      deliver: () => {
        n++;
        // Only the first run is held open; later ones finish at once.
        if (n > 1) return Promise.resolve(0);
        return new Promise<number>((resolve) => (release = () => resolve(0)));
      },
    });
    scheduler = new Scheduler({ engine, schedule, logger: recordingLogger() });
    const first = scheduler.runNow('outboxRetry');
    await vi.waitFor(() => expect(n).toBe(1));
    await scheduler.runNow('outboxRetry');
    expect(n).toBe(1);
    release();
    await first;
    await scheduler.runNow('outboxRetry');
    expect(n).toBe(2);
  });

  it('stop waits for a job in flight', async () => {
    let release: () => void = () => undefined;
    const order: string[] = [];
    const engine = countingEngine({
      expirySweep: () =>
        new Promise((resolve) => {
          release = () => {
            order.push('job done');
            resolve({ warned: 0, expired: 0 });
          };
        }),
    });
    const s = new Scheduler({ engine, schedule, logger: recordingLogger() });
    const running = s.runNow('expirySweep');
    await vi.waitFor(() => expect(order).toEqual([]));
    const stopped = s.stop().then(() => order.push('stopped'));
    // Let every pending callback run: stop must still be waiting for the job.
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    release();
    await Promise.all([running, stopped]);
    expect(order).toEqual(['job done', 'stopped']);
  });

  it('refuses an expression that is not cron', () => {
    expect(
      () => new Scheduler({ engine: countingEngine(), schedule: { ...schedule, digest: '*/10 * *' }, logger: recordingLogger() }),
    ).toThrow(/schedule\.digest/);
  });

  it('reads schedules in UTC, with seconds allowed', () => {
    scheduler = new Scheduler({
      engine: countingEngine(),
      schedule: { ...schedule, digest: '30 0 3 * * *' },
      logger: recordingLogger(),
    });
    scheduler.start();
    const next = scheduler.nextRuns().digest;
    expect(next?.getUTCHours()).toBe(3);
    expect(next?.getUTCMinutes()).toBe(0);
    expect(next?.getUTCSeconds()).toBe(30);
  });

  it('fires on its own as time passes, and a failing tick does not stop the next', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 5, 9, 0, 30) });
    let n = 0;
    const engine = countingEngine({
      deliver: async () => {
        n++;
        throw new Error('network down');
      },
    });
    scheduler = new Scheduler({ engine, schedule, logger: recordingLogger() });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(n).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(n).toBe(2);
  });
});

describe('Scheduler across instances', () => {
  it('runs each scheduled tick on exactly one of two instances sharing a store', async () => {
    const { MemoryStore } = await import('../../src/store/memory-store.js');
    const { storeCoordinator } = await import('../../src/app/cron-coordinator.js');
    vi.useFakeTimers({ now: new Date('2026-01-05T09:00:30Z') });
    const store = new MemoryStore();
    const a = countingEngine();
    const b = countingEngine();
    const every = { digest: '* * * * *', expirySweep: '0 0 1 1 *', outboxRetry: '0 0 1 1 *' };
    const sa = new Scheduler({ engine: a, schedule: every, logger: recordingLogger(), coordinator: storeCoordinator(store, 'a') });
    const sb = new Scheduler({ engine: b, schedule: every, logger: recordingLogger(), coordinator: storeCoordinator(store, 'b') });
    sa.start();
    sb.start();
    for (let minute = 0; minute < 5; minute++) await vi.advanceTimersByTimeAsync(60_000);
    await sa.stop();
    await sb.stop();
    const runs = [...a.calls, ...b.calls].filter((c) => c === 'digest');
    expect(runs).toHaveLength(5);
    expect(a.calls.length + b.calls.length).toBe(5);
  });
});
