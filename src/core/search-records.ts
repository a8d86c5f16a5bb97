import { personKey, type PersonRef } from '../ports/places.js';
import type { Store } from '../ports/store.js';
import { indexes, sets } from './keys.js';

/** The last time this process wrote on the feed (every Repo of it, batches included). */
let lastTouch = 0;

/**
 * What search keeps in the store (keys from keys.ts): the change feed every instance's index
 * catches up from, and what "That answers it" counts. Part of the repository: `Repo.saveAsk` and
 * `Repo.saveReply` touch the feed, so no stage can change what an ask says without its index
 * hearing of it, on any instance.
 */
export class SearchRecords {
  constructor(
    private readonly store: Store,
    /** The engine's clock: feed scores are compared only with each other, never with another clock. */
    readonly now: () => number = Date.now,
  ) {}

  /**
   * The ask changed (its question, state or a reply). Each write of this process gets a later
   * time than its last, even within one millisecond: a reader skips an entry it saw with the same
   * time, so two changes to one ask must never share one.
   */
  touch(askId: string): Promise<void> {
    lastTouch = Math.max(this.now(), lastTouch + 0.001);
    return this.store.sortedAdd(indexes.searchFeed, askId, lastTouch);
  }

  /** Asks changed at `since` or later, newest first, with when. */
  async changedSince(since: number): Promise<{ askId: string; at: number }[]> {
    const n = await this.store.sortedCount(indexes.searchFeed, { min: since });
    if (n === 0) return [];
    const found = await this.store.sortedRange(indexes.searchFeed, { reverse: true, limit: n });
    return found.map((e) => ({ askId: e.member, at: e.score }));
  }

  /** Whether retention purged the ask (see AskIndex.forget): search no longer finds it. */
  isDropped(askId: string): Promise<boolean> {
    return this.store.setHas(sets.searchDropped, askId);
  }

  /** Drops feed entries of asks that no longer exist. */
  forget(...askIds: string[]): Promise<void> {
    return askIds.length ? this.store.sortedRemove(indexes.searchFeed, ...askIds) : Promise.resolve();
  }

  /** Someone took this ask's answer instead of asking again; returns how often that happened. */
  answeredAgain(askId: string): Promise<number> {
    return this.store.sortedIncr(indexes.answeredAgain, askId, 1);
  }

  /** How often this ask's answer was taken instead of asking again. */
  timesAnsweredAgain(askId: string): Promise<number> {
    // Adding 0 reads one member's score (the port has no single-member read).
    return this.store.sortedIncr(indexes.answeredAgain, askId, 0);
  }

  /** The person's reply answered a later asker's question. */
  credit(person: PersonRef): Promise<number> {
    return this.store.sortedIncr(indexes.helpCredits, personKey(person), 1);
  }

  /** How often the person's replies answered a later question (for my-data and routing). */
  async creditsOf(person: PersonRef): Promise<number> {
    // Read by rank around the member would need a score read the port lacks; adding 0 would
    // create an entry naming someone who has none. A full read: my-data and tests only.
    const key = personKey(person);
    const all = await this.store.sortedRange(indexes.helpCredits);
    return all.find((e) => e.member === key)?.score ?? 0;
  }

  /** Forget-me: the person's credits go. */
  forgetPerson(person: PersonRef): Promise<void> {
    return this.store.sortedRemove(indexes.helpCredits, personKey(person));
  }
}
