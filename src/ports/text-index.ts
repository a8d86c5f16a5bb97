/**
 * A full-text index of documents, in this process: what search's index of earlier asks is kept
 * in (src/core/search-index.ts). The words come already made (lower-cased, stemmed, stop words
 * out: src/core/search-text.ts), so every implementation indexes the same words and differs only
 * in how it stores and ranks them. Synchronous: both implementations answer from memory.
 *
 * Implementations: SQLite FTS5 in an in-memory database (src/store/fts5-text-index.ts, what
 * feelers runs), and MiniSearch (src/core/minisearch-text-index.ts, the in-memory twin the
 * engine uses when none is given). Both pass test/support/contracts/text-index.ts.
 */
export interface TextIndex {
  /** 'fts5' or 'minisearch', for logs. */
  readonly kind: string;
  /** Puts a document, replacing the one of the same id. */
  put(doc: TextDoc): void;
  /** Takes a document out; one not in is no error. */
  remove(id: string): void;
  /**
   * Ids of the documents that have any of `words`, best first by BM25 (a word in the title counts
   * more than one in the body, which counts more than one in the label), at most `limit`.
   */
  best(words: readonly string[], limit: number): string[];
  /** Ids of the documents that have every one of `words` (in any field), only those in `state` when given, newest first. */
  every(words: readonly string[], state?: string): string[];
  /** How many documents it holds. */
  size(): number;
  /** Takes every document out. */
  clear(): void;
}

export interface TextDoc {
  readonly id: string;
  readonly title: readonly string[];
  readonly body: readonly string[];
  readonly label: readonly string[];
  /** A tag `every` can filter by (an ask's state). */
  readonly state: string;
  /** What `every` orders by, newest (highest) first (an ask's creation time). */
  readonly time: number;
}
