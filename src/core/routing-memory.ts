import { personKey, type PersonRef } from '../ports/places.js';
import type { Store } from '../ports/store.js';
import { indexes, keys, sets } from './keys.js';

/** What feelers learned about one person, shown by `/feelers my-data` and reset by `/feelers learned reset`. */
export interface Learned {
  /** Per topic: asks they replied to, and introductions of theirs the asker accepted. */
  topics: Record<string, TopicHelp>;
  /** When they were prodded, over the last week: the fairness cap. */
  prods: number[];
  /** Prods in a row whose ask ended with no answer from them. */
  unanswered: number;
  /** Set when feelers paused prods to them (`/feelers prods on` resumes). */
  pausedAt?: number | undefined;
}

export interface TopicHelp {
  replies: number;
  intros: number;
  lastAt: number;
}

/** How far an unanswered ask has widened (stage 1: near grounds, 2: grounds taking every topic). */
export interface Escalation {
  stage: number;
  lastAt: number;
  stopped?: boolean | undefined;
}

/** A community's own routing settings, set by its admins. `afterHours` null: never widen its asks. */
export interface CommunityRouting {
  afterHours: number | null;
}

/** Topics kept per person: the least recently helped-with go first. */
const MAX_TOPICS = 30;
/** People kept per topic's helpers index: the least helpful go first. */
const MAX_HELPERS = 500;
/** Topics of one ask counted together (an ask may carry many hashtags; pairs grow as their square). */
const MAX_PAIRED_TOPICS = 5;
/** Weight of the newest sample in a ground's moving average: recent behaviour counts most. */
const PACE_WEIGHT = 0.3;
/** Copies remembered as answered in one process before the memory starts again. */
const MAX_REMEMBERED = 10_000;
/** What an accepted introduction weighs against a reply. */
export const INTRO_WEIGHT = 2;

/**
 * The store's side of learned routing: who helped on which topic, how fast each ground answers,
 * which topics are asked together, and how far each unanswered ask has widened. Everything here
 * is bounded (topics per person, people per topic, samples folded into an average) and updated
 * with single-key writes, so two instances counting at once can at worst lose one count of an
 * aggregate, never corrupt a record. Part of the repository (keys from keys.ts).
 */
export class RoutingMemory {
  /** Copies this process knows were answered already (bounded: cleared when full). */
  private readonly answered = new Set<string>();

  constructor(
    private readonly store: Store,
    /** How long a per-ask claim is kept: as long as an ask lives (see dedupeTtlMs). */
    private readonly keepMs: number,
  ) {}

  learned(person: PersonRef): Promise<Learned | undefined> {
    return this.store.get<Learned>(keys.learned(person));
  }

  saveLearned(person: PersonRef, l: Learned): Promise<void> {
    return this.store.set(keys.learned(person), l);
  }

  /** True for the first reply of a person on an ask (help is counted once per ask). */
  firstHelpOn(askId: string, person: PersonRef, owner: string): Promise<boolean> {
    return this.store.acquire(keys.helpedOn(askId, person), owner, this.keepMs);
  }

  /** `person` helped on `topics`: their record and each topic's helpers index. */
  async countHelp(person: PersonRef, topics: readonly string[], kind: 'replies' | 'intros', at: number): Promise<void> {
    const l = (await this.learned(person)) ?? emptyLearned();
    for (const t of topics) {
      const h = l.topics[t] ?? { replies: 0, intros: 0, lastAt: at };
      h[kind]++;
      h.lastAt = at;
      l.topics[t] = h;
    }
    const dropped = Object.entries(l.topics)
      .sort(([, a], [, b]) => b.lastAt - a.lastAt)
      .slice(MAX_TOPICS)
      .map(([t]) => t);
    for (const t of dropped) delete l.topics[t];
    await this.saveLearned(person, l);
    const member = personKey(person);
    for (const t of dropped) await this.store.sortedRemove(indexes.helpers(t), member);
    for (const t of topics) {
      await this.store.sortedIncr(indexes.helpers(t), member, kind === 'intros' ? INTRO_WEIGHT : 1);
      await this.trim(indexes.helpers(t), MAX_HELPERS);
    }
  }

  /** Each helper's score summed over `topics` (person key → score). */
  async helpScores(topics: readonly string[]): Promise<Map<string, number>> {
    const scores = new Map<string, number>();
    for (const t of topics) {
      for (const { member, score } of await this.store.sortedRange(indexes.helpers(t))) {
        scores.set(member, (scores.get(member) ?? 0) + score);
      }
    }
    return scores;
  }

  /** Forgets what the person helped with (prods and pause stay: they are not learning). */
  async resetHelp(person: PersonRef): Promise<number> {
    const l = await this.learned(person);
    if (!l) return 0;
    const topics = Object.keys(l.topics);
    for (const t of topics) await this.store.sortedRemove(indexes.helpers(t), personKey(person));
    l.topics = {};
    await this.saveLearned(person, l);
    return topics.length;
  }

  /** Forget-me: the record goes, and the person leaves every helpers index it lists. */
  async forget(person: PersonRef): Promise<void> {
    await this.resetHelp(person);
    await this.store.delete(keys.learned(person));
  }

  // --- grounds ---

  copySent(copyId: string, at: number): Promise<void> {
    return this.store.set(keys.copySent(copyId), at, this.keepMs);
  }

  copySentAt(copyId: string): Promise<number | undefined> {
    return this.store.get<number>(keys.copySent(copyId));
  }

  /** True for the first reply in a copy's thread: only that one times the ground. */
  async firstReplyIn(copyId: string, owner: string): Promise<boolean> {
    // Most replies are not a copy's first: those this process saw answered skip the store's claim.
    if (this.answered.has(copyId)) return false;
    const first = await this.store.acquire(keys.firstReply(copyId), owner, this.keepMs);
    if (this.answered.size >= MAX_REMEMBERED) this.answered.clear();
    this.answered.add(copyId);
    return first;
  }

  /** Folds one time-to-first-reply into the ground's moving average. */
  async timeGround(channelKey: string, sampleMs: number): Promise<void> {
    const before = await this.store.get<{ avgMs: number; samples: number }>(keys.groundPace(channelKey));
    const avgMs = before ? before.avgMs + PACE_WEIGHT * (sampleMs - before.avgMs) : sampleMs;
    await this.store.set(keys.groundPace(channelKey), { avgMs, samples: (before?.samples ?? 0) + 1 });
    await this.store.sortedAdd(indexes.groundsByPace, channelKey, avgMs);
  }

  /** Each timed ground's average time to a first reply (channel key → ms). */
  async paces(): Promise<Map<string, number>> {
    return new Map((await this.store.sortedRange(indexes.groundsByPace)).map((e) => [e.member, e.score]));
  }

  /** A disconnected ground is no longer timed. */
  async forgetGround(channelKey: string): Promise<void> {
    await this.store.delete(keys.groundPace(channelKey));
    await this.store.sortedRemove(indexes.groundsByPace, channelKey);
  }

  // --- topics asked together ---

  async notePairs(topics: readonly string[]): Promise<void> {
    const some = topics.slice(0, MAX_PAIRED_TOPICS);
    for (const a of some) {
      for (const b of some) if (a !== b) await this.store.sortedIncr(indexes.topicPairs(a), b, 1);
    }
  }

  /** The topics asked with `topic` at least `min` times, most often first. */
  async pairedWith(topic: string, min: number, limit: number): Promise<string[]> {
    const found = await this.store.sortedRange(indexes.topicPairs(topic), { reverse: true, limit });
    return found.filter((e) => e.score >= min).map((e) => e.member);
  }

  // --- escalation ---

  escalation(askId: string): Promise<Escalation | undefined> {
    return this.store.get<Escalation>(keys.escalation(askId));
  }

  saveEscalation(askId: string, e: Escalation): Promise<void> {
    return this.store.set(keys.escalation(askId), e, this.keepMs);
  }

  community(network: string, community: string): Promise<CommunityRouting | undefined> {
    return this.store.get<CommunityRouting>(keys.communityRouting(network, community));
  }

  saveCommunity(network: string, community: string, c: CommunityRouting): Promise<void> {
    return this.store.set(keys.communityRouting(network, community), c);
  }

  /** Live replies and offers an ask has (a deleted or retracted reply no longer counts). */
  async answers(askId: string): Promise<number> {
    return (await this.store.setSize(sets.replies(askId))) + (await this.store.setSize(sets.offers(askId)));
  }

  private async trim(index: string, max: number): Promise<void> {
    const size = await this.store.sortedCount(index);
    if (size <= max) return;
    const lowest = await this.store.sortedRange(index, { limit: size - max });
    await this.store.sortedRemove(index, ...lowest.map((e) => e.member));
  }
}

export function emptyLearned(): Learned {
  return { topics: {}, prods: [], unanswered: 0 };
}
