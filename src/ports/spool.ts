import type { ChatEvent } from './events.js';

export interface SpooledEvent {
  readonly seq: number;
  readonly event: ChatEvent;
  /** The event had already been marked seen in the store: replaying it must not drop it as a duplicate. */
  readonly pastDedupe: boolean;
}

/**
 * A local, durable queue for events accepted while the shared store was down. Platforms have
 * been told "got it" (Slack's ack, Discord's gateway sequence): dropping the event now would
 * lose it, so it waits here and is processed once the store answers again.
 */
export interface EventSpool {
  append(event: ChatEvent, pastDedupe: boolean): Promise<void>;
  /** The oldest entries first. */
  oldest(limit: number): Promise<SpooledEvent[]>;
  remove(seq: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}
