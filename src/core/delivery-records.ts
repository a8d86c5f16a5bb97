import type { Card } from '../ports/cards.js';
import { DAY_MS } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { keys, sets } from './keys.js';
import type { Delivery } from './model.js';
import type { PersonIndex } from './person-index.js';

/** Cards expire on their own: a delivery not sent within weeks has long failed or been sent. */
const DELIVERY_CARD_TTL_MS = 30 * DAY_MS;

/** The outbox's records, as the deliverer uses them: part of the repository (keys from keys.ts). */
export class DeliveryRecords {
  constructor(
    private readonly store: Store,
    private readonly people: PersonIndex,
  ) {}

  /**
   * A new delivery in the outbox, with its card. Index first, record last: written one by one,
   * a process that dies in between leaves an outbox id without a record (skipped on reload)
   * rather than a record nobody will ever send; in a batch they land together.
   */
  async enqueue(d: Delivery, card: Card): Promise<void> {
    await this.inOutbox(d.id);
    await this.noteDelivery(d);
    await this.saveDeliveryCard(d.id, card);
    await this.saveDelivery(d);
  }

  /** A DM waiting in the outbox names its recipient; forget-me drops it. */
  noteDelivery(d: Delivery): Promise<void> {
    return d.target.kind === 'dm' ? this.people.note([d.target.person], keys.delivery(d.id)) : Promise.resolve();
  }

  delivery(id: string): Promise<Delivery | undefined> {
    return this.store.get<Delivery>(keys.delivery(id));
  }
  saveDelivery(d: Delivery, ttlMs?: number): Promise<void> {
    return this.store.set(keys.delivery(d.id), d, ttlMs);
  }
  deliveryCard(id: string): Promise<Card | undefined> {
    return this.store.get<Card>(keys.deliveryCard(id));
  }
  saveDeliveryCard(id: string, card: Card): Promise<void> {
    return this.store.set(keys.deliveryCard(id), card, DELIVERY_CARD_TTL_MS);
  }
  /**
   * Only for a finished delivery: the card is read at sending and never again. A write alone
   * (`delete` would read the card first to say whether it was there, and nobody asks).
   */
  forgetDeliveryCard(id: string): Promise<void> {
    return this.store.batch([{ op: 'delete', key: keys.deliveryCard(id) }]);
  }
  outboxIds(): Promise<string[]> {
    return this.store.setMembers(sets.outbox);
  }
  outboxSize(): Promise<number> {
    return this.store.setSize(sets.outbox);
  }
  inOutbox(deliveryId: string): Promise<void> {
    return this.store.setAdd(sets.outbox, deliveryId);
  }
  outOfOutbox(deliveryId: string): Promise<void> {
    return this.store.setRemove(sets.outbox, deliveryId);
  }
  claimDelivery(deliveryId: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.store.acquire(keys.deliveryClaim(deliveryId), owner, ttlMs);
  }
  releaseDelivery(deliveryId: string, owner: string): Promise<void> {
    return this.store.release(keys.deliveryClaim(deliveryId), owner);
  }
}
