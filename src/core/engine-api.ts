import type { ChatEvent, EventOutcome } from '../ports/events.js';
import type { HealthReport } from './health.js';
import type { OperatorApi } from './operator-api.js';

export type { HealthReport } from './health.js';

/** What main.ts, the HTTP server and the scheduler see of the engine. */
export interface EngineApi {
  /** Seed grounds from config, start every adapter with `handle` as its sink, start delivering. */
  start(): Promise<void>;
  /** Stop adapters, drain the outbox for at most `drainMs`, stop delivering. The store stays open. */
  stop(opts?: { drainMs?: number }): Promise<void>;
  /** Process one inbound event. Never throws: failures are logged and answered with a notice. */
  handle(event: ChatEvent): Promise<EventOutcome>;
  /** Post one digest per ask with new replies (origin thread + followers' DMs). */
  digestTick(): Promise<{ digests: number }>;
  /** Warn asks about to expire, expire the overdue ones. */
  expirySweep(): Promise<{ warned: number; expired: number }>;
  /** Send every outbox delivery that is due; resolves when none is due. Returns how many were sent. */
  deliver(): Promise<number>;
  health(): Promise<HealthReport>;
  /** What the operator console reads and does (src/app hands it to the console's pages). */
  readonly operator: OperatorApi;
}
