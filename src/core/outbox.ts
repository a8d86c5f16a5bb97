import type { Card } from '../ports/cards.js';
import type { Clock } from '../ports/clock.js';
import type { MessageRef, PersonRef, Place } from '../ports/places.js';
import type { Deliverer } from './deliverer.js';
import { newId } from './ids.js';
import type { Delivery, DeliveryPurpose } from './model.js';
import type { Repo } from './repo.js';

/**
 * What the stages send: every post, DM and edit is written to the outbox before anything is
 * sent, and the deliverer sends it (paced, retried, once per id).
 *
 * Pass a stable `id` (stableId) for work that may be redone (a digest rebuilt after a crash,
 * an event replayed): it is then written once. Without one, a fresh id.
 */
export class Outbox {
  constructor(
    private readonly repo: Repo,
    private readonly deliverer: Deliverer,
    private readonly clock: Clock,
  ) {}

  post(place: Place, card: Card, purpose: DeliveryPurpose, id?: string): Promise<string> {
    return this.enqueue({ kind: 'post', place }, card, purpose, id);
  }

  dm(person: PersonRef, card: Card, purpose: DeliveryPurpose, id?: string): Promise<string> {
    return this.enqueue({ kind: 'dm', person }, card, purpose, id);
  }

  edit(ref: MessageRef, card: Card, purpose: DeliveryPurpose, id?: string): Promise<string> {
    return this.enqueue({ kind: 'update', ref }, card, purpose, id);
  }

  /** Start sending what is due, in the background. */
  kick(): void {
    this.deliverer.kick();
  }

  private async enqueue(target: Delivery['target'], card: Card, purpose: DeliveryPurpose, stable?: string): Promise<string> {
    if (stable !== undefined) {
      const existing = await this.repo.deliveries.delivery(stable);
      if (existing) {
        await this.deliverer.ensureQueued(existing);
        return stable;
      }
    }
    const id = stable ?? newId();
    const now = this.clock.now();
    await this.deliverer.enqueue({ id, target, purpose, state: 'pending', attempts: 0, notBefore: now, createdAt: now }, card);
    return id;
  }
}
