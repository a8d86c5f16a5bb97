/**
 * The labelled set of duplicate questions (bench/search-set, CC0, written for feelers) and the three
 * full-text libraries compared on it, behind one small interface, so the quality and latency
 * benchmarks (and the quality test) measure each the same way. Every candidate gets the same
 * words (`searchTerms`: stop words out, Porter stems, synonyms folded), so what differs is the
 * library: its ranking, its speed and its memory. The first two are feelers' own implementations
 * of the text index port, as the engine uses them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import FlexSearch from 'flexsearch';
import MiniSearch from 'minisearch';
import { MiniSearchTextIndex } from '../../src/core/minisearch-text-index.js';
import { searchTerms, telling } from '../../src/core/search-text.js';
import type { TextIndex } from '../../src/ports/text-index.js';
import { Fts5TextIndex } from '../../src/store/fts5-text-index.js';
import { ROOT } from './cluster.js';

export interface LabelledSet {
  /** Earlier asks: those of the pairs, then those no new ask duplicates. */
  readonly earlier: readonly string[];
  /** New asks whose duplicate is `earlier[answer]`. */
  readonly duplicates: readonly { readonly text: string; readonly answer: number }[];
  /** New asks with no duplicate among the earlier ones. */
  readonly distractors: readonly string[];
}

function lines(file: string): string[] {
  return readFileSync(join(ROOT, 'bench', 'search-set', file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

export function labelledSet(): LabelledSet {
  const earlier: string[] = [];
  const duplicates: { text: string; answer: number }[] = [];
  for (const line of lines('duplicate-questions.tsv')) {
    const [before, after] = line.split('\t');
    if (!before || !after) throw new Error(`duplicate-questions.tsv: a line without a tab: ${line}`);
    duplicates.push({ text: after, answer: earlier.length });
    earlier.push(before);
  }
  earlier.push(...lines('earlier-only.tsv'));
  return { earlier, duplicates, distractors: lines('distractor-questions.tsv') };
}

/** One full-text library over documents numbered 0..n-1. */
export interface Candidate {
  readonly name: string;
  add(id: number, text: string): void;
  /** Ids of the best `k` matches, best first. */
  search(query: string, k: number): number[];
  /** Bytes held outside the JS heap, where the library can say (SQLite's pages). */
  bytes?(): number;
  dispose?(): void;
}

/** The words each candidate is given: `searchTerms`, with or without the synonyms. */
export type Terms = (text: string) => string[];

export function miniSearch(terms: Terms = searchTerms): Candidate {
  const index = new MiniSearch<{ id: number; text: string }>({
    fields: ['text'],
    tokenize: terms,
    processTerm: (t) => t,
    searchOptions: { combineWith: 'OR' },
  });
  return {
    name: `MiniSearch 7.2 (BM25+)${terms === searchTerms ? '' : ', no synonyms'}`,
    add: (id, text) => index.add({ id, text }),
    search: (q, k) =>
      index
        .search(q)
        .slice(0, k)
        .map((r) => r.id as number),
  };
}

export function flexSearch(terms: Terms = searchTerms): Candidate {
  // Without `suggest`, FlexSearch needs every word of the query in a match (AND), and a
  // rephrased question almost never has them all.
  const index = new FlexSearch.Index({ encode: terms, tokenize: 'strict', resolution: 9 });
  return {
    name: `FlexSearch 0.8 (contextual score)${terms === searchTerms ? '' : ', no synonyms'}`,
    add: (id, text) => {
      index.add(id, text);
    },
    search: (q, k) => index.search(q, { limit: k, suggest: true }) as number[],
  };
}

export function sqliteFts5(terms: Terms = searchTerms): Candidate {
  const db = new Database(':memory:');
  // The words go in already made (the same stems as the others); FTS5 ranks them with its bm25().
  db.exec(`CREATE VIRTUAL TABLE docs USING fts5(text, tokenize = 'unicode61')`);
  const insert = db.prepare('INSERT INTO docs (rowid, text) VALUES (?, ?)');
  const query = db.prepare('SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?').pluck();
  return {
    name: `SQLite FTS5 (bm25, better-sqlite3)${terms === searchTerms ? '' : ', no synonyms'}`,
    add: (id, text) => {
      insert.run(id, terms(text).join(' '));
    },
    search: (q, k) => {
      const words = [...new Set(terms(q))];
      if (!words.length) return [];
      return query.all(words.map((t) => `"${t}"`).join(' OR '), k) as number[];
    },
    dispose: () => db.close(),
  };
}

/**
 * A text index as feelers uses it (src/core/search-index.ts): feelers' own implementation of the
 * port, the words of a query that most asks have left out (`telling`).
 */
function asFeelers(index: TextIndex, terms: Terms, name: string): Candidate {
  const df = new Map<string, number>();
  let docs = 0;
  return {
    name: `${name}${terms === searchTerms ? '' : ', no synonyms'}`,
    add: (id, text) => {
      const words = terms(text);
      docs++;
      for (const w of new Set(words)) df.set(w, (df.get(w) ?? 0) + 1);
      index.put({ id: String(id), title: words, body: [], label: [], state: 'closed', time: id });
    },
    search: (q, k) =>
      index
        .best(
          telling(terms(q), (w) => df.get(w) ?? 0, docs),
          k,
        )
        .map(Number),
    ...(index instanceof Fts5TextIndex ? { bytes: () => index.bytes() } : {}),
    dispose: () => (index instanceof Fts5TextIndex ? index.close() : undefined),
  };
}

/** What feelers runs: SQLite FTS5 in memory, common words out of the query. */
export function feelersFts5(terms: Terms = searchTerms): Candidate {
  return asFeelers(new Fts5TextIndex(), terms, 'feelers: SQLite FTS5 (bm25), common words out of the query');
}

/** The in-memory twin: MiniSearch, common words out of the query. */
export function feelersMiniSearch(terms: Terms = searchTerms): Candidate {
  return asFeelers(new MiniSearchTextIndex(), terms, 'feelers: MiniSearch (BM25+), common words out of the query');
}

export const CANDIDATES: readonly ((terms?: Terms) => Candidate)[] = [feelersFts5, feelersMiniSearch, sqliteFts5, miniSearch, flexSearch];
