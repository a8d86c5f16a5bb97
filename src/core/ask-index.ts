import type { Store } from '../ports/store.js';
import { indexes, keys, sets } from './keys.js';
import type { Ask, AskState } from './model.js';

const STATES: readonly AskState[] = ['open', 'closed', 'expired', 'retracted'];
/** The one-off fill of the asks indexes for asks made before they existed. */
const BACKFILL = 'asks-v1';
const BATCH = 500;

/**
 * The asks in order, for the operator console: every ask by creation time, and each state's
 * asks by creation time, so a page of 100,000 asks is one range read. And the digests posted in
 * each ask's thread, in order. Part of the repository (keys from keys.ts): `Repo.openAsk`
 * lists a new ask, `refile` moves a finished one, the retention purge (`forget`) takes a purged
 * one out, so no entry points at an ask that is no longer listed anywhere else.
 */
export class AskIndex {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  async opened(ask: Ask): Promise<void> {
    await this.store.sortedAdd(indexes.asksByTime, ask.id, ask.createdAt);
    await this.store.sortedAdd(indexes.asksInState(ask.state), ask.id, ask.createdAt);
  }

  /** Files the ask under its state as it is now (a closed or expired one leaves the open list). */
  async refile(ask: Ask): Promise<void> {
    await this.store.sortedAdd(indexes.asksInState(ask.state), ask.id, ask.createdAt);
    for (const s of STATES) if (s !== ask.state) await this.store.sortedRemove(indexes.asksInState(s), ask.id);
  }

  /** Retention purged the ask: it is no longer listed (nor found by search), and its digest list goes. */
  async forget(askId: string): Promise<void> {
    // Search drops it too, on every instance: marked, then announced on the change feed.
    await this.store.setAdd(sets.searchDropped, askId);
    await this.store.sortedAdd(indexes.searchFeed, askId, this.now());
    await this.store.sortedRemove(indexes.asksByTime, askId);
    for (const s of STATES) await this.store.sortedRemove(indexes.asksInState(s), askId);
    const digests = await this.store.sortedRange(indexes.digests(askId));
    if (digests.length) await this.store.sortedRemove(indexes.digests(askId), ...digests.map((d) => d.member));
  }

  /** Ask ids newest first, every ask or those in one state. */
  async newest(state: AskState | undefined, offset: number, limit: number): Promise<string[]> {
    const found = await this.store.sortedRange(this.listOf(state), { offset, limit, reverse: true });
    return found.map((e) => e.member);
  }

  count(state: AskState | undefined): Promise<number> {
    return this.store.sortedCount(this.listOf(state));
  }

  /** Asks made at `since` or later. */
  createdSince(since: number): Promise<number> {
    return this.store.sortedCount(indexes.asksByTime, { min: since });
  }

  /** A digest (or the final summary) written for the ask's thread, by its delivery id; redone, it keeps one entry. */
  digestPosted(askId: string, deliveryId: string, at: number): Promise<void> {
    return this.store.sortedAdd(indexes.digests(askId), deliveryId, at);
  }

  /** The ask's digests, oldest first: delivery id and when it was written. */
  async digestsOf(askId: string): Promise<{ deliveryId: string; at: number }[]> {
    return (await this.store.sortedRange(indexes.digests(askId))).map((e) => ({ deliveryId: e.member, at: e.score }));
  }

  /**
   * Lists the asks made before these indexes existed, once: those still open (`open-asks`) and
   * those that ended within the retention period (`finished-asks:<day>`). Asks already purged
   * are in neither, as they would have left the indexes at their purge. Safe to run again or on
   * two instances at once (an add is idempotent); an ask that ends meanwhile is put right by a
   * second look. Returns how many asks it listed, or undefined when it had run before or
   * `keepGoing` said stop (then it runs again next time).
   */
  async backfill(keepGoing: () => Promise<boolean>): Promise<number | undefined> {
    if ((await this.store.get<boolean>(keys.backfilled(BACKFILL))) === true) return undefined;
    const ids = new Set(await this.store.setMembers(sets.openAsks));
    for (const day of await this.store.setMembers(sets.finishedDays)) {
      for (const id of await this.store.setMembers(sets.finishedAsks(day))) ids.add(id);
    }
    const all = [...ids];
    let listed = 0;
    for (let i = 0; i < all.length; i += BATCH) {
      if (!(await keepGoing())) return undefined;
      for (const id of all.slice(i, i + BATCH)) {
        const ask = await this.store.get<Ask>(keys.ask(id));
        if (!ask) continue;
        await this.store.sortedAdd(indexes.asksByTime, ask.id, ask.createdAt);
        await this.refile(ask);
        const now = await this.store.get<Ask>(keys.ask(id));
        if (now && now.state !== ask.state) await this.refile(now);
        listed++;
      }
    }
    await this.store.set(keys.backfilled(BACKFILL), true);
    return listed;
  }

  private listOf(state: AskState | undefined): string {
    return state === undefined ? indexes.asksByTime : indexes.asksInState(state);
  }
}
