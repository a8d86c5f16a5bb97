import type { Card } from '../ports/cards.js';
import type { Clock } from '../ports/clock.js';
import type { ChatEvent, EventSink } from '../ports/events.js';
import type { Logger } from '../ports/logger.js';
import type { MessageRef, PersonRef, Place } from '../ports/places.js';
import type { AdapterHealth, ChatAdapter, SendOptions } from '../ports/chat-adapter.js';
import type { Store } from '../ports/store.js';
import { keys } from '../core/keys.js';

export interface ExclusiveOptions {
  readonly store: Store;
  /** This instance, as it names itself in the store. */
  readonly owner: string;
  readonly clock: Clock;
  readonly log: Logger;
  /** How long a holder keeps the lease without renewing it: how soon another takes over. */
  readonly leaseMs?: number | undefined;
  /**
   * Called each time this instance takes the connection over after start (the engine catches
   * up on the gap). Not for a connection taken inside start(): the engine catches up on
   * every adapter once it has started them.
   */
  readonly onActive?: (() => Promise<unknown>) | undefined;
}

const DEFAULT_LEASE_MS = 15_000;

/**
 * Discord allows one gateway connection per token and shard. With several instances, this
 * wrapper lets only the holder of a lease in the shared store connect; the others stay on
 * standby (they still send through REST) and one of them connects within `leaseMs` of the
 * holder dying. The holder renews at a third of the lease; if it cannot reach the store for a
 * whole lease, it disconnects, because another instance may hold the lease by then.
 */
export class ExclusiveAdapter implements ChatAdapter {
  readonly network: string;
  private readonly key: string;
  private readonly leaseMs: number;
  private active = false;
  private running = false;
  private lastRenewed = 0;
  private sink: EventSink | undefined;

  constructor(
    private readonly inner: ChatAdapter,
    private readonly opts: ExclusiveOptions,
  ) {
    this.network = inner.network;
    this.key = keys.connectionLease(inner.network);
    this.leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  }

  get limits() {
    return this.inner.limits;
  }

  async start(sink: EventSink): Promise<void> {
    this.sink = sink;
    this.running = true;
    await this.tick(true);
    // Ends by itself at its next wake-up once stop() clears `running`.
    this.run().catch((err: unknown) => this.opts.log.error({ err, network: this.network }, 'connection lease loop failed'));
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.active) {
      this.active = false;
      await this.inner.stop();
      await this.opts.store.release(this.key, this.opts.owner).catch(() => undefined);
    }
  }

  /** Whether this instance holds the connection now. */
  isActive(): boolean {
    return this.active;
  }

  health(): AdapterHealth {
    if (this.active) return { ...this.inner.health(), role: 'active' };
    return { connected: this.running, role: 'standby' };
  }

  post(to: Place, card: Card, opts: SendOptions): Promise<MessageRef> {
    return this.inner.post(to, card, opts);
  }
  update(ref: MessageRef, card: Card): Promise<void> {
    return this.inner.update(ref, card);
  }
  directMessage(to: PersonRef, card: Card, opts: SendOptions): Promise<MessageRef> {
    return this.inner.directMessage(to, card, opts);
  }
  notice(to: PersonRef, where: Place, text: string): Promise<void> {
    return this.inner.notice(to, where, text);
  }
  /** Only the holder reads threads back: a standby instance would repeat the holder's reads. */
  async recent(thread: Place, limit: number): Promise<ChatEvent[]> {
    return this.active && this.inner.recent ? this.inner.recent(thread, limit) : [];
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.opts.clock.sleep(this.leaseMs / 3);
      if (!this.running) return;
      await this.tick(false);
    }
  }

  private async tick(starting: boolean): Promise<void> {
    const { store, owner, clock, log } = this.opts;
    let held: boolean;
    try {
      held = await store.acquire(this.key, owner, this.leaseMs);
    } catch (err) {
      // The store is away: keep the connection for as long as our lease would still stand.
      if (this.active && clock.now() - this.lastRenewed >= this.leaseMs) await this.resign('store unreachable for a whole lease');
      log.warn({ err, network: this.network }, 'could not renew the connection lease');
      return;
    }
    if (held) {
      this.lastRenewed = clock.now();
      if (!this.active && this.sink) {
        await this.inner.start(this.sink);
        this.active = true;
        log.info({ network: this.network }, 'this instance now holds the connection');
        if (!starting)
          await this.opts.onActive?.().catch((err: unknown) => log.warn({ err }, 'catch-up after taking the connection failed'));
      }
    } else if (this.active) {
      await this.resign('another instance holds the lease');
    }
  }

  private async resign(why: string): Promise<void> {
    this.active = false;
    this.opts.log.warn({ network: this.network, why }, 'giving up the connection');
    await this.inner.stop().catch(() => undefined);
  }
}
