import { channelOf, parsePersonKey, personKey, placeKey, type MessageRef, type PersonRef, type Place } from '../ports/places.js';
import { DAY_MS } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { digestItem, keys, sets } from './keys.js';
import { AskIndex } from './ask-index.js';
import { BatchingStore } from './batching-store.js';
import { AskPurge } from './ask-purge.js';
import { Claims } from './claims.js';
import { CommunityRecords } from './community-records.js';
import { PendingAsks } from './pending-asks.js';
import { DeliveryRecords } from './delivery-records.js';
import { HelpGraph } from './help-graph.js';
import { ModerationLog } from './moderation-log.js';
import { DigestRecords } from './digest-records.js';
import { BlockLists } from './block-lists.js';
import { onlyPerson, ORPHAN_TTL_MS, PersonIndex } from './person-index.js';
import { plainSealer, type Sealer } from './sealer.js';
import { RoutingMemory } from './routing-memory.js';
import { SearchRecords } from './search-records.js';
import type {
  ActionBinding,
  Ask,
  ContactRelease,
  Copy,
  Ground,
  Intro,
  Offer,
  OpenPrompt,
  Orphan,
  Profile,
  Reply,
  ThreadBinding,
} from './model.js';

/** A Repo over gathered writes, and what applies them. */
export interface RepoBatch {
  readonly repo: Repo;
  commit(): Promise<void>;
}

/** How long an inbound event id is remembered when the engine does not say (see dedupeTtlMs in engine.ts). */
export const DEDUPE_TTL_MS = DAY_MS;
/** Button bindings outlive any ask (a digest may be read weeks later), but not forever. */
const ACTION_TTL_MS = 120 * DAY_MS;

/**
 * The store as the engine's stages use it: typed documents and intent methods (`markDone`,
 * `takeDigest`, `addReply`...). The stages never name a key or a set; the keys come from
 * keys.ts, so the layout has one home and this class is the only writer of the engine's keys.
 */
export class Repo {
  /** Event dedupe marks and claims, and tick locks (claims.ts). */
  readonly claims: Claims;
  /** Where each person appears, for forget-me (person-index.ts). */
  private readonly people: PersonIndex;
  /** The outbox's records: deliveries, their cards, claims (delivery-records.ts). */
  readonly deliveries: DeliveryRecords;
  /** Finished asks, and purging their people after the retention period (ask-purge.ts). */
  readonly retention: AskPurge;
  /** Asks in order (by time, by state) and each ask's digests, for the console (ask-index.ts). */
  readonly asks: AskIndex;
  /** Replies and intros between communities, by day, for the console's graph (help-graph.ts). */
  readonly help: HelpGraph;
  /** Who helped on which topic, how fast grounds answer, how far asks widened (routing-memory.ts). */
  readonly routing: RoutingMemory;
  /** Every moderation action, who did it and when, for operators (moderation-log.ts). */
  readonly moderation: ModerationLog;
  /** What each sent digest showed, so a retracted reply can be struck from it (digest-records.ts). */
  readonly digestsShown: DigestRecords;
  /** Each community's blocks and the admins seen acting for it (block-lists.ts). */
  readonly blocks: BlockLists;
  /** Communities met that wait for, or had, an operator's word (community-records.ts). */
  readonly communities: CommunityRecords;
  /** Asks waiting behind their audience preview (pending-asks.ts). */
  readonly pending: PendingAsks;
  /** Search's change feed and what "That answers it" counts (search-records.ts). */
  readonly search: SearchRecords;
  /** Seals a profile's contact at rest (FEELERS_SECRET_KEY); without a key it is stored as written. */
  private readonly sealer: Sealer;

  constructor(
    private readonly store: Store,
    private readonly opts: { dedupeTtlMs?: number; sealer?: Sealer; now?: () => number } = {},
  ) {
    this.claims = new Claims(store, opts.dedupeTtlMs ?? DEDUPE_TTL_MS);
    this.people = new PersonIndex(store);
    this.deliveries = new DeliveryRecords(store, this.people);
    // The search feed's times: the engine's clock (wall time in production, a test's own clock).
    const now = opts.now ?? Date.now;
    this.asks = new AskIndex(store, now);
    this.help = new HelpGraph(store);
    this.routing = new RoutingMemory(store, opts.dedupeTtlMs ?? DEDUPE_TTL_MS);
    this.moderation = new ModerationLog(store, this.people);
    this.digestsShown = new DigestRecords(store);
    this.blocks = new BlockLists(store, this.people);
    this.communities = new CommunityRecords(store);
    this.pending = new PendingAsks(store, this.people);
    this.retention = new AskPurge(store, this.people, this.asks);
    this.search = new SearchRecords(store, now);
    this.sealer = opts.sealer ?? plainSealer;
  }

  /**
   * A Repo whose writes are gathered, and applied at once by `commit` (Store.batch: one SQLite
   * transaction, one Redis MULTI): for the many small writes one stage makes together (an ask's
   * copies and their outbox entries, a sent delivery's marks), each of which would otherwise be
   * a commit of its own. Its reads see its own writes; claims and counters are refused
   * (batching-store.ts). All or nothing, also when the process dies before the commit ends.
   */
  batch(): RepoBatch {
    const view = new BatchingStore(this.store);
    return { repo: new Repo(view, this.opts), commit: () => view.commit() };
  }

  /** Forget-me: the person is cleared from every record that names them (see PersonIndex), and the backend's files are compacted. */
  async forgetPerson(person: PersonRef): Promise<void> {
    await this.people.forget(person);
    await this.search.forgetPerson(person);
    await this.store.compact?.();
  }

  // --- asks ---

  ask(id: string): Promise<Ask | undefined> {
    return this.store.get<Ask>(keys.ask(id));
  }
  async saveAsk(a: Ask): Promise<void> {
    await this.store.set(keys.ask(a.id), a);
    await this.search.touch(a.id);
  }
  /**
   * A new ask: saved, listed as its asker's (for my-data), then as open (expiry and catch-up
   * walk the open list), then in the console's ordered lists.
   */
  async openAsk(a: Ask): Promise<void> {
    await this.people.note([a.asker], keys.ask(a.id));
    await this.saveAsk(a);
    await this.store.setAdd(sets.asksBy(a.asker), a.id);
    await this.store.setAdd(sets.openAsks, a.id);
    await this.asks.opened(a);
  }
  /** The asks this person made, oldest first. */
  async asksBy(person: PersonRef): Promise<Ask[]> {
    const asks = await this.loadAll(await this.store.setMembers(sets.asksBy(person)), (id) => this.ask(id));
    return asks.sort((a, b) => a.createdAt - b.createdAt);
  }
  /** Off the open list (closed, expired, or gone): no more digests or expiry for it. */
  async unlistAsk(askId: string): Promise<void> {
    await this.store.setRemove(sets.openAsks, askId);
    await this.store.setRemove(sets.dirtyAsks, askId);
  }
  async openAskIds(): Promise<string[]> {
    return (await this.store.setMembers(sets.openAsks)).sort();
  }
  openAskCount(): Promise<number> {
    return this.store.setSize(sets.openAsks);
  }
  /** Counts one more ask by this person on this UTC day and returns the count. */
  asksToday(asker: PersonRef, now: number): Promise<number> {
    return this.store.incr(keys.asksPerDay(asker, dayOf(now)), 2 * DAY_MS);
  }
  /** Counts one more referral by this person on this UTC day and returns the count. */
  referralsToday(referrer: PersonRef, now: number): Promise<number> {
    return this.store.incr(keys.referralsPerDay(referrer, dayOf(now)), 2 * DAY_MS);
  }
  /** Kept apart from the ask so the deliverer and the asker never overwrite each other's writes. */
  askCard(id: string): Promise<MessageRef | undefined> {
    return this.store.get<MessageRef>(keys.askCard(id));
  }
  saveAskCard(id: string, ref: MessageRef): Promise<void> {
    return this.store.set(keys.askCard(id), ref);
  }

  // --- copies ---

  copy(id: string): Promise<Copy | undefined> {
    return this.store.get<Copy>(keys.copy(id));
  }
  saveCopy(c: Copy): Promise<void> {
    return this.store.set(keys.copy(c.id), c);
  }
  async addCopy(c: Copy): Promise<void> {
    await this.people.note([c.person, ...(c.via ?? [])], keys.copy(c.id));
    await this.saveCopy(c);
    await this.store.setAdd(sets.copies(c.askId), c.id);
  }
  async copiesOf(askId: string): Promise<Copy[]> {
    return this.loadAll(await this.store.setMembers(sets.copies(askId)), (id) => this.copy(id));
  }

  // --- replies ---

  reply(id: string): Promise<Reply | undefined> {
    return this.store.get<Reply>(keys.reply(id));
  }
  async saveReply(r: Reply): Promise<void> {
    await this.store.set(keys.reply(r.id), r);
    await this.search.touch(r.askId);
  }
  /** A reply joins its ask (and its author's list, for forget-me) and waits for the next digest. */
  async addReply(r: Reply): Promise<void> {
    // One batch: a redone event finds the reply either wholly added or not at all, so
    // `collectReply` can take an existing reply as done (and not mark it fresh again).
    const b = this.batch();
    const repo = b.repo;
    // The author is indexed by `replies-by:`; a referral chain here.
    if (r.via?.length) await repo.people.note(r.via, keys.reply(r.id));
    await repo.saveReply(r);
    await repo.store.setAdd(sets.replies(r.askId), r.id);
    await repo.store.setAdd(sets.repliesBy(r.author), r.id);
    await repo.markFresh(r.askId, digestItem('reply', r.id));
    await b.commit();
  }
  /** A retracted or deleted reply: saved as it is now, and out of the ask's digests and counts. */
  async withdrawReply(r: Reply): Promise<void> {
    await this.saveReply(r);
    await this.store.setRemove(sets.fresh(r.askId), digestItem('reply', r.id));
    await this.store.setRemove(sets.replies(r.askId), r.id);
  }
  async repliesOf(askId: string): Promise<Reply[]> {
    return this.loadAll(await this.store.setMembers(sets.replies(askId)), (id) => this.reply(id));
  }
  async repliesBy(person: PersonRef): Promise<Reply[]> {
    return this.loadAll(await this.store.setMembers(sets.repliesBy(person)), (id) => this.reply(id));
  }

  // --- offers and intros ---

  offer(id: string): Promise<Offer | undefined> {
    return this.store.get<Offer>(keys.offer(id));
  }
  saveOffer(o: Offer): Promise<void> {
    return this.store.set(keys.offer(o.id), o);
  }
  /** The offer of this helper on this ask, if they made one. */
  offerBy(askId: string, helper: PersonRef): Promise<string | undefined> {
    return this.store.get<string>(keys.offerPair(askId, helper));
  }
  /** A new offer: saved, remembered as this helper's, and waiting for the next digest. */
  async addOffer(o: Offer): Promise<void> {
    await this.saveOffer(o);
    await this.store.setAdd(sets.offersBy(o.helper), o.id);
    await this.store.setAdd(sets.offers(o.askId), o.id);
    await this.store.set(keys.offerPair(o.askId, o.helper), o.id);
    await this.markFresh(o.askId, digestItem('offer', o.id));
  }

  intro(id: string): Promise<Intro | undefined> {
    return this.store.get<Intro>(keys.intro(id));
  }
  saveIntro(i: Intro): Promise<void> {
    return this.store.set(keys.intro(i.id), i);
  }
  async addIntro(i: Intro): Promise<void> {
    await this.saveIntro(i);
    await this.store.setAdd(sets.intros(i.askId), i.id);
    await this.store.setAdd(sets.introsWith(i.asker), i.id);
    await this.store.setAdd(sets.introsWith(i.responder), i.id);
    if (i.state === 'pending') await this.store.setAdd(sets.pendingIntros, i.id);
  }
  /** Intro requests listed as waiting (some may have been answered since: see `notPending`). */
  async pendingIntros(): Promise<Intro[]> {
    return this.loadAll((await this.store.setMembers(sets.pendingIntros)).sort(), (id) => this.intro(id));
  }
  notPending(introId: string): Promise<void> {
    return this.store.setRemove(sets.pendingIntros, introId);
  }
  /** The offers a person made and the intros they are a side of, for withdrawing them. */
  async consentsOf(person: PersonRef): Promise<{ offers: Offer[]; intros: Intro[] }> {
    return {
      offers: await this.loadAll(await this.store.setMembers(sets.offersBy(person)), (id) => this.offer(id)),
      intros: await this.loadAll(await this.store.setMembers(sets.introsWith(person)), (id) => this.intro(id)),
    };
  }
  /** An offer still waiting in its ask's next digest leaves it; false when the asker saw it already. */
  async unfresh(askId: string, item: string): Promise<boolean> {
    const waiting = await this.store.setHas(sets.fresh(askId), item);
    if (waiting) await this.store.setRemove(sets.fresh(askId), item);
    return waiting;
  }
  async introsOf(askId: string): Promise<Intro[]> {
    return this.loadAll(await this.store.setMembers(sets.intros(askId)), (id) => this.intro(id));
  }
  /** The intro the asker requested with this responder, if any. */
  introWith(askId: string, responder: PersonRef): Promise<string | undefined> {
    return this.store.get<string>(keys.introPair(askId, responder));
  }
  saveIntroWith(askId: string, responder: PersonRef, introId: string): Promise<void> {
    return this.store.set(keys.introPair(askId, responder), introId);
  }
  /** Every release of a contact is recorded under its owner. */
  async recordRelease(r: ContactRelease): Promise<void> {
    const key = keys.releases(r.owner);
    await this.people.note([r.to], key);
    const list = (await this.store.get<ContactRelease[]>(key)) ?? [];
    await this.store.set(key, [...list, r]);
  }
  releasesOf(owner: PersonRef): Promise<ContactRelease[]> {
    return this.store.get<ContactRelease[]>(keys.releases(owner)).then((v) => v ?? []);
  }
  async deleteReleases(owner: PersonRef): Promise<boolean> {
    // Each receiver's index named this list; those entries go with it.
    for (const r of await this.releasesOf(owner)) await this.people.unnote(r.to, keys.releases(owner));
    return this.store.delete(keys.releases(owner));
  }

  // --- digests: fresh items, dirty asks, and the items a digest took ---

  /** New items for an ask's next digest: in the ask's fresh set first, then the ask marked dirty. */
  async markFresh(askId: string, item: string): Promise<void> {
    // This order is what `settleDirty`'s "off the dirty list last" relies on.
    await this.store.setAdd(sets.fresh(askId), item);
    await this.store.setAdd(sets.dirtyAsks, askId);
  }
  /** The ask's fresh items, less any already in a sent digest (those leave the fresh set now). */
  async freshItems(askId: string): Promise<string[]> {
    const fresh = await this.store.setMembers(sets.fresh(askId));
    const kept: string[] = [];
    const again: string[] = [];
    for (const item of fresh) ((await this.store.setHas(sets.digested(askId), item)) ? again : kept).push(item);
    if (again.length) await this.store.setRemove(sets.fresh(askId), ...again);
    return kept.sort();
  }
  async dirtyAskIds(): Promise<string[]> {
    return (await this.store.setMembers(sets.dirtyAsks)).sort();
  }
  notDirty(askId: string): Promise<void> {
    return this.store.setRemove(sets.dirtyAsks, askId);
  }
  /** Off the dirty list last; a reply that landed meanwhile is in `fresh` and puts it back. */
  async settleDirty(askId: string): Promise<void> {
    await this.store.setRemove(sets.dirtyAsks, askId);
    if ((await this.store.setSize(sets.fresh(askId))) > 0) await this.store.setAdd(sets.dirtyAsks, askId);
  }
  /** The items a digest takes are written down before it is sent, so a redo sends the same ones. */
  takeDigest(askId: string, items: readonly string[]): Promise<void> {
    return this.store.set(keys.digestPending(askId), [...items]);
  }
  pendingDigest(askId: string): Promise<string[] | undefined> {
    return this.store.get<string[]>(keys.digestPending(askId));
  }
  /** A digest is out: its items leave the fresh set, and nothing is pending any more. */
  async digested(askId: string, items: readonly string[]): Promise<void> {
    const b = this.batch();
    const repo = b.repo;
    if (items.length) {
      await repo.store.setAdd(sets.digested(askId), ...items);
      await repo.store.setRemove(sets.fresh(askId), ...items);
    }
    await repo.store.delete(keys.digestPending(askId));
    await b.commit();
  }

  // --- followers ---

  isFollowing(askId: string, person: PersonRef): Promise<boolean> {
    return this.store.setHas(sets.followers(askId), personKey(person));
  }
  async follow(askId: string, person: PersonRef): Promise<void> {
    await this.store.setAdd(sets.followers(askId), personKey(person));
    await this.store.setAdd(sets.following(person), askId);
  }
  async unfollow(askId: string, person: PersonRef): Promise<void> {
    await this.store.setRemove(sets.followers(askId), personKey(person));
    await this.store.setRemove(sets.following(person), askId);
  }
  /** The ids of the asks this person follows. */
  async followsOf(person: PersonRef): Promise<string[]> {
    return (await this.store.setMembers(sets.following(person))).sort();
  }
  async followersOf(askId: string): Promise<PersonRef[]> {
    return (await this.store.setMembers(sets.followers(askId))).sort().map(parsePersonKey);
  }
  /** Forget-me: the person follows nothing any more. */
  async unfollowAll(person: PersonRef): Promise<void> {
    const following = await this.store.setMembers(sets.following(person));
    for (const askId of following) await this.store.setRemove(sets.followers(askId), personKey(person));
    if (following.length) await this.store.setRemove(sets.following(person), ...following);
  }

  // --- grounds ---

  ground(p: Place): Promise<Ground | undefined> {
    return this.store.get<Ground>(keys.ground(placeKey(channelOf(p))));
  }
  async saveGround(g: Ground): Promise<void> {
    const key = placeKey(channelOf(g.place));
    await this.store.set(keys.ground(key), g);
    await this.store.setAdd(sets.grounds, key);
  }
  async deleteGround(p: Place): Promise<boolean> {
    const key = placeKey(channelOf(p));
    await this.store.setRemove(sets.grounds, key);
    await this.store.delete(keys.groundLastCopy(key));
    await this.routing.forgetGround(key);
    return this.store.delete(keys.ground(key));
  }
  /** A copy went out to this channel: one small write, never a rewrite of the ground. */
  copySentTo(p: Place, at: number): Promise<void> {
    return this.store.set(keys.groundLastCopy(placeKey(channelOf(p))), at);
  }
  lastCopyAt(p: Place): Promise<number | undefined> {
    return this.store.get<number>(keys.groundLastCopy(placeKey(channelOf(p))));
  }
  async allGrounds(): Promise<Ground[]> {
    return this.loadAll(await this.store.setMembers(sets.grounds), (k) => this.store.get<Ground>(keys.ground(k)));
  }
  /** A YAML ground someone disconnected in chat stays disconnected across restarts. */
  groundRemovedByChat(p: Place): Promise<boolean> {
    return this.store.get<boolean>(keys.groundRemoved(placeKey(channelOf(p)))).then((v) => v === true);
  }
  markGroundRemovedByChat(p: Place, removed: boolean): Promise<void | boolean> {
    const key = keys.groundRemoved(placeKey(channelOf(p)));
    return removed ? this.store.set(key, true) : this.store.delete(key);
  }

  // --- people ---

  /** The contact comes back opened; one saved before any key was set comes back as it was. */
  async profile(p: PersonRef): Promise<Profile | undefined> {
    const stored = await this.store.get<Profile>(keys.profile(p));
    return stored?.contact === undefined ? stored : { ...stored, contact: this.sealer.open(stored.contact) };
  }
  /** The contact is sealed before the store sees it, so any save re-seals it under the current key. */
  saveProfile(p: Profile): Promise<void> {
    return this.store.set(keys.profile(p), p.contact === undefined ? p : { ...p, contact: this.sealer.seal(p.contact) });
  }
  deleteProfile(p: PersonRef): Promise<boolean> {
    return this.store.delete(keys.profile(p));
  }
  /** The person's topics change from `before` to `after`: the expert index follows. */
  async setExpertTopics(person: PersonRef, before: readonly string[], after: readonly string[]): Promise<void> {
    const key = personKey(person);
    for (const t of before) await this.store.setRemove(sets.experts(t), key);
    for (const t of after) await this.store.setAdd(sets.experts(t), key);
  }
  /** People who listed any of these topics. */
  async expertsOn(topics: readonly string[]): Promise<PersonRef[]> {
    const found = new Set<string>();
    for (const t of topics) for (const k of await this.store.setMembers(sets.experts(t))) found.add(k);
    return [...found].map(parsePersonKey);
  }

  prompts(p: PersonRef): Promise<OpenPrompt[]> {
    return this.store.get<OpenPrompt[]>(keys.prompts(p)).then((v) => v ?? []);
  }
  savePrompts(p: PersonRef, prompts: OpenPrompt[]): Promise<void | boolean> {
    const key = keys.prompts(p);
    return prompts.length === 0 ? this.store.delete(key) : this.store.set(key, prompts);
  }

  // --- threads, orphans and buttons ---

  threadBinding(thread: Place): Promise<ThreadBinding | undefined> {
    return this.store.get<ThreadBinding>(keys.thread(thread));
  }
  async bindThread(thread: Place, b: ThreadBinding): Promise<void> {
    if (b.copy?.via?.length) await this.people.note(b.copy.via, keys.thread(thread));
    await this.store.set(keys.thread(thread), b);
  }
  /** A copy removed from its channel: messages in its thread no longer belong to the ask. */
  async unbindThread(thread: Place): Promise<void> {
    await this.store.delete(keys.thread(thread));
  }
  /** Keeps a message of a thread nobody knows yet; false when the thread already holds `max`. */
  async keepOrphan(thread: Place, o: Orphan, max: number): Promise<boolean> {
    const key = keys.orphans(thread);
    const list = (await this.store.get<Orphan[]>(key)) ?? [];
    if (list.length >= max) return false;
    await this.people.note([o.actor], key);
    await this.store.set(key, [...list, o], ORPHAN_TTL_MS);
    return true;
  }
  /** The orphans of a thread, removed from the store as they are handed over. */
  async takeOrphans(thread: Place): Promise<Orphan[]> {
    const key = keys.orphans(thread);
    const list = await this.store.get<Orphan[]>(key);
    if (!list?.length) return [];
    await this.store.delete(key);
    return list;
  }

  action(key: string): Promise<ActionBinding | undefined> {
    return this.store.get<ActionBinding>(keys.action(key));
  }
  async saveAction(key: string, b: ActionBinding): Promise<void> {
    // A button only one person may press names them (`only`).
    if (b.only !== undefined) await this.people.note([onlyPerson(b.only)], keys.action(key));
    await this.store.set(keys.action(key), b, ACTION_TTL_MS);
  }
  deleteAction(key: string): Promise<boolean> {
    return this.store.delete(keys.action(key));
  }

  /** Loads every id of a set, skipping ids whose document is gone. */
  async loadAll<T>(ids: readonly string[], load: (id: string) => Promise<T | undefined>): Promise<T[]> {
    const found = await Promise.all(ids.map(load));
    return found.filter((x): x is Awaited<T> => x !== undefined);
  }
}

function dayOf(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}
