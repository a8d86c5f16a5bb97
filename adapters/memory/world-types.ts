import type { Card, CardFile, PersonRef } from '../../src/ports/index.js';
import type { NetworkFaults, RateGate } from './world-faults.js';

/**
 * The memory "platform": what it stores and what it sends its connected adapters.
 * The world plays the platform; the adapter (index.ts, parse.ts) maps its wire events to
 * `ChatEvent`s, exactly as the Slack and Discord adapters map theirs.
 */

export interface MemberRecord {
  readonly id: string;
  name: string;
  readonly isBot: boolean;
  /** Workspace admin / owner, Discord Manage Server. Implies managing every channel. */
  admin: boolean;
  /** Channels this member may manage (Discord Manage Channels on that channel). */
  readonly manages: Set<string>;
  handle?: string | undefined;
  profileUrl?: string | undefined;
}

export interface ChannelRecord {
  readonly id: string;
  readonly name: string;
  /** Set for a DM channel: the one person (besides the bot) who is in it. */
  readonly dmOf?: string | undefined;
  /** An archived or deleted channel: the platform answers posts with channel_not_found. */
  archived: boolean;
}

export interface CommunityRecord {
  readonly id: string;
  readonly name: string;
  readonly channels: Map<string, ChannelRecord>;
  readonly members: Map<string, MemberRecord>;
}

/** One message as the platform keeps it. Ids are "m1", "m2", ... in posting order. */
export interface StoredMessage {
  readonly id: string;
  /** Posting order, for sorting ("m10" sorts before "m9" as a string). */
  readonly seq: number;
  readonly network: string;
  readonly community: string;
  readonly channel: string;
  /** The root message id when written in a thread. */
  readonly thread?: string | undefined;
  /** Author's user id. */
  readonly author: string;
  /** Written by the network's bot user (feelers). */
  readonly byBot: boolean;
  /** The text as shown: for the bot's cards, the sanitised rendering. */
  text: string;
  /** The card as the platform received it (sanitised strings, button ids untouched). */
  card?: Card | undefined;
  /** A file attached to the message, as the platform received it. */
  readonly file?: CardFile | undefined;
  readonly idempotencyKey?: string | undefined;
  /** Earlier texts, oldest first. */
  readonly history: string[];
  deleted: boolean;
  readonly at: number;
  readonly replyTo?: string | undefined;
  /** The card asked for a thread: replies go to thread = this id. */
  readonly opensThread: boolean;
  readonly direct: boolean;
}

/** A private line shown to one person (Slack ephemeral, Discord ephemeral reply). */
export interface StoredNotice {
  readonly network: string;
  readonly community: string;
  readonly user: string;
  readonly channel: string;
  readonly thread?: string | undefined;
  readonly text: string;
  readonly at: number;
}

/** The author as the platform describes them in an event payload. */
export interface WireUser {
  readonly id: string;
  readonly name: string;
  readonly isBot: boolean;
  readonly admin: boolean;
  readonly manageChannel: boolean;
  readonly handle?: string | undefined;
  readonly profileUrl?: string | undefined;
}

interface WireBase {
  /** `memory:<network>:<community>:<n>`, the same on a redelivery. */
  readonly id: string;
  readonly network: string;
  readonly community: string;
  readonly communityName: string;
  readonly channel: string;
  /** The channel's name, as platforms put it in a command's payload. */
  readonly channelName: string;
  readonly thread?: string | undefined;
  readonly isDm: boolean;
  readonly user: WireUser;
}

export type WireEvent =
  | (WireBase & {
      readonly type: 'message';
      readonly messageId: string;
      /** As typed, bot mention included: the adapter strips it. */
      readonly text: string;
      readonly replyTo?: string | undefined;
      /** In a thread: whether its root is a bot message. */
      readonly threadByBot?: boolean | undefined;
    })
  | (WireBase & { readonly type: 'command'; readonly command: 'ask' | 'feelers'; readonly text: string })
  | (WireBase & {
      readonly type: 'action';
      readonly actionId: string;
      readonly form?:
        { readonly text?: string | undefined; readonly person?: { readonly id: string; readonly name: string } | undefined } | undefined;
    })
  | (WireBase & { readonly type: 'edited'; readonly messageId: string; readonly text: string })
  | (WireBase & { readonly type: 'deleted'; readonly messageId: string });

export type WireListener = (event: WireEvent) => Promise<void>;

/** Error codes of the memory platform's API, mapped to `DeliveryError` by the adapter. */
export type PlatformErrorCode =
  | 'channel_not_found'
  | 'user_not_found'
  | 'dm_closed'
  | 'message_not_found'
  | 'cant_update_message'
  | 'rate_limited'
  | 'server_error'
  | 'connection_lost';

export class PlatformError extends Error {
  readonly code: PlatformErrorCode;
  readonly retryAfterMs?: number | undefined;

  constructor(code: PlatformErrorCode, message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'PlatformError';
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface WorldOptions {
  /**
   * Time for timestamps and rate limits. Default: Date.now for timestamps and
   * performance.now (monotonic) for the token buckets.
   */
  readonly clock?: { now(): number } | undefined;
}

export interface MemberSpec {
  readonly id: string;
  readonly name: string;
  readonly admin?: boolean | undefined;
  readonly isBot?: boolean | undefined;
  readonly handle?: string | undefined;
  readonly profileUrl?: string | undefined;
  /** Channel ids this member may manage (admins manage every channel). */
  readonly manages?: readonly string[] | undefined;
}

/** What a form submission carries, mirroring a modal: a text, or a picked member. */
export type FormInput = { readonly text?: string | undefined } | { readonly person?: PersonRef | undefined };

export interface NetworkRecord {
  readonly name: string;
  /** feelers' own user id on this network; a member of every community. */
  readonly botUser: string;
  readonly botName: string;
  readonly communities: Map<string, CommunityRecord>;
  readonly listeners: Set<WireListener>;
  /** idempotencyKey -> message id: the platform-side record our keys rely on. */
  readonly keys: Map<string, string>;
  readonly faults: NetworkFaults;
  readonly gate: RateGate;
}

export interface WorldStats {
  posts: number;
  dms: number;
  updates: number;
  /** Messages the bot deleted (a retracted ask's copies). */
  deletes: number;
  notices: number;
  deduped: number;
  rateLimited: number;
  failures: number;
}
