import { DAY_MS } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { communityKey, indexes, keys, sets } from './keys.js';

export type HelpKind = 'replies' | 'intros';

/** One community as the graph names it. */
export interface CommunityRef {
  readonly network: string;
  readonly community: string;
  readonly communityName: string;
}

export interface HelpEdge {
  /** Community keys (`communityKey`). */
  readonly from: string;
  readonly to: string;
  readonly replies: number;
  readonly intros: number;
}

/**
 * Who helps whom, by community and UTC day: a reply written by a member of one community on an
 * ask from another, an introduction shared between them. Counted as they happen, one increment
 * each (`help-graph:<day>`, atomic on every backend), so the console's graph reads a few small
 * indexes and never the asks. Only communities are named: these aggregates hold no personal
 * data. Days past the retention period are dropped by the expiry sweep. Part of the repository.
 */
export class HelpGraph {
  /** Names and days written by this process: each is written once per process, not once per reply. */
  private readonly namesWritten = new Map<string, string>();
  private readonly daysListed = new Set<string>();

  constructor(private readonly store: Store) {}

  /** `from` helped `to` at `at`. A redone event (a spool replay) may count twice: these are aggregates. */
  async count(kind: HelpKind, from: CommunityRef, to: CommunityRef, at: number): Promise<void> {
    const day = dayOf(at);
    const fromKey = communityKey(from.network, from.community);
    const toKey = communityKey(to.network, to.community);
    await this.store.sortedIncr(indexes.helpGraph(day), `${kind}|${fromKey}|${toKey}`, 1);
    if (!this.daysListed.has(day)) {
      await this.store.setAdd(sets.helpDays, day);
      this.daysListed.add(day);
    }
    for (const c of [from, to]) await this.noteName(c);
  }

  /** The edges over the `days` UTC days up to and including the day of `now`. */
  async edges(days: number, now: number): Promise<HelpEdge[]> {
    const edges = new Map<string, { from: string; to: string; replies: number; intros: number }>();
    for (let d = 0; d < days; d++) {
      for (const { member, score } of await this.store.sortedRange(indexes.helpGraph(dayOf(now - d * DAY_MS)))) {
        const [kind, from, to] = member.split('|');
        if (from === undefined || to === undefined || (kind !== 'replies' && kind !== 'intros')) continue;
        const key = `${from}|${to}`;
        const edge = edges.get(key) ?? { from, to, replies: 0, intros: 0 };
        edge[kind] += score;
        edges.set(key, edge);
      }
    }
    return [...edges.values()];
  }

  /** The display name last seen for each community key, where one was written. */
  async names(communityKeys: readonly string[]): Promise<Map<string, string>> {
    const found = await Promise.all(
      communityKeys.map(async (k) => {
        const [network = '', community = ''] = k.split(':').map(decodeURIComponent);
        return [k, await this.store.get<string>(keys.communityName(network, community))] as const;
      }),
    );
    return new Map(found.filter((e): e is readonly [string, string] => e[1] !== undefined));
  }

  /** Drops every day before `cutoff` (a time): what the expiry sweep calls with the retention period. */
  async dropBefore(cutoff: number, keepGoing: () => Promise<boolean>): Promise<number> {
    const first = dayOf(cutoff);
    let dropped = 0;
    for (const day of (await this.store.setMembers(sets.helpDays)).filter((d) => d < first).sort()) {
      if (!(await keepGoing())) break;
      const index = indexes.helpGraph(day);
      const members = (await this.store.sortedRange(index)).map((e) => e.member);
      if (members.length) await this.store.sortedRemove(index, ...members);
      await this.store.setRemove(sets.helpDays, day);
      this.daysListed.delete(day);
      dropped++;
    }
    return dropped;
  }

  private async noteName(c: CommunityRef): Promise<void> {
    const key = communityKey(c.network, c.community);
    if (this.namesWritten.get(key) === c.communityName) return;
    await this.store.set(keys.communityName(c.network, c.community), c.communityName);
    this.namesWritten.set(key, c.communityName);
  }
}

function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}
