import type { AskState, CopyKind, DeliveryState, IntroState } from './model.js';
import type { PersonRef, Place } from '../ports/places.js';
import type { HealthReport } from './health.js';
import type { ModerationEntry } from './moderation-log.js';

export type { ModerationAction, ModerationActor, ModerationEntry } from './moderation-log.js';

/**
 * What the console (and anything else that operates feelers) sees of the engine: read models
 * made for pages, and the few actions an operator needs. Pages read the store only through
 * here, never around it. Every person here is a name and a community; a contact's text never
 * appears in anything this API returns.
 */
export interface OperatorApi {
  overview(): Promise<Overview>;
  /** Newest first. `q` matches words of the question (case-insensitive), or an ask id exactly. */
  asks(query: AskQuery): Promise<AskPage>;
  /**
   * One ask's whole life, or undefined when there is no such ask. An ask past the retention
   * period is no longer listed by `asks`; read by its id, its people show as "Someone".
   */
  askLife(askId: string): Promise<AskLife | undefined>;
  /**
   * Who helps whom over the last `days` UTC days, today included (replies and introductions,
   * by community). `days` is clamped to 1 … the retention period (older days are dropped).
   */
  communityGraph(days: number): Promise<CommunityGraph>;

  /** Close an open ask as its asker's Close button would (the final summary goes out). */
  closeAsk(askId: string, by: OperatorRef): Promise<'closed' | 'not_open' | 'not_found'>;
  /**
   * Take an ask back everywhere, as its asker's Retract everywhere would (retract.ts): every copy
   * deleted or replaced, nothing more sent for it. Recorded in the moderation record.
   */
  retractAsk(askId: string, by: OperatorRef): Promise<'retracted' | 'already' | 'not_found'>;
  /** The moderation record, newest first (retractions, removals, blocks, reports). */
  moderation(page: number, perPage: number): Promise<ModerationPage>;
  /** Disconnect a ground as `/feelers disconnect` would. */
  disconnectGround(place: Place, by: OperatorRef): Promise<'disconnected' | 'not_found'>;
  /**
   * Stop (or resume) prods and referrals to one person, at their request: their profile's
   * opt-out, as `/feelers optout` sets it (a profile with nothing else in it is made if they
   * have none). 'not_found': resuming someone feelers holds no profile for (nothing was paused).
   */
  pauseProds(person: PersonRef, paused: boolean, by: OperatorRef): Promise<'paused' | 'resumed' | 'not_found'>;
  /** Communities met that are not on the configured list: pending first (membership.ts). */
  memberships(): Promise<readonly CommunityStanding[]>;
  /**
   * Approve a community (it belongs from now on; channels whose connect waited are connected)
   * or refuse it (it stops sending and receiving at once, even where its network would admit it).
   */
  decideCommunity(
    network: string,
    community: string,
    decision: 'approved' | 'refused',
    by: OperatorRef,
  ): Promise<'approved' | 'refused' | 'not_found'>;
  /** Each known community's sharing policy, in words (sharing.ts). */
  sharing(): Promise<readonly CommunitySharing[]>;
  /**
   * Change a community's sharing policy with the words of `/feelers share` ("send only Acme",
   * "receive all", "names hidden"), as its admins would; not understood: nothing changes.
   */
  changeSharing(
    network: string,
    community: string,
    setting: string,
    by: OperatorRef,
  ): Promise<{ readonly ok: true; readonly summary: string } | { readonly ok: false; readonly message: string }>;
}

/** One community's sharing policy, as a sentence. */
export interface CommunitySharing {
  readonly network: string;
  readonly community: string;
  readonly name: string;
  readonly summary: string;
}

/** A community outside the configured list, and where it stands. */
export interface CommunityStanding {
  readonly network: string;
  readonly community: string;
  readonly name: string;
  readonly state: 'pending' | 'approved' | 'refused';
  /** When feelers first met it, and when an operator decided (and who). */
  readonly since: number;
  readonly decidedAt?: number | undefined;
  readonly decidedBy?: string | undefined;
  /** Channels whose `/feelers connect` waits for approval. */
  readonly waitingChannels: number;
}

/** One page of the moderation record; `total` counts every entry. */
export interface ModerationPage {
  readonly entries: readonly ModerationEntry[];
  readonly total: number;
  readonly page: number;
  readonly perPage: number;
}

/** Who did an operator action, for the log (never a secret). */
export interface OperatorRef {
  readonly operator: string;
}

export interface Overview {
  readonly health: HealthReport;
  readonly networks: readonly OverviewNetwork[];
  readonly communities: readonly OverviewCommunity[];
  /** Deliveries still owed to the networks (pending, not yet sent). */
  readonly outboxBacklog: number;
  /**
   * Sends that waited on a rate limit, and 429s the networks answered, since this process
   * started (in-process counts: another instance keeps its own; /metrics has them by network too).
   */
  readonly rateLimitWaits: number;
  readonly rateLimited: number;
  /** Asks made since midnight UTC, and open now. */
  readonly asksToday: number;
  readonly openAsks: number;
}

export interface OverviewNetwork {
  readonly network: string;
  readonly connected: boolean;
  /** 'standby' while another instance holds a single connection (Discord's gateway). */
  readonly role?: 'active' | 'standby' | undefined;
  /** When it last connected. */
  readonly since?: number | undefined;
  /** The role when connected; else the adapter's last error (clipped, credentials masked) or "not connected". */
  readonly detail?: string | undefined;
  /** Rate-limit waits and 429s of this network since this process started. */
  readonly rateLimitWaits: number;
  readonly rateLimited: number;
}

export interface OverviewCommunity {
  readonly network: string;
  readonly community: string;
  readonly name: string;
  readonly grounds: readonly OverviewGround[];
}

export interface OverviewGround {
  readonly place: Place;
  /** The channel's name where the network told it; else its id (networks do not tell feelers names yet). */
  readonly label: string;
  readonly topics: readonly string[];
  /** When the last copy was sent there. */
  readonly lastCopyAt?: number | undefined;
  /** Set when the network said the channel is gone. */
  readonly unreachableSince?: number | undefined;
  readonly unreachableReason?: string | undefined;
}

export interface AskQuery {
  readonly state?: AskState | undefined;
  readonly q?: string | undefined;
  /** 1-based. */
  readonly page?: number | undefined;
  /** Default 25, at most 100. */
  readonly perPage?: number | undefined;
}

export interface AskSummary {
  readonly id: string;
  readonly text: string;
  readonly topics: readonly string[];
  readonly askerName: string;
  readonly communityName: string;
  readonly network: string;
  readonly state: AskState;
  readonly createdAt: number;
  readonly closedAt?: number | undefined;
}

export interface AskPage {
  readonly asks: readonly AskSummary[];
  readonly page: number;
  readonly perPage: number;
  /** Total matching asks when known exactly (no `q`); with `q`, how many were looked through. */
  readonly total: number;
  readonly hasMore: boolean;
  /**
   * With `q`: the search stopped at its limit (5,000 asks looked through, newest first)
   * before the oldest ask, so older matches may exist. A full-text index will lift this.
   */
  readonly capped?: boolean | undefined;
}

export interface AskLife {
  readonly ask: AskSummary & { readonly expiresAt: number; readonly origin: Place };
  readonly card?: CopyLink | undefined;
  readonly copies: readonly CopyLife[];
  /** Replies grouped by the replier's community. */
  readonly replies: readonly { readonly communityName: string; readonly replies: readonly ReplyLife[] }[];
  /** Digests and the final summary posted in the ask's thread, oldest first (not the followers' DMs). */
  readonly digests: readonly { readonly at: number; readonly state?: DeliveryState | undefined; readonly link?: string | undefined }[];
  readonly intros: readonly IntroLife[];
  readonly followers: number;
}

export interface CopyLink {
  /** Undefined once the outbox's record is gone (kept 7 days after it finished). */
  readonly state?: DeliveryState | undefined;
  /** A link to the message on its network, where the network gives one. */
  readonly link?: string | undefined;
}

export interface CopyLife extends CopyLink {
  readonly id: string;
  readonly kind: CopyKind;
  readonly communityName: string;
  /** A channel's label, or a person's name for prods and referrals. */
  readonly where: string;
  readonly network: string;
  /**
   * 'unreachable': the network said the channel or person can't be reached (never retried);
   * 'failed': every retry failed; 'unknown': not sent and its outbox record has expired;
   * 'withdrawn': sent, then deleted (or replaced) because the ask was retracted or an admin
   * of its channel's community removed it.
   */
  readonly shown: 'queued' | 'sent' | 'failed' | 'unreachable' | 'cancelled' | 'unknown' | 'withdrawn';
  readonly lastError?: string | undefined;
  /** For referrals: the chain, oldest first ("Sam, via Karyn"). */
  readonly via: readonly string[];
}

export interface ReplyLife {
  readonly id: string;
  /** "Someone" when its writer used forget-me. */
  readonly authorName: string;
  readonly text: string;
  readonly at: number;
  readonly state: 'live' | 'deleted' | 'retracted';
  readonly via: readonly string[];
}

export interface IntroLife {
  readonly id: string;
  readonly direction: 'requested' | 'offered';
  readonly askerName: string;
  readonly responderName: string;
  readonly responderCommunity: string;
  readonly state: IntroState;
  readonly createdAt: number;
  readonly decidedAt?: number | undefined;
}

export interface CommunityGraph {
  readonly days: number;
  /** `id` is `network:community` (each part URI-encoded). */
  readonly nodes: readonly { readonly id: string; readonly network: string; readonly name: string }[];
  /**
   * `from` helped `to`: replies written by `from`'s members on asks from `to`; intros shared
   * likewise. Replies within the asker's own community are an edge from it to itself.
   */
  readonly edges: readonly { readonly from: string; readonly to: string; readonly replies: number; readonly intros: number }[];
}
