import {
  DeliveryError,
  cardToText,
  type Admission,
  personKey,
  type AdapterHealth,
  type Capabilities,
  type Card,
  type ChatAdapter,
  type ChatEvent,
  type DeliveryLimits,
  type EventSink,
  type MessageRef,
  type PersonRef,
  type Place,
  type SendOptions,
} from '../../src/ports/index.js';
import { parseWire } from './parse.js';
import { neutraliseMentions, sanitizeCard } from './sanitize.js';
import { PlatformError, type StoredMessage } from './world-types.js';
import type { MemoryWorld } from './world.js';

export { MemoryWorld } from './world.js';
export { isLiveMention, neutraliseMentions } from './sanitize.js';

export interface MemoryAdapterOptions {
  readonly world: MemoryWorld;
  /** The world's network this adapter speaks for; also the adapter's `network` name. */
  readonly network: string;
  /** The name people write after "@" to mention the bot. Default: the world's bot name ("feelers"). */
  readonly botName?: string | undefined;
  /** Declared limits for the deliverer; the world enforces its own with `enforceLimits`. */
  readonly limits?: DeliveryLimits | undefined;
  /**
   * The communities it admits without an operator, as a real network would say (Slack via
   * OAuth, a public Discord bot: none). Default: every one, as the world's are all set up by feelers' operator.
   */
  readonly admission?: Admission | undefined;
  /** Declare a network that cannot edit (as email does), so tests see the engine's follow-ups. */
  readonly capabilities?: Capabilities | undefined;
  /** `false`: a network that cannot delete a sent message either (as email): no `delete`. */
  readonly deletes?: boolean | undefined;
}

/** The platform's answer as the deliverer needs it: retry later, give up, or retry with backoff. */
function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (!(err instanceof PlatformError)) return new DeliveryError('transient', `memory: ${String(err)}`, { cause: err });
  switch (err.code) {
    case 'rate_limited':
      return new DeliveryError('rate_limited', err.message, { cause: err, retryAfterMs: err.retryAfterMs ?? 1000 });
    case 'channel_not_found':
    case 'user_not_found':
    case 'dm_closed':
    case 'message_not_found':
    case 'cant_update_message':
      return new DeliveryError('gone', err.message, { cause: err });
    case 'server_error':
    case 'connection_lost':
      return new DeliveryError('transient', err.message, { cause: err });
  }
}

function refOf(m: StoredMessage): MessageRef {
  return {
    network: m.network,
    community: m.community,
    channel: m.channel,
    id: m.id,
    thread: m.thread ?? (m.opensThread ? m.id : undefined),
  };
}

/** Sanitised card and its plain-text rendering (the card's summary when it has no blocks). */
function render(card: Card): { card: Card; text: string } {
  const clean = sanitizeCard(card);
  const text = cardToText(clean);
  return { card: clean, text: text === '' ? clean.summary : text };
}

export function createMemoryAdapter(opts: MemoryAdapterOptions): MemoryAdapter {
  return new MemoryAdapter(opts);
}

/**
 * The port's methods are arrow-function fields, not prototype methods, as in every adapter:
 * callers wrap an adapter by spreading it (`{ ...adapter, start }`), which copies own
 * properties only, and each keeps this adapter as `this` wherever it is called from.
 */
export class MemoryAdapter implements ChatAdapter {
  readonly network: string;
  readonly limits: DeliveryLimits | undefined;
  readonly capabilities: Capabilities | undefined;
  private readonly world: MemoryWorld;
  private readonly botName: string;
  private readonly admits: Admission;
  private disconnect: (() => void) | undefined;
  private since: number | undefined;
  private lastError: string | undefined;

  constructor(opts: MemoryAdapterOptions) {
    this.world = opts.world;
    this.network = opts.network;
    this.limits = opts.limits;
    this.capabilities = opts.capabilities;
    this.botName = opts.botName ?? opts.world.botUser(opts.network).name;
    this.admits = opts.admission ?? { every: true };
    if (opts.deletes === false) this.delete = undefined;
  }

  readonly admission = (): Admission => this.admits;

  readonly start = async (sink: EventSink): Promise<void> => {
    if (this.disconnect) throw new Error(`memory adapter ${this.network} is already started`);
    const ctx = { botUser: this.world.botUser(this.network).id, botName: this.botName };
    this.disconnect = this.world.connect(this.network, async (wire) => {
      await sink(parseWire(wire, ctx));
    });
    this.since = this.world.wallNow();
  };

  readonly stop = async (): Promise<void> => {
    this.disconnect?.();
    this.disconnect = undefined;
  };

  readonly recent = async (thread: Place, limit: number): Promise<ChatEvent[]> => {
    this.ownNetwork(thread.network);
    const ctx = { botUser: this.world.botUser(this.network).id, botName: this.botName };
    return this.world.history(thread, limit).map((wire) => parseWire(wire, ctx));
  };

  readonly health = (): AdapterHealth => {
    return { connected: this.disconnect !== undefined, since: this.disconnect ? this.since : undefined, lastError: this.lastError };
  };

  readonly post = async (to: Place, card: Card, opts: SendOptions): Promise<MessageRef> => {
    this.ownNetwork(to.network);
    const { card: clean, text } = render(card);
    return this.call(() =>
      refOf(
        this.world.api.postMessage(this.network, to, {
          text,
          card: clean,
          idempotencyKey: opts.idempotencyKey,
          opensThread: card.thread !== undefined,
        }),
      ),
    );
  };

  readonly update = async (ref: MessageRef, card: Card): Promise<void> => {
    this.ownNetwork(ref.network);
    this.call(() => this.world.api.updateMessage(this.network, ref.id, render(card)));
  };

  readonly delete: ((ref: MessageRef) => Promise<void>) | undefined = async (ref: MessageRef): Promise<void> => {
    this.ownNetwork(ref.network);
    try {
      this.world.api.deleteMessage(this.network, ref.id);
    } catch (err) {
      // Gone already (deleted by someone, or by an earlier try whose answer was lost): done.
      if (err instanceof PlatformError && err.code === 'message_not_found') return;
      const delivery = toDeliveryError(err);
      this.lastError = delivery.message;
      throw delivery;
    }
  };

  readonly directMessage = async (to: PersonRef, card: Card, opts: SendOptions): Promise<MessageRef> => {
    this.ownNetwork(to.network);
    const { card: clean, text } = render(card);
    return this.call(() => {
      const dm = this.world.api.openDm(this.network, to);
      return refOf(
        this.world.api.postMessage(this.network, dm, { text, card: clean, idempotencyKey: opts.idempotencyKey, opensThread: false }),
      );
    });
  };

  /**
   * The memory platform's web client is the playground's page (src/app/playground), where each
   * message is an article anchored by its id. A channel's messages show for anyone there; a DM
   * only to its owner, so its link opens the page as them.
   */
  readonly linkTo = (ref: MessageRef): string | undefined => {
    const dmOf = this.world.net(ref.network).communities.get(ref.community)?.channels.get(ref.channel)?.dmOf;
    if (dmOf === undefined) return `/#${ref.id}`;
    return `/?as=${encodeURIComponent(personKey({ network: ref.network, community: ref.community, user: dmOf }))}#${ref.id}`;
  };

  readonly notice = async (to: PersonRef, where: Place, text: string): Promise<void> => {
    this.ownNetwork(to.network);
    this.call(() => this.world.api.notice(this.network, to, where, neutraliseMentions(text)));
  };

  private call<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      const delivery = toDeliveryError(err);
      this.lastError = delivery.message;
      throw delivery;
    }
  }

  /** This adapter cannot reach another network's channels: 'gone', so the deliverer never loops on it. */
  private ownNetwork(network: string): void {
    if (network === this.network) return;
    const err = new DeliveryError('gone', `memory adapter ${this.network} was given a ${network} target`);
    this.lastError = err.message;
    throw err;
  }
}
