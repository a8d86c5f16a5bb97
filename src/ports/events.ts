import type { Place, PersonRef } from './places.js';

/**
 * What an adapter hands the core: a closed union, mapped from the raw platform payload at
 * the edge. Nothing past the adapter reads a platform field; `raw` is kept for logs only.
 */
export type ChatEvent = CommandEvent | MessageEvent | ActionEvent | EditedEvent | DeletedEvent | JoinedEvent;

export interface Actor extends PersonRef {
  /** Display name as the community shows it. */
  readonly name: string;
  /** Any bot, including feelers itself. Bots never ask or reply. */
  readonly isBot: boolean;
  /** feelers' own user on that network. */
  readonly isSelf: boolean;
  /** What the platform says this person may do where the event happened. */
  readonly rights: ActorRights;
  /** A handle people can search for ("@jane" on Discord, "jane" on Slack). Private until consent. */
  readonly handle?: string | undefined;
  /** A link that opens the person's profile. Private until consent. */
  readonly profileUrl?: string | undefined;
}

export interface ActorRights {
  /** Admin or owner of the workspace / server (Discord: Manage Server). */
  readonly admin: boolean;
  /** May manage the channel the event happened in (Discord: Manage Channels). */
  readonly manageChannel: boolean;
}

interface EventBase {
  /**
   * Stable across the platform's retries, unique across networks, e.g. `slack:T1:C1:1712.000100`.
   * The core processes each id once.
   */
  readonly id: string;
  readonly actor: Actor;
  /** Where it happened. For a DM, the DM channel; for a thread reply, the thread. */
  readonly place: Place;
  /** The community's display name, when the adapter knows it (config may override it). */
  readonly communityName?: string | undefined;
  /** The original payload, for logs. Never read by the core. */
  readonly raw?: unknown;
}

export interface CommandEvent extends EventBase {
  readonly kind: 'command';
  /** `ask` (`/ask <question>`) or `feelers` (`/feelers <subcommand> ...`). */
  readonly name: 'ask' | 'feelers';
  /** Everything after the command name, as typed. */
  readonly text: string;
  /** Run in a direct message with the bot rather than in a channel. */
  readonly direct?: boolean | undefined;
  /**
   * The channel's name where the platform's payload carries it (Slack's `channel_name`, the
   * channel of a Discord interaction), without '#'. Kept with a ground so operators read names, not ids.
   */
  readonly channelName?: string | undefined;
}

export interface MessageEvent extends EventBase {
  readonly kind: 'message';
  /** The platform's message id, used to follow edits and deletions. */
  readonly messageId: string;
  /** Plain text with the bot's own mention removed. */
  readonly text: string;
  /** A direct message to the bot. */
  readonly direct: boolean;
  /** The bot was @mentioned (outside a thread that feelers knows, this is an ask). */
  readonly mentionsBot: boolean;
  /** The message this one replies to (Discord message reference), when any. */
  readonly replyTo?: string | undefined;
  /**
   * For a message in a thread: whether the thread was started on a message feelers posted
   * (Slack: `parent_user_id` is the bot; Discord: the bot owns the thread). Only such a thread
   * can belong to a copy. Undefined when the adapter cannot tell.
   */
  readonly threadByBot?: boolean | undefined;
}

export interface ActionEvent extends EventBase {
  readonly kind: 'action';
  /** The button's opaque key, as put in the card. */
  readonly actionId: string;
  /** Set when a form was submitted: its text, or the person picked. */
  readonly form?:
    | {
        readonly text?: string | undefined;
        /** The person picked in a 'person' form; `name` when the platform tells it. */
        readonly person?: (PersonRef & { readonly name?: string | undefined }) | undefined;
      }
    | undefined;
}

export interface EditedEvent extends EventBase {
  readonly kind: 'edited';
  readonly messageId: string;
  readonly text: string;
}

export interface DeletedEvent extends EventBase {
  readonly kind: 'deleted';
  readonly messageId: string;
}

/**
 * feelers was added to a community: a Slack app installed through OAuth, a Discord bot added to
 * a server. `actor` is who added it (Slack's installer; Discord does not say, so the server's
 * owner); `place` names the community, with no channel. The core decides whether the community
 * belongs to the network and tells them (docs/governance.md).
 */
export interface JoinedEvent extends EventBase {
  readonly kind: 'joined';
}

/**
 * What became of an event, for adapters whose platform can redeliver: 'retry' means another
 * process is still handling an event with this id and may yet die doing so; a platform that
 * retries (Slack, when answered with an error) should be asked to send it again later.
 * Anything else (including a duplicate of a finished event) is 'done'.
 */
export type EventOutcome = 'done' | 'retry';

export type EventSink = (event: ChatEvent) => Promise<EventOutcome | void>;
