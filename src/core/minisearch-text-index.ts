import MiniSearch from 'minisearch';
import type { TextDoc, TextIndex } from '../ports/text-index.js';

interface Stored {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly label: string;
  readonly state: string;
  readonly time: number;
}

const asWords = (text: string): string[] => (text === '' ? [] : text.split(' '));

/**
 * The text index in MiniSearch (BM25+), all in the JS heap: the in-memory twin of the FTS5 one,
 * what the engine uses when it is given none (tests, the playground). bench/search-latency.ts
 * says why feelers itself runs FTS5: at 100,000 asks MiniSearch scores too slowly and weighs
 * about 200 MiB of heap.
 */
export class MiniSearchTextIndex implements TextIndex {
  readonly kind = 'minisearch';
  private index = fresh();

  put(doc: TextDoc): void {
    this.remove(doc.id);
    this.index.add({
      id: doc.id,
      title: doc.title.join(' '),
      body: doc.body.join(' '),
      label: doc.label.join(' '),
      state: doc.state,
      time: doc.time,
    });
  }

  remove(id: string): void {
    if (this.index.has(id)) this.index.discard(id);
  }

  best(words: readonly string[], limit: number): string[] {
    if (words.length === 0) return [];
    return this.index
      .search(words.join(' '), { combineWith: 'OR', boost: { title: 2, label: 0.5 } })
      .slice(0, limit)
      .map((r) => String(r.id));
  }

  every(words: readonly string[], state?: string): string[] {
    if (words.length === 0) return [];
    const found = this.index.search(words.join(' '), {
      combineWith: 'AND',
      ...(state === undefined ? {} : { filter: (r) => r.state === state }),
    });
    return found.sort((a, b) => Number(b.time) - Number(a.time) || String(b.id).localeCompare(String(a.id))).map((r) => String(r.id));
  }

  size(): number {
    return this.index.documentCount;
  }

  clear(): void {
    this.index = fresh();
  }
}

function fresh(): MiniSearch<Stored> {
  return new MiniSearch<Stored>({
    fields: ['title', 'body', 'label'],
    storeFields: ['state', 'time'],
    // The words come made (search-text.ts): split, never stemmed twice.
    tokenize: asWords,
    processTerm: (t) => t,
  });
}
