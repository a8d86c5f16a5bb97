import type { Logger } from '../ports/logger.js';
import type { TextIndex } from '../ports/text-index.js';
import type { Ask, AskState, Reply } from './model.js';
import type { Repo } from './repo.js';
import { likeness, rarity, searchTerms, telling } from './search-text.js';

/**
 * How far back each catch-up re-reads the change feed: the feed is scored by each writer's
 * clock (wall time), and a write lands a moment after its score was taken, so a reader that only
 * looked past its last-seen score could miss a change another instance (or a slow write on this
 * one) scored earlier. Re-indexing an ask twice costs nothing but time.
 */
const OVERLAP_MS = 10_000;
/** Asks read from the store per round while rebuilding, between which the event loop runs. */
const REBUILD_PAGE = 500;
/** Results asked of the text index at first, before the store is read and `keep` filters them. */
const CANDIDATES = 20;
/** A feed entry of an ask that no longer exists is dropped once every instance has long caught up. */
const TOMBSTONE_MS = 24 * 60 * 60 * 1000;

export interface SearchHit {
  readonly ask: Ask;
  /** Its live replies (deleted and retracted ones out), oldest first. */
  readonly replies: readonly Reply[];
  /** How alike its question is to the search (see `likeness`), 0 to 1. */
  readonly likeness: number;
}

/**
 * The full-text index of earlier asks: their questions and topics (the title), their live replies
 * (the body: what a final summary is made of) and their community's name (the label), in this
 * process's `TextIndex` (SQLite FTS5 in feelers, MiniSearch in tests), over the same words on
 * every store (search-text.ts). docs/search.md says how it was chosen. It holds no names, so
 * forget-me has nothing to take out of it: results are read back from the store, where
 * anonymised replies stay anonymous.
 *
 * Built from the store on first use after a start (the first search waits for it; an ask does
 * not, it goes out unprompted meanwhile), and kept current from the store's change feed (`search-feed`, written by the repository on
 * every save of an ask or a reply), which every search reads first: a change made on another
 * instance is found by the next search here.
 */
export class AskSearch {
  /** Each indexed ask's question words, for `rarity` and to take them out of `df` again. */
  private readonly questions = new Map<string, readonly string[]>();
  /** In how many indexed questions each word is. */
  private readonly df = new Map<string, number>();
  /** Each indexed ask's words in every field, space-separated (one string: 100,000 arrays would weigh more). */
  private readonly allWords = new Map<string, string>();
  /** In how many indexed asks (any field) each word is: what leaves common words out of a query. */
  private readonly anyDf = new Map<string, number>();
  /**
   * The feed is read from here on: the clock at the start of the last read, less the overlap.
   * Not the newest entry seen: after a quiet spell, the entries of the last busy seconds would
   * be read again by every search.
   */
  private from = 0;
  /** Feed entries read within the overlap, by ask: one read again with the same time is not re-indexed. */
  private readonly recent = new Map<string, number>();
  private warming: Promise<void> | undefined;
  private catching: Promise<void> | undefined;
  private built = false;

  constructor(
    private readonly repo: Repo,
    private readonly index: TextIndex,
    private readonly log: Logger,
  ) {}

  /** True once the rebuild begun by `warm` is done. */
  get ready(): boolean {
    return this.built;
  }

  /** Builds the index from the store (once; later calls wait for the same build). */
  warm(): Promise<void> {
    this.warming ??= this.rebuild().catch((err: unknown) => {
      this.warming = undefined;
      throw err;
    });
    return this.warming;
  }

  /**
   * Earlier asks matching `text`, best first: at most `limit`, those `keep` accepts (state,
   * visibility), never `exclude`. Waits for the index to be built, then catches up.
   */
  async find(
    text: string,
    opts: { limit: number; keep?: (ask: Ask, replies: readonly Reply[]) => Promise<boolean>; exclude?: string },
  ): Promise<SearchHit[]> {
    await this.warm();
    await this.catchUp();
    const words = searchTerms(text);
    if (words.length === 0) return [];
    const weight = (w: string): number => rarity(this.questions.size, this.df.get(w) ?? 0);
    const hits: SearchHit[] = [];
    const kept = telling(words, (w) => this.anyDf.get(w) ?? 0, this.questions.size);
    // Read from the store in rounds of a few: most searches stop in the first.
    const ranked = this.index.best(kept, Math.max(CANDIDATES, opts.limit * 4));
    for (let i = 0; i < ranked.length && hits.length < opts.limit; i += opts.limit * 2) {
      for (const id of ranked.slice(i, i + opts.limit * 2)) {
        if (id === opts.exclude || hits.length >= opts.limit) continue;
        const ask = await this.repo.ask(id);
        if (!ask) continue;
        const replies = live(await this.repo.repliesOf(id));
        if (opts.keep && !(await opts.keep(ask, replies))) continue;
        hits.push({ ask, replies, likeness: likeness(words, searchTerms(ask.text), weight) });
      }
    }
    return hits;
  }

  /**
   * Ids of the asks that have every word of `text` (in the question, its topics, its replies or
   * its community's name), in one state or any, newest first: the console's search, exact
   * however many asks there are.
   */
  async matching(text: string, state: AskState | undefined): Promise<string[]> {
    await this.warm();
    await this.catchUp();
    return this.index.every(searchTerms(text), state);
  }

  /** Re-reads what changed since the last look (on any instance) into the index. */
  catchUp(): Promise<void> {
    this.catching ??= this.readFeed().finally(() => (this.catching = undefined));
    return this.catching;
  }

  private async readFeed(): Promise<void> {
    const startedAt = this.repo.search.now();
    const changed = await this.repo.search.changedSince(this.from);
    const gone: string[] = [];
    for (const { askId, at } of changed) {
      if (this.recent.get(askId) === at) continue;
      this.recent.set(askId, at);
      if (!(await this.reindex(askId)) && at < this.repo.search.now() - TOMBSTONE_MS) gone.push(askId);
    }
    this.from = Math.max(this.from, startedAt - OVERLAP_MS);
    for (const [askId, at] of this.recent) if (at < this.from) this.recent.delete(askId);
    await this.repo.search.forget(...gone);
  }

  private async rebuild(): Promise<void> {
    const started = Date.now();
    // Changes from here on are caught up afterwards, whether the rebuild saw them or not.
    this.from = this.repo.search.now() - OVERLAP_MS;
    this.index.clear();
    this.recent.clear();
    this.questions.clear();
    this.df.clear();
    this.allWords.clear();
    this.anyDf.clear();
    for (let offset = 0; ; offset += REBUILD_PAGE) {
      const ids = await this.repo.asks.newest(undefined, offset, REBUILD_PAGE);
      for (const id of ids) await this.reindex(id);
      if (ids.length < REBUILD_PAGE) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.built = true;
    this.log.info({ asks: this.index.size(), index: this.index.kind, ms: Date.now() - started }, 'search index built');
    await this.catchUp();
  }

  /** Puts the ask as it is now into the index; false when it no longer exists. */
  private async reindex(id: string): Promise<boolean> {
    const ask = await this.repo.ask(id);
    this.drop(id);
    if (!ask) return false;
    if (await this.repo.search.isDropped(id)) return true;
    const replies = live(await this.repo.repliesOf(id));
    const words = searchTerms(ask.text);
    const title = [...words, ...ask.topics.flatMap((t) => searchTerms(t))];
    const body = replies.flatMap((r) => searchTerms(r.text));
    const label = searchTerms(ask.asker.communityName);
    this.index.put({ id, title, body, label, state: ask.state, time: ask.createdAt });
    const unique = [...new Set(words)];
    this.questions.set(id, unique);
    for (const w of unique) this.df.set(w, (this.df.get(w) ?? 0) + 1);
    const all = [...new Set([...title, ...body, ...label])];
    this.allWords.set(id, all.join(' '));
    for (const w of all) this.anyDf.set(w, (this.anyDf.get(w) ?? 0) + 1);
    return true;
  }

  private drop(id: string): void {
    const words = this.questions.get(id);
    if (!words) return;
    this.index.remove(id);
    this.questions.delete(id);
    uncount(this.df, words);
    uncount(this.anyDf, (this.allWords.get(id) ?? '').split(' '));
    this.allWords.delete(id);
  }
}

function uncount(df: Map<string, number>, words: readonly string[]): void {
  for (const w of words) {
    const n = (df.get(w) ?? 1) - 1;
    if (n > 0) df.set(w, n);
    else df.delete(w);
  }
}

function live(replies: readonly Reply[]): Reply[] {
  return replies.filter((r) => !r.deleted && !r.retracted).sort((a, b) => a.at - b.at);
}
