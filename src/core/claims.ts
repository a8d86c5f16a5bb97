import type { Store } from '../ports/store.js';
import { keys } from './keys.js';

/**
 * Who is doing what, among several instances: an inbound event's dedupe in two phases (a short
 * claim while it is handled, a done mark after) and the locks of the scheduled ticks. Part of
 * the repository (keys from keys.ts).
 */
export class Claims {
  constructor(
    private readonly store: Store,
    private readonly dedupeTtlMs: number,
  ) {}

  async isDone(eventId: string): Promise<boolean> {
    return (await this.store.get<boolean>(keys.eventDone(eventId))) === true;
  }
  claimEvent(eventId: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.store.acquire(keys.eventClaim(eventId), owner, ttlMs);
  }
  markDone(eventId: string): Promise<void> {
    return this.store.set(keys.eventDone(eventId), true, this.dedupeTtlMs);
  }

  takeTick(tick: 'digest' | 'expiry', owner: string, ttlMs: number): Promise<boolean> {
    return this.store.acquire(keys.tickLock(tick), owner, ttlMs);
  }
  releaseTick(tick: 'digest' | 'expiry', owner: string): Promise<void> {
    return this.store.release(keys.tickLock(tick), owner);
  }
}
