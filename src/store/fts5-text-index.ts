import Database from 'better-sqlite3';
import type { TextDoc, TextIndex } from '../ports/text-index.js';

/** bm25() weights of the columns title, body, label: a word in the question counts double. */
const WEIGHTS = '2.0, 1.0, 0.5';

/**
 * The text index in SQLite FTS5 (bm25), in an in-memory database of this process: outside the JS
 * heap, and scored in C. Chosen by bench/search-latency.ts and bench/search-quality.ts over
 * MiniSearch and FlexSearch (docs/search.md). In memory whatever the store is: the same index
 * works beside SQLite, Redis and the memory store, and is rebuilt from the store after a start.
 *
 * The words come made (search-text.ts: letters and digits only), so FTS5's unicode61 tokenizer
 * only splits them on spaces, and a query's words are quoted as FTS5 strings.
 */
export class Fts5TextIndex implements TextIndex {
  readonly kind = 'fts5';
  private readonly db = new Database(':memory:');
  private readonly stmt;

  constructor() {
    this.db.exec(`
      CREATE TABLE meta (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, state TEXT NOT NULL, time INTEGER NOT NULL);
      CREATE VIRTUAL TABLE docs USING fts5(title, body, label, tokenize = 'unicode61 remove_diacritics 0');
    `);
    this.stmt = {
      rowid: this.db.prepare<[string], number>('SELECT rowid FROM meta WHERE id = ?').pluck(),
      addMeta: this.db.prepare<[string, string, number]>('INSERT INTO meta (id, state, time) VALUES (?, ?, ?)'),
      addDoc: this.db.prepare<[number | bigint, string, string, string]>(
        'INSERT INTO docs (rowid, title, body, label) VALUES (?, ?, ?, ?)',
      ),
      dropMeta: this.db.prepare<[number]>('DELETE FROM meta WHERE rowid = ?'),
      dropDoc: this.db.prepare<[number]>('DELETE FROM docs WHERE rowid = ?'),
      best: this.db
        .prepare<[string, number], string>(
          `SELECT meta.id FROM docs JOIN meta ON meta.rowid = docs.rowid WHERE docs MATCH ? ORDER BY bm25(docs, ${WEIGHTS}) LIMIT ?`,
        )
        .pluck(),
      every: this.db
        .prepare<[string], string>(
          'SELECT meta.id FROM docs JOIN meta ON meta.rowid = docs.rowid WHERE docs MATCH ? ORDER BY meta.time DESC, meta.id DESC',
        )
        .pluck(),
      everyIn: this.db
        .prepare<[string, string], string>(
          'SELECT meta.id FROM docs JOIN meta ON meta.rowid = docs.rowid WHERE docs MATCH ? AND meta.state = ? ORDER BY meta.time DESC, meta.id DESC',
        )
        .pluck(),
      size: this.db.prepare<[], number>('SELECT count(*) FROM meta').pluck(),
    };
  }

  put(doc: TextDoc): void {
    this.db.transaction(() => {
      this.remove(doc.id);
      const { lastInsertRowid } = this.stmt.addMeta.run(doc.id, doc.state, doc.time);
      this.stmt.addDoc.run(lastInsertRowid, doc.title.join(' '), doc.body.join(' '), doc.label.join(' '));
    })();
  }

  remove(id: string): void {
    const rowid = this.stmt.rowid.get(id);
    if (rowid === undefined) return;
    this.stmt.dropDoc.run(rowid);
    this.stmt.dropMeta.run(rowid);
  }

  best(words: readonly string[], limit: number): string[] {
    if (words.length === 0) return [];
    return this.stmt.best.all(query(words, 'OR'), limit);
  }

  every(words: readonly string[], state?: string): string[] {
    if (words.length === 0) return [];
    const q = query(words, 'AND');
    return state === undefined ? this.stmt.every.all(q) : this.stmt.everyIn.all(q, state);
  }

  size(): number {
    return this.stmt.size.get() ?? 0;
  }

  /** Bytes the in-memory database holds (its pages): the index's memory, outside the JS heap. */
  bytes(): number {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const size = this.db.pragma('page_size', { simple: true }) as number;
    return pages * size;
  }

  clear(): void {
    this.db.exec('DELETE FROM docs; DELETE FROM meta;');
  }

  close(): void {
    this.db.close();
  }
}

/** An FTS5 query of the words, each a quoted string (a quote inside is doubled, as FTS5 wants). */
function query(words: readonly string[], join: 'AND' | 'OR'): string {
  return [...new Set(words)].map((w) => `"${w.replace(/"/g, '""')}"`).join(` ${join} `);
}
