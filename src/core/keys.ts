import { personKey, placeKey, type PersonRef, type Place } from '../ports/index.js';
import { stableId } from './ids.js';
import type { AskState } from './model.js';

/**
 * The store's key layout: every key feelers writes is built here and nowhere else. Over keyv
 * and Redis the layout *is* the schema, so this file and the table in docs/store-keys.md (which
 * says each key's value, lifetime and writer) change together; forget-me's completeness is
 * checked against that table.
 *
 * Ids inside keys are the platform's opaque strings made safe by `placeKey` / `personKey`
 * (each part URI-encoded, joined by ':'), so a ':' in an id can never forge another key.
 */
export const keys = {
  // Documents of the engine, each kind under its own prefix.
  ask: (id: string) => `ask:${id}`,
  askCard: (askId: string) => `ask-card:${askId}`,
  copy: (id: string) => `copy:${id}`,
  reply: (id: string) => `reply:${id}`,
  offer: (id: string) => `offer:${id}`,
  intro: (id: string) => `intro:${id}`,
  /** A connected channel, by its channel (never its thread). */
  ground: (channelKey: string) => `ground:${channelKey}`,
  groundRemoved: (channelKey: string) => `ground-removed:${channelKey}`,
  /** When the last copy was sent to a ground: its own small key, so a send never rewrites the ground. */
  groundLastCopy: (channelKey: string) => `ground-last-copy:${channelKey}`,
  /** A community's display name as last seen, for the console's graph (communities only, no people). */
  communityName: (network: string, community: string) => `community-name:${communityKey(network, community)}`,
  /** A community's standing in the network (pending, approved, refused) and the channels waiting on it (membership.ts). */
  community: (network: string, community: string) => `community:${communityKey(network, community)}`,
  /** A community's sharing policy, as its admins set it (`/feelers share`, sharing.ts). */
  sharing: (network: string, community: string) => `sharing:${communityKey(network, community)}`,
  /** An ask whose audience preview waits for its asker's Send, Edit or Cancel, with the targets shown (preview.ts). */
  pendingAsk: (askId: string) => `pending-ask:${askId}`,
  /** Set once a one-off fill of an index that came after the data (e.g. `asks-v1`) has run. */
  backfilled: (what: string) => `backfilled:${what}`,
  profile: (person: PersonRef) => `person:${personKey(person)}`,
  prompts: (person: PersonRef) => `prompts:${personKey(person)}`,
  thread: (thread: Place) => `thread:${placeKey(thread)}`,
  action: (buttonKey: string) => `act:${buttonKey}`,
  delivery: (id: string) => `delivery:${id}`,
  deliveryCard: (id: string) => `delivery-card:${id}`,
  /** Items of one digest written down before it is sent, so a redo sends the same ones. */
  digestPending: (askId: string) => `digest-pending:${askId}`,
  introPair: (askId: string, person: PersonRef) => `intro-pair:${askId}:${personKey(person)}`,
  offerPair: (askId: string, person: PersonRef) => `offer-pair:${askId}:${personKey(person)}`,
  releases: (owner: PersonRef) => `releases:${personKey(owner)}`,
  /** What one digest (thread, follower DM or final summary) showed, and where, so a retracted reply can be struck from it. */
  digestShown: (deliveryId: string) => `digest-shown:${deliveryId}`,
  /** Whom one community blocked (people, communities): fan-out, prods and replies honour it (block-lists.ts). */
  blocks: (network: string, community: string) => `blocks:${communityKey(network, community)}`,
  /** People seen acting as admins of one community (the platform said so on their events): whom a Report goes to. */
  communityAdmins: (network: string, community: string) => `community-admins:${communityKey(network, community)}`,
  /** One moderation action (retract, remove, block, report...): who, what, when (moderation-log.ts). */
  moderation: (id: string) => `moderation:${id}`,
  orphans: (thread: Place) => `orphans:${placeKey(thread)}`,
  /**
   * `day` is the UTC date, YYYY-MM-DD. Counters have no index to clear them by, so the person
   * is named by a one-way hash: the key never carries an id forget-me would have to find.
   */
  asksPerDay: (asker: PersonRef, day: string) => `asks-per-day:${hashed(asker)}:${day}`,
  /** `day` is the UTC date, YYYY-MM-DD; the person hashed as in `asksPerDay`. */
  referralsPerDay: (referrer: PersonRef, day: string) => `referrals-per-day:${hashed(referrer)}:${day}`,

  // Marks and claims (acquire/release).
  eventDone: (eventId: string) => `done:${eventId}`,
  eventClaim: (eventId: string) => `seen:${eventId}`,
  deliveryClaim: (deliveryId: string) => `claim:${deliveryId}`,
  tickLock: (tick: 'digest' | 'expiry') => `lock:${tick}`,
  cronRun: (task: string) => `cron:${task}`,
  connectionLease: (network: string) => `lease:connection:${network}`,
  /**
   * A platform's request budget shared by every instance on one Redis (RateBudget), e.g.
   * `rate:discord:<bot id>`: a rolling window of places, written only by the Redis store's scripts.
   */
  rateBudget: (scope: string) => `rate:${scope}`,

  // Learned routing (routing-memory.ts, docs/routing.md).
  /** What feelers learned about one person: topics they helped with, prods sent, unanswered prods, a pause. */
  learned: (person: PersonRef) => `learned:${personKey(person)}`,
  /** How fast one ground answers (a moving average of the time to a copy's first reply). */
  groundPace: (channelKey: string) => `ground-pace:${channelKey}`,
  /** When a copy was sent, to time its first reply. */
  copySent: (copyId: string) => `copy-sent:${copyId}`,
  /** Claimed by the first reply in a copy's thread: only that one times the ground. */
  firstReply: (copyId: string) => `first-reply:${copyId}`,
  /** Claimed by a person's first reply on an ask: help is counted once per ask. The person hashed as in `asksPerDay`. */
  helpedOn: (askId: string, person: PersonRef) => `helped-on:${askId}:${hashed(person)}`,
  /** How far an unanswered ask has widened, and whether its asker stopped it. */
  escalation: (askId: string) => `escalation:${askId}`,
  /** A community's own routing settings (its admins': escalation after how many hours, or off). */
  communityRouting: (network: string, community: string) => `community-routing:${communityKey(network, community)}`,

  /** A document an adapter keeps for itself (see AdapterState), e.g. `slack-install:T123`. */
  adapterState: (network: string, kind: string, id: string) => `${network}-${kind}:${id}`,
} as const;

/** Set names: the engine's indexes (keyv has no scan, so every query the engine makes is a set). */
export const sets = {
  openAsks: 'open-asks',
  /** Asks with replies or offers not yet digested. */
  dirtyAsks: 'dirty-asks',
  /** Items (`reply:<id>`, `offer:<id>`) of one ask not yet digested. */
  fresh: (askId: string) => `fresh:${askId}`,
  /**
   * Items of one ask already in a sent digest: an item marked fresh again (an event handled twice
   * at once on two instances, a thread's orphans adopted twice) is dropped, never digested twice.
   */
  digested: (askId: string) => `digested:${askId}`,
  replies: (askId: string) => `replies:${askId}`,
  copies: (askId: string) => `copies:${askId}`,
  /** Offers made on one ask (retention purges them with the ask). */
  offers: (askId: string) => `offers:${askId}`,
  /** Asks that ended (closed or expired) on one UTC day, YYYY-MM-DD: the retention sweep reads only days past the period. */
  finishedAsks: (day: string) => `finished-asks:${day}`,
  /** The days that have a `finished-asks:<day>` set. */
  finishedDays: 'finished-days',
  followers: (askId: string) => `followers:${askId}`,
  intros: (askId: string) => `intros:${askId}`,
  /** The digests (delivery ids) a reply was shown in: where a retraction strikes it (digest-records.ts). */
  shownIn: (replyId: string) => `shown-in:${replyId}`,
  /** Channel keys of every ground. */
  grounds: 'grounds',
  /** Community keys (`communityKey`) of every community with a `community:` record: the console's list. */
  communities: 'communities',
  experts: (topic: string) => `experts:${topic}`,
  /** Asks one person made: what `/feelers my-data` lists as theirs. */
  asksBy: (person: PersonRef) => `asks-by:${personKey(person)}`,
  /** Replies one person wrote: forget-me makes them anonymous. */
  repliesBy: (person: PersonRef) => `replies-by:${personKey(person)}`,
  following: (person: PersonRef) => `following:${personKey(person)}`,
  /** Offers this person made: withdrawn when they clear their contact or run forget-me. */
  offersBy: (person: PersonRef) => `offers-by:${personKey(person)}`,
  /** Intros this person is a side of (asker or responder): withdrawn likewise. */
  introsWith: (person: PersonRef) => `intros-with:${personKey(person)}`,
  outbox: 'outbox',
  /** Keys of the records that name this person (see person-index.ts): what forget-me visits. */
  appears: (person: PersonRef) => `appears:${personKey(person)}`,
  /** Intro requests waiting for the responder: they lapse after INTRO_REQUEST_DAYS. */
  pendingIntros: 'pending-intros',
  /** Asks retention purged: search drops them as the console's lists do (ask ids only). */
  searchDropped: 'search-dropped',
  /** The days that have a `help-graph:<day>` index, so the expiry sweep can drop those past retention. */
  helpDays: 'help-days',
} as const;

/**
 * Ordered indexes (the store's sorted sets): the lists the console pages through, and the
 * aggregates it charts. Like sets, they have no TTL; each has a writer that removes what it adds.
 */
export const indexes = {
  /** Every ask, by creation time: the console's asks, newest first. */
  asksByTime: 'asks-by-time',
  /** Asks in one state (open, closed, expired), by creation time. */
  asksInState: (state: AskState) => `asks-in-state:${state}`,
  /** The digests (and the final summary) posted in one ask's thread: delivery ids by the time they were written. */
  digests: (askId: string) => `digests:${askId}`,
  /**
   * Help between communities on one UTC day, YYYY-MM-DD: members `replies|<from>|<to>` or
   * `intros|<from>|<to>` (community keys, see `communityKey`), scores the counts.
   */
  helpGraph: (day: string) => `help-graph:${day}`,
  /** People who helped on one topic (person keys), scored by the help (a reply 1, an accepted introduction 2). */
  helpers: (topic: string) => `helpers:${topic}`,
  /** Grounds (channel keys) by the moving average of their time to a first reply, in ms. */
  groundsByPace: 'grounds-by-pace',
  /** Topics asked together with one topic, scored by how often: what makes topics "near" for escalation. */
  topicPairs: (topic: string) => `topic-pairs:${topic}`,
  /** Every moderation action, by when it was done: the console's Moderation page, newest first. */
  moderation: 'moderation-log',
  /**
   * The search index's change feed: ask ids by when their question, state or replies last
   * changed (writer's wall clock, ms). Every instance's in-process index catches up from it.
   */
  searchFeed: 'search-feed',
  /** Asks whose answer someone took instead of asking again ("That answers it"): counts. */
  answeredAgain: 'answered-again',
  /** People whose earlier replies answered a later asker's question (personKey): counts. Forget-me removes the person. */
  helpCredits: 'help-credits',
} as const;

/** One community, as a key part: `network:community`, each part URI-encoded (so `|` and `:` cannot forge another). */
export function communityKey(network: string, community: string): string {
  return [network, community].map(encodeURIComponent).join(':');
}

/** A member of an ask's `fresh` set, one item of its next digest: `reply:<id>` or `offer:<id>`. */
export function digestItem(kind: 'reply' | 'offer', id: string): string {
  return `${kind}:${id}`;
}

/** The kind and id of a digest item (see `digestItem`). */
export function parseDigestItem(item: string): { kind: string; id: string } {
  const [kind = '', id = ''] = item.split(':');
  return { kind, id };
}

/** What kind of record a key holds, by its prefix, for the few places that walk keys. */
export function kindOfKey(key: string): 'action' | 'copy' | 'delivery' | 'delivery-card' | 'orphans' | 'pending-ask' | 'other' {
  if (key.startsWith('act:')) return 'action';
  if (key.startsWith('copy:')) return 'copy';
  if (key.startsWith('delivery:')) return 'delivery';
  if (key.startsWith('delivery-card:')) return 'delivery-card';
  if (key.startsWith('orphans:')) return 'orphans';
  if (key.startsWith('pending-ask:')) return 'pending-ask';
  return 'other';
}

/** The id of a `delivery:` key. */
export function deliveryIdOf(key: string): string {
  return key.slice('delivery:'.length);
}

function hashed(person: PersonRef): string {
  return stableId('person', personKey(person));
}
