import type { Actor } from '../ports/events.js';
import type { MessageRef, PersonRef, Place } from '../ports/places.js';

/** A person as a reply or an ask names them: public part only. */
export interface Author extends PersonRef {
  readonly name: string;
  readonly communityName: string;
  /** Their community keeps members' names to itself (sharing.ts): other communities read "Someone in <community>". */
  readonly hidden?: boolean | undefined;
}

/** 'retracted': taken back everywhere (retract.ts); nothing of it is sent or relayed again. */
export type AskState = 'open' | 'closed' | 'expired' | 'retracted';

export interface Ask {
  readonly id: string;
  readonly text: string;
  readonly topics: readonly string[];
  readonly asker: Author;
  /** Where the ask was made (a channel, a thread or a DM). The ask card goes here. */
  readonly origin: Place;
  readonly createdAt: number;
  expiresAt: number;
  state: AskState;
  warnedAt?: number | undefined;
  closedAt?: number | undefined;
  /** Who retracted it, once retracted (retract.ts). */
  retractedBy?: 'asker' | 'admin' | 'operator' | undefined;
}

/** A channel connected to feelers. */
export interface Ground {
  readonly place: Place;
  readonly communityName: string;
  /** The channel's name when the network said it at connect (YAML grounds have none): for operators' pages. */
  readonly channelName?: string | undefined;
  /** Empty: receives every ask. Otherwise only asks sharing a topic. */
  topics: string[];
  readonly connectedBy?: string | undefined;
  readonly connectedAt: number;
  /** 'yaml' grounds are seeded at start; what users change in chat wins afterwards. */
  readonly source: 'chat' | 'yaml';
  /** Set when the network said the channel is gone (not_in_channel, 403, 404). */
  unreachableSince?: number | undefined;
  /** What the network said then (the delivery error, clipped, credentials masked). */
  unreachableReason?: string | undefined;
}

/** Why a copy exists: a ground's channel, a prod to an expert, or a referral to a person. */
export type CopyKind = 'ground' | 'prod' | 'referral';

export interface Copy {
  readonly id: string;
  readonly askId: string;
  readonly kind: CopyKind;
  /** For 'ground'. */
  readonly place?: Place | undefined;
  /** For 'prod' and 'referral'. */
  readonly person?: PersonRef | undefined;
  readonly communityName: string;
  /** For 'referral': who pulled this person in, oldest first ("Sam, via Karyn"). */
  readonly via?: readonly Author[] | undefined;
  /** The outbox delivery that posts it. */
  readonly deliveryId: string;
  ref?: MessageRef | undefined;
}

export type ReplySource = 'copy-thread' | 'ask-thread' | 'dm' | 'form' | 'reply-to';

export interface Reply {
  readonly id: string;
  readonly askId: string;
  readonly copyId?: string | undefined;
  author: Author;
  /** Set when the author used forget-me: digests then show no name. */
  anonymous?: boolean | undefined;
  text: string;
  readonly source: ReplySource;
  readonly via?: readonly Author[] | undefined;
  readonly at: number;
  /** The platform message, to follow edits and deletions. */
  readonly message?: { readonly network: string; readonly channel: string; readonly id: string } | undefined;
  deleted?: boolean | undefined;
  /** Retracted by its author ("make it a new question instead"). */
  retracted?: boolean | undefined;
}

/** "I can help": a responder's standing consent to an introduction. */
export interface Offer {
  readonly id: string;
  readonly askId: string;
  readonly helper: Author;
  readonly at: number;
  readonly copyId?: string | undefined;
  /**
   * The helper consented by offering: their handle and profile link, from that press. The
   * contact text is never copied here: it is read from their profile at the moment of release.
   */
  readonly contact: ContactCard;
  /** Set once the asker accepted or declined, or the helper withdrew (contact clear, forget-me). */
  decided?: 'accepted' | 'declined' | 'withdrawn' | undefined;
}

/**
 * 'withdrawn': a side that had consented took it back (contact clear, forget-me) before the
 * release. 'lapsed': a request nobody answered within INTRO_REQUEST_DAYS.
 */
export type IntroState = 'pending' | 'shared' | 'declined' | 'withdrawn' | 'lapsed';

/**
 * Double opt-in. `requested` by the asker needs the responder's consent;
 * `offered` by the responder needs the asker's. Contacts move only in state 'shared'.
 */
export interface Intro {
  readonly id: string;
  readonly askId: string;
  readonly direction: 'requested' | 'offered';
  readonly asker: Author;
  readonly responder: Author;
  readonly replyId?: string | undefined;
  readonly offerId?: string | undefined;
  state: IntroState;
  readonly createdAt: number;
  decidedAt?: number | undefined;
  /** When the responder pressed Not now (the request stays open until it lapses). */
  notNowAt?: number | undefined;
  /**
   * Captured when each side consented (the press that gave consent carries the presser's handle
   * and profile link); the contact text is read from the profile at the moment of release.
   * Never shown to the other side before `state` is 'shared'.
   */
  askerContact?: ContactCard | undefined;
  responderContact?: ContactCard | undefined;
}

/**
 * How to reach someone: what they set with `/feelers contact` (`text`, filled in only at the
 * moment of release), and their handle and profile link.
 */
export interface ContactCard {
  readonly name: string;
  readonly communityName: string;
  readonly network: string;
  readonly text?: string | undefined;
  readonly handle?: string | undefined;
  readonly profileUrl?: string | undefined;
}

/** A record of a contact being released: who, to whom, when, for which ask. */
export interface ContactRelease {
  readonly owner: PersonRef;
  readonly to: PersonRef;
  readonly askId: string;
  readonly introId: string;
  readonly at: number;
}

/** What feelers keeps about a person, only once they tell it something or it DMs them. */
export interface Profile extends PersonRef {
  name: string;
  communityName: string;
  /** Expertise, for prods. */
  topics: string[];
  /** Set with `/feelers contact`: private until its owner consents to an introduction. */
  contact?: string | undefined;
  handle?: string | undefined;
  profileUrl?: string | undefined;
  /** No unsolicited DMs at all (prods and referrals). */
  optedOut: boolean;
  /** `/feelers preview on|off`: see the audience before an ask goes out (unset: the community's choice). */
  preview?: boolean | undefined;
  /** Times of unsolicited DMs (prods, referrals) in the last week, oldest first. */
  unsolicited: number[];
  lastContactedAt?: number | undefined;
}

/** A DM sent to a person that their next DM to the bot answers. */
export interface OpenPrompt {
  readonly askId: string;
  readonly copyId: string;
  readonly at: number;
}

export type DeliveryState = 'pending' | 'sent' | 'failed' | 'cancelled';

/**
 * One message the outbox owes a network. Written before anything is sent; the deliverer
 * claims it, sends it with `id` as the idempotency key, and records the result. Its card is
 * kept under a key of its own, written once and read once at sending, so the bookkeeping
 * writes (claim, in flight, sent) stay small.
 */
export interface Delivery {
  readonly id: string;
  readonly target:
    | { readonly kind: 'post'; readonly place: Place }
    | { readonly kind: 'dm'; readonly person: PersonRef }
    | { readonly kind: 'update'; readonly ref: MessageRef }
    /** Take a message down (a retracted ask's copy); where the network cannot delete, its card replaces it. */
    | { readonly kind: 'delete'; readonly ref: MessageRef };
  /** What to do once sent. */
  readonly purpose: DeliveryPurpose;
  state: DeliveryState;
  attempts: number;
  /** Not before this time (backoff, rate limit). */
  notBefore: number;
  readonly createdAt: number;
  ref?: MessageRef | undefined;
  lastError?: string | undefined;
  /** Failed because the network said the channel or person can't be reached (never retried). */
  gone?: boolean | undefined;
  /**
   * Set just before a send and cleared when the platform's answer says it did not happen.
   * Found set on a later attempt, it means the message may already be out.
   */
  sendingSince?: number | undefined;
}

export type DeliveryPurpose =
  | { readonly kind: 'ask-card'; readonly askId: string }
  | { readonly kind: 'copy'; readonly askId: string; readonly copyId: string }
  | { readonly kind: 'digest'; readonly askId: string }
  | { readonly kind: 'notify'; readonly askId?: string | undefined; readonly introId?: string | undefined }
  /** What a retraction sends: copies taken down, the ask card replaced. Never cancelled by it. */
  | { readonly kind: 'takedown'; readonly askId: string; readonly copyId?: string | undefined };

/** What a button does, kept in the store under its opaque key. */
export interface ActionBinding {
  readonly op: ActionOp;
  readonly askId?: string | undefined;
  readonly copyId?: string | undefined;
  readonly replyId?: string | undefined;
  readonly offerId?: string | undefined;
  readonly introId?: string | undefined;
  /** When set, only this person may press (personKey). */
  readonly only?: string | undefined;
  /** For 'ask-dm' (and 'ask-anyway'): the text, asked only if its writer presses Ask it. */
  readonly text?: string | undefined;
  /** For 'ask-dm': the DM channel it was written in, where the ask card goes. */
  readonly place?: Place | undefined;
  /** For 'ask-dm': the DM's event id, which makes the ask's id (so every press asks once). */
  readonly eventId?: string | undefined;
  /** For 'preview-*': the pending ask the preview shows (preview.ts). */
  readonly pendingId?: string | undefined;
  /** For 'ask-anyway' and 'answered-earlier': the earlier ask shown before asking. */
  readonly earlierAskId?: string | undefined;
  /** Set by `Ctx.bindAll`: one record for several buttons; button `<key>.<i>` does `ops[i]`. */
  readonly ops?: readonly ActionOp[] | undefined;
}

export type ActionOp =
  | 'follow'
  | 'close'
  | 'extend'
  | 'help'
  | 'refer'
  | 'answer'
  | 'request-intro'
  | 'accept-offer'
  | 'decline-offer'
  | 'share'
  | 'not-now'
  | 'decline'
  | 'new-question'
  | 'ask-dm'
  | 'drop-dm'
  // Learned routing (routing-actions.ts).
  | 'prods-on'
  | 'reset-learning'
  | 'stop-widening'
  // Taking back and local moderation (retract.ts, local-moderation.ts).
  | 'retract'
  | 'retract-everywhere'
  | 'retract-reply'
  | 'report'
  | 'remove-copy'
  | 'block-person'
  | 'block-community'
  // The audience preview (preview-actions.ts).
  | 'preview-send'
  | 'preview-edit'
  | 'preview-cancel'
  // Search before asking (search-first.ts).
  | 'ask-anyway'
  | 'answered-earlier';

/** What a thread or a bot message belongs to. */
export interface ThreadBinding {
  readonly askId: string;
  readonly copyId?: string | undefined;
  /** What a reply needs of the copy, kept here so collecting a reply reads one key, not two. */
  readonly copy?: CopyInfo | undefined;
}

export type CopyInfo = Pick<Copy, 'id' | 'kind' | 'communityName' | 'via'>;

/** A message written in a thread before feelers knew which copy the thread belongs to. */
export interface Orphan {
  readonly eventId: string;
  readonly actor: Actor;
  readonly communityName?: string | undefined;
  readonly text: string;
  readonly messageId: string;
  readonly channel: string;
}
