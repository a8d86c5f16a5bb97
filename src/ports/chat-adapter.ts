import type { Card } from './cards.js';
import type { ChatEvent, EventSink } from './events.js';
import type { MessageRef, PersonRef, Place } from './places.js';

export interface AdapterHealth {
  readonly connected: boolean;
  /**
   * For a connection only one instance may hold (Discord's gateway): 'standby' while another
   * instance holds it. A standby instance still sends (REST) and is healthy.
   */
  readonly role?: 'active' | 'standby' | undefined;
  /** When the adapter last became connected (epoch ms). */
  readonly since?: number | undefined;
  readonly lastError?: string | undefined;
}

/**
 * A token bucket: `ratePerSec` tokens a second, at most `burst` saved up.
 * Platform limits, declared by the adapter so the deliverer paces itself instead of
 * learning the limits from 429s. Declare the platform's own numbers: the deliverer counts each
 * send until its answer comes back (src/core/token-bucket.ts), so however late a message
 * reaches the platform it cannot crowd the next; no margin below the limit is needed.
 */
export interface Bucket {
  readonly ratePerSec: number;
  readonly burst: number;
}

export interface DeliveryLimits {
  /** All posts of this network (Discord: 50 requests/s per bot token over all guilds). */
  readonly network?: Bucket | undefined;
  /** Per workspace / server (Slack: a few hundred chat.postMessage a minute per workspace). */
  readonly community?: Bucket | undefined;
  /** Per channel (Slack: about 1 message/s; Discord: about 5 per 5 s). */
  readonly channel?: Bucket | undefined;
  /** How many sends may be in flight at once. */
  readonly concurrency?: number | undefined;
}

/**
 * What a network can do, where networks differ. The engine decides from these, never from a
 * network's name. Each member is optional; absent means the chat platforms' usual yes.
 */
export interface Capabilities {
  /**
   * The network can replace a message it sent (Slack chat.update, Discord PATCH). Email cannot:
   * a sent mail stays as it was, so the engine sends a short follow-up in the thread where the
   * change matters (an ask closed) and nothing where it does not.
   */
  readonly edits?: boolean | undefined;
}

/** How to send one message of the outbox. */
export interface SendOptions {
  /**
   * Stable for one logical message: sending twice with the same key must leave one message
   * (Discord: nonce + enforce_nonce; Slack: message metadata carrying the key).
   */
  readonly idempotencyKey: string;
  /**
   * The outbox began sending this message before and never heard how it went (the process
   * died, the call timed out): it may already be on the platform. Only then should an adapter
   * look for it before posting, because those look-ups are tightly rate-limited (Slack allows
   * apps outside the Marketplace one conversations.history call a minute; Discord honours a
   * nonce for a few minutes only).
   */
  readonly maybeSent?: boolean | undefined;
}

/**
 * The communities where nobody but the people running feelers could have added it, so they
 * belong to the network without an operator's word (docs/governance.md): `every` (a private
 * Discord bot only its owner can add; a network whose communities are all named in feelers' own
 * configuration), or only the listed ids (single-token Slack: its own workspace; Discord with
 * DISCORD_GUILD_IDS). A Slack app installed through OAuth or a public Discord bot lists none.
 */
export type Admission = { readonly every: true } | { readonly every: false; readonly communities: readonly string[] };

/**
 * The one port every network implements. Transport and mapping only: raw payload in,
 * `ChatEvent` out; `Card` in, platform message out. No referral logic.
 *
 * Errors from post/update/directMessage are `DeliveryError`s (see core/errors.ts).
 */
export interface ChatAdapter {
  /** Network name, unique in one deployment: 'slack', 'discord', 'memory', ... */
  readonly network: string;
  /** Optional: what this network cannot do (see `Capabilities`). */
  readonly capabilities?: Capabilities | undefined;
  /** Optional: the platform's rate limits, for the deliverer's token buckets. */
  readonly limits?: DeliveryLimits | undefined;
  /**
   * Optional: only one process may hold this adapter's inbound connection at a time (Discord:
   * one gateway session per token and shard). With a shared store, main.ts lets instances take
   * turns under a lease; sending works from every instance.
   */
  readonly singleConnection?: boolean | undefined;

  /**
   * Optional: which communities this adapter admits without an operator (see `Admission`), as
   * the platform told it at `start` (Discord's `bot_public`, Slack's own team). Absent: every
   * community, as for a network whose communities all come from feelers' configuration.
   */
  admission?(): Admission;

  /** Connect and start handing events to `sink`. Resolves once events can flow. */
  start(sink: EventSink): Promise<void>;
  /** Stop receiving; in-flight calls may finish. */
  stop(): Promise<void>;
  health(): AdapterHealth;

  /**
   * Post a card in a channel or thread, once per idempotency key (see `SendOptions`).
   * When the card asks for a thread, the returned ref's `thread` is where replies go.
   */
  post(to: Place, card: Card, opts: SendOptions): Promise<MessageRef>;
  /** Replace a message the bot posted. */
  update(ref: MessageRef, card: Card): Promise<void>;
  /**
   * Optional: delete a message the bot posted (a retracted ask's copies). Resolves once the
   * message is gone, also when it was gone already, so a retry after a lost answer is harmless.
   * A network that cannot delete leaves it out; the engine then replaces the message's card.
   */
  delete?(ref: MessageRef): Promise<void>;
  /** Send a card to one person privately. Same idempotency rule as `post`. */
  directMessage(to: PersonRef, card: Card, opts: SendOptions): Promise<MessageRef>;
  /** A private line to one person where they are: Slack ephemeral, Discord ephemeral reply or DM. */
  notice(to: PersonRef, where: Place, text: string): Promise<void>;

  /**
   * Optional: the latest messages written in a thread, oldest first, as the message events a
   * live connection would have delivered (same ids). The engine reads the threads it follows
   * after a gap in the connection (another instance held it, or none did) and drops what it
   * has seen. Networks that redeliver on their own (Slack retries events) leave it out.
   */
  recent?(thread: Place, limit: number): Promise<ChatEvent[]>;

  /**
   * Optional: a link that opens this message (or its channel) on the network, for operators
   * (the console). Built from the ref alone, with no call to the platform; undefined where
   * the network has none an operator could open (a DM belongs to its two sides).
   */
  linkTo?(ref: MessageRef): string | undefined;

  /**
   * Optional: drop whatever the adapter keeps about this person in its own state (Discord: the
   * server their DMs count for). Called by forget-me, after the core cleared its own records.
   */
  forget?(person: PersonRef): Promise<void>;
}
