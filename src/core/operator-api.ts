import type { AskState, CopyKind, DeliveryState, IntroState } from './model.js';
import type { PersonRef, Place } from '../ports/places.js';
import type { HealthReport } from './engine-api.js';

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
  /** One ask's whole life, or undefined when there is no such ask (or it was purged). */
  askLife(askId: string): Promise<AskLife | undefined>;
  /** Who helps whom over the last `days` days (replies and introductions, by community). */
  communityGraph(days: number): Promise<CommunityGraph>;

  /** Close an open ask as its asker's Close button would (the final summary goes out). */
  closeAsk(askId: string, by: OperatorRef): Promise<'closed' | 'not_open' | 'not_found'>;
  /** Disconnect a ground as `/feelers disconnect` would. */
  disconnectGround(place: Place, by: OperatorRef): Promise<'disconnected' | 'not_found'>;
  /** Stop (or resume) prods and referrals to one person, at their request. */
  pauseProds(person: PersonRef, paused: boolean, by: OperatorRef): Promise<'paused' | 'resumed' | 'not_found'>;
}

/** Who did an operator action, for the log (never a secret). */
export interface OperatorRef {
  readonly operator: string;
}

export interface Overview {
  readonly health: HealthReport;
  readonly networks: readonly { readonly network: string; readonly connected: boolean; readonly detail?: string | undefined }[];
  readonly communities: readonly OverviewCommunity[];
  /** Deliveries still owed to the networks (pending, not yet sent). */
  readonly outboxBacklog: number;
  /** Sends that waited on a rate limit, and 429s the networks answered, since this process started. */
  readonly rateLimitWaits: number;
  readonly rateLimited: number;
  /** Asks made since midnight UTC, and open now. */
  readonly asksToday: number;
  readonly openAsks: number;
}

export interface OverviewCommunity {
  readonly network: string;
  readonly community: string;
  readonly name: string;
  readonly grounds: readonly OverviewGround[];
}

export interface OverviewGround {
  readonly place: Place;
  /** The channel's name where the network told it; else its id. */
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
}

export interface AskLife {
  readonly ask: AskSummary & { readonly expiresAt: number; readonly origin: Place };
  readonly card?: CopyLink | undefined;
  readonly copies: readonly CopyLife[];
  /** Replies grouped by the replier's community. */
  readonly replies: readonly { readonly communityName: string; readonly replies: readonly ReplyLife[] }[];
  readonly digests: readonly { readonly at: number; readonly state: DeliveryState; readonly link?: string | undefined }[];
  readonly intros: readonly IntroLife[];
  readonly followers: number;
}

export interface CopyLink {
  readonly state: DeliveryState;
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
  /** 'unreachable' when the ground is marked gone. */
  readonly shown: 'queued' | 'sent' | 'failed' | 'unreachable' | 'cancelled';
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
  readonly nodes: readonly { readonly id: string; readonly network: string; readonly name: string }[];
  /** `from` helped `to`: replies written by `from`'s members on asks from `to`; intros shared likewise. */
  readonly edges: readonly { readonly from: string; readonly to: string; readonly replies: number; readonly intros: number }[];
}
