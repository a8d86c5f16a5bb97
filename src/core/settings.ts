/**
 * What the engine needs from the configuration. src/config builds it from env and YAML;
 * tests build it with `engineSettings({...})`.
 */
export interface EngineSettings {
  limits: {
    /** Asks one person may make per UTC day. */
    asksPerDay: number;
    /** Experts prodded by DM per ask. */
    prodsPerAsk: number;
    /** Unsolicited DMs (prods and referrals together) one person receives per 7 days. */
    unsolicitedPerWeek: number;
    /** Longest ask, in characters. */
    maxAskLength: number;
  };
  /**
   * Personal data of asks that ended (closed or expired) more than this many days ago is
   * purged by the expiry sweep: the words stay, the people become "Someone" in their community.
   */
  retentionDays: number;
  expiry: {
    /** An ask nobody closes expires after this many days. */
    days: number;
    /** The asker is warned this many hours before, with a button to extend. */
    warnBeforeHours: number;
  };
  /** Whether anyone may `/feelers connect` a channel, or only admins and channel managers. */
  connect: { allowAnyone: boolean };
  /**
   * How long an instance's claim on a piece of work lasts: an event it is handling, a message
   * it is sending. When an instance dies holding one, another takes the work over after this
   * (events: the platform's next retry; messages: a resend with the same idempotency key).
   * Longer than any one event or send takes.
   */
  claimMs: number;
  /** Display names that win over what the adapter reports, keyed `network:community`. */
  communityNames: Record<string, string>;
  /** Grounds seeded at start (from YAML). What users change in chat wins afterwards. */
  grounds: SeedGround[];
  /** Learned routing and its fairness rules (docs/routing.md). */
  routing: RoutingSettings;
  /** Widening an ask nobody answered (docs/routing.md); community admins may change `afterHours` for theirs. */
  escalation: {
    afterHours: number;
    /** A community's own wait from the YAML, keyed `network:community` (null: never); its admins' setting in chat wins. */
    communities: Record<string, number | null>;
  };
  /**
   * Who belongs to the network (membership.ts): `allow` lists community ids by network
   * (YAML `communities.allow`); `approvals` says an operator can approve a pending community
   * (the console is on), which changes only what its admins are told while they wait.
   */
  membership: { allow: Record<string, string[]>; approvals: boolean };
}

export interface RoutingSettings {
  /** Prods go first to people who helped before, copies first to grounds that answer; false: today's order. */
  learned: boolean;
  /**
   * Prods one person gets ahead of others, for their learned help, per 7 days; past it they take
   * turns with everyone else who knows the topic (`limits.unsolicitedPerWeek` stays the hard limit). 0: no cap.
   */
  firstPerWeek: number;
  /** Prods in a row left unanswered before feelers pauses prods to that person (0: never). */
  pauseAfterUnanswered: number;
}

export interface SeedGround {
  network: string;
  community: string;
  channel: string;
  topics: string[];
  communityName?: string | undefined;
}

export const defaultSettings: EngineSettings = {
  limits: { asksPerDay: 5, prodsPerAsk: 3, unsolicitedPerWeek: 5, maxAskLength: 3000 },
  expiry: { days: 14, warnBeforeHours: 24 },
  retentionDays: 180,
  connect: { allowAnyone: false },
  claimMs: 30_000,
  communityNames: {},
  grounds: [],
  routing: { learned: true, firstPerWeek: 3, pauseAfterUnanswered: 3 },
  escalation: { afterHours: 24, communities: {} },
  membership: { allow: {}, approvals: false },
};

export function engineSettings(over: Partial<EngineSettings> = {}): EngineSettings {
  return {
    ...defaultSettings,
    ...over,
    limits: { ...defaultSettings.limits, ...over.limits },
    expiry: { ...defaultSettings.expiry, ...over.expiry },
    connect: { ...defaultSettings.connect, ...over.connect },
    routing: { ...defaultSettings.routing, ...over.routing },
    escalation: { ...defaultSettings.escalation, ...over.escalation },
    membership: { ...defaultSettings.membership, ...over.membership },
  };
}
