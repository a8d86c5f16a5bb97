import { createTask, type Logger as CronLogger, type RunCoordinator, type ScheduledTask } from 'node-cron';
import type { ScheduleConfig } from '../config/load-config.js';
import { isCronExpression } from '../config/schema.js';
import type { EngineApi } from '../core/engine-api.js';
import { asFeelersError, FeelersError } from '../ports/errors.js';
import type { Logger } from '../ports/logger.js';

/**
 * The engine's timed work on node-cron: UTC, no overlap within a process (node-cron's
 * `noOverlap` is per process), one instance per tick across processes through the
 * coordinator (a key per tick slot in the shared store), and a job that throws is logged
 * while its schedule goes on. The engine's own store locks stay as a second guard.
 */
export type JobName = keyof ScheduleConfig;

export const JOB_NAMES: readonly JobName[] = ['digest', 'expirySweep', 'outboxRetry'];

export type SchedulerEngine = Pick<EngineApi, 'digestTick' | 'expirySweep' | 'deliver'>;

export interface SchedulerOptions {
  engine: SchedulerEngine;
  schedule: ScheduleConfig;
  logger: Logger;
  /** Decides which instance runs each tick (see store-coordinator.ts). None: this one always does. */
  coordinator?: RunCoordinator | undefined;
}

export class Scheduler {
  private readonly tasks = new Map<JobName, ScheduledTask>();
  private readonly running = new Map<JobName, Promise<void>>();
  private readonly log: Logger;

  constructor(opts: SchedulerOptions) {
    this.log = opts.logger.child({ part: 'scheduler' });
    const work: Record<JobName, () => Promise<unknown>> = {
      digest: () => opts.engine.digestTick(),
      expirySweep: () => opts.engine.expirySweep(),
      outboxRetry: () => opts.engine.deliver(),
    };
    for (const name of JOB_NAMES) {
      const expr = opts.schedule[name];
      if (!isCronExpression(expr)) {
        throw new FeelersError('config_invalid', `schedule.${name}: ${JSON.stringify(expr)} is not a cron expression.`);
      }
      const task = createTask(expr, () => this.run(name, work[name]), {
        name: `feelers-${name}`,
        timezone: 'UTC',
        noOverlap: true,
        logger: cronLogger(this.log),
        ...(opts.coordinator ? { distributed: true, runCoordinator: opts.coordinator } : {}),
      });
      this.tasks.set(name, task);
    }
  }

  start(): void {
    for (const task of this.tasks.values()) void task.start();
    this.log.info({ jobs: Object.fromEntries([...this.tasks].map(([n, t]) => [n, t.getPattern()])) }, 'scheduler started (UTC)');
  }

  /** Run one job now, as a tick would (node-cron's manual execution). */
  async runNow(name: JobName): Promise<void> {
    const task = this.tasks.get(name);
    if (!task) throw new Error(`unknown job ${name}`);
    await task.execute();
  }

  /** When each job runs next, for logs and tests. */
  nextRuns(): Record<JobName, Date | null> {
    const out = {} as Record<JobName, Date | null>;
    for (const [name, task] of this.tasks) out[name] = task.getNextRun();
    return out;
  }

  /** Stop the timers and wait for jobs already running, so the engine can stop after. */
  async stop(): Promise<void> {
    for (const task of this.tasks.values()) await task.destroy();
    await Promise.allSettled([...this.running.values()]);
  }

  private async run(name: JobName, job: () => Promise<unknown>): Promise<void> {
    // node-cron's noOverlap guards scheduled ticks only; a manual run must not overlap either.
    if (this.running.has(name)) {
      this.log.debug({ job: name }, 'previous run still busy; skipping this one');
      return;
    }
    const p = this.guarded(name, job).finally(() => this.running.delete(name));
    this.running.set(name, p);
    await p;
  }

  private async guarded(name: JobName, job: () => Promise<unknown>): Promise<void> {
    try {
      const result = await job();
      this.log.debug({ job: name, result }, 'job done');
    } catch (err) {
      const e = asFeelersError(err);
      this.log.error({ err: e, code: e.code, job: name }, 'scheduled job failed; it runs again on its next tick');
    }
  }
}

/** node-cron logs through this, so its warnings (missed or overlapping ticks) land in our logs. */
function cronLogger(log: Logger): CronLogger {
  return {
    info: (message) => log.info({}, message),
    warn: (message) => log.warn({}, message),
    error: (message, err) => (message instanceof Error ? log.error({ err: message }, 'node-cron error') : log.error({ err }, message)),
    debug: (message, err) => (message instanceof Error ? log.debug({ err: message }, 'node-cron') : log.debug({ err }, message)),
  };
}
