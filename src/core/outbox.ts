import type { Card } from '../ports/cards.js';
import type { Clock } from '../ports/clock.js';
import type { MessageRef, PersonRef, Place } from '../ports/places.js';
import type { Deliverer } from './deliverer.js';
import { newId } from './ids.js';
import type { Delivery, DeliveryPurpose } from './model.js';
import type { Repo } from './repo.js';

/** What an outbox writing into a batch holds back until the batch is committed. */
interface Held {
  readonly deliveries: Delivery[];
  kick: boolean;
}

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
    private readonly held?: Held,
  ) {}

  /**
   * The outbox of a stage writing into a batch (`repo` is the batch's): what it enqueues is
   * handed to the deliverer only by `release`, once the batch is committed, so the deliverer
   * never looks for a delivery that is not in the store yet.
   */
  within(repo: Repo): { outbox: Outbox; release(): void } {
    const held: Held = { deliveries: [], kick: false };
    return {
      outbox: new Outbox(repo, this.deliverer, this.clock, held),
      release: () => {
        for (const d of held.deliveries) this.deliverer.queue(d);
        if (held.kick) this.deliverer.kick();
      },
    };
  }

  post(place: Place, card: Card, purpose: DeliveryPurpose, id?: string): Promise<string> {
    return this.enqueue({ kind: 'post', place }, card, purpose, id);
  }

  dm(person: PersonRef, card: Card, purpose: DeliveryPurpose, id?: string): Promise<string> {
    return this.enqueue({ kind: 'dm', person }, card, purpose, id);
  }

  edit(ref: MessageRef, card: Card, purpose: DeliveryPurpose, id?: string): Promise<string> {
    return this.enqueue({ kind: 'update', ref }, card, purpose, id);
  }

  /** Take a message down (`card` replaces it where the network cannot delete). */
  remove(ref: MessageRef, card: Card, purpose: DeliveryPurpose, id?: string): Promise<string> {
    return this.enqueue({ kind: 'delete', ref }, card, purpose, id);
  }

  /** Start sending what is due, in the background. */
  kick(): void {
    if (this.held) this.held.kick = true;
    else this.deliverer.kick();
  }

  private async enqueue(target: Delivery['target'], card: Card, purpose: DeliveryPurpose, stable?: string): Promise<string> {
    if (stable !== undefined) {
      const existing = await this.repo.deliveries.delivery(stable);
      if (existing) {
        // A redo found it written: make sure it is on the way.
        if (existing.state === 'pending') {
          await this.repo.deliveries.inOutbox(existing.id);
          this.queue(existing);
        }
        return stable;
      }
    }
    const id = stable ?? newId();
    const now = this.clock.now();
    const d: Delivery = { id, target, purpose, state: 'pending', attempts: 0, notBefore: now, createdAt: now };
    await this.repo.deliveries.enqueue(d, card);
    this.queue(d);
    return id;
  }

  private queue(d: Delivery): void {
    if (this.held) this.held.deliveries.push(d);
    else this.deliverer.queue(d);
  }
}
