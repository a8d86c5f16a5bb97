import type { Delivery } from './model.js';

/**
 * The deliveries this process means to send, in the order they were queued, grouped by
 * network: a pass of the deliverer walks one network's list only until that network's sends in
 * flight reach its cap, instead of the whole outbox each time a send ends.
 */
export class OutboxQueue {
  private readonly byId = new Map<string, Delivery>();
  private readonly byNetwork = new Map<string, Map<string, Delivery>>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Delivery | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Adds it, or replaces the one with its id where that one stood. */
  set(d: Delivery): void {
    this.byId.set(d.id, d);
    const network = networkOf(d);
    let list = this.byNetwork.get(network);
    if (!list) {
      list = new Map();
      this.byNetwork.set(network, list);
    }
    list.set(d.id, d);
  }

  delete(id: string): void {
    const d = this.byId.get(id);
    if (!d) return;
    this.byId.delete(id);
    this.byNetwork.get(networkOf(d))?.delete(id);
  }

  /** Each network with its deliveries, oldest queued first. */
  networks(): IterableIterator<[string, ReadonlyMap<string, Delivery>]> {
    return this.byNetwork.entries();
  }
}

/** The network a delivery goes out on. */
export function networkOf(d: Delivery): string {
  const t = d.target;
  return t.kind === 'post' ? t.place.network : t.kind === 'dm' ? t.person.network : t.ref.network;
}
