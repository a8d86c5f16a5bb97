import type { ChatEvent, EventOutcome } from '../ports/events.js';

export interface HealthReport {
  /** True when the store answers and every adapter is connected. */
  readonly ok: boolean;
  /** One entry per part: 'store', 'adapter:slack', ... */
  readonly parts: Readonly<Record<string, { readonly ok: boolean; readonly detail?: string | undefined }>>;
}

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
}
