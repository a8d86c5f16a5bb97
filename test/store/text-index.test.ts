/**
 * The text index contract (src/ports/text-index.ts), run against both implementations: SQLite
 * FTS5 (what feelers runs) and MiniSearch (the in-memory twin tests use).
 */
import { describe, expect, it } from 'vitest';
import { MiniSearchTextIndex } from '../../src/core/minisearch-text-index.js';
import { searchTerms } from '../../src/core/search-text.js';
import type { TextDoc, TextIndex } from '../../src/ports/text-index.js';
import { Fts5TextIndex } from '../../src/store/fts5-text-index.js';

const w = (text: string): string[] => searchTerms(text);

function doc(id: string, title: string, body = '', over: Partial<TextDoc> = {}): TextDoc {
  return { id, title: w(title), body: w(body), label: w('TrainingZone'), state: 'closed', time: Number(id.replace(/\D/g, '')), ...over };
}

describe.each([
  ['fts5', () => new Fts5TextIndex()],
  ['minisearch', () => new MiniSearchTextIndex()],
] as const)('text index: %s', (_kind, make) => {
  function filled(): TextIndex {
    const index = make();
    index.put(doc('a1', 'How do you run exit interviews?', 'Use someone outside the line.'));
    index.put(doc('a2', 'Which LMS for 500 people?', 'We picked an open-source one after exit interviews with vendors.'));
    index.put(doc('a3', 'Icebreakers for a team offsite?', 'Two truths and a lie.', { state: 'open' }));
    return index;
  }

  it('ranks a match in the title above one in the body, and finds any of the words', () => {
    const index = filled();
    expect(index.best(w('exit interviews'), 5)).toEqual(['a1', 'a2']);
    expect(index.best(w('offsite lms'), 5).sort()).toEqual(['a2', 'a3']);
    expect(index.best(w('exit interviews'), 1)).toEqual(['a1']);
    expect(index.best(w('zanzibar'), 5)).toEqual([]);
    expect(index.best([], 5)).toEqual([]);
  });

  it('finds only documents with every word, by state, newest first', () => {
    const index = filled();
    expect(index.every(w('exit interviews'))).toEqual(['a2', 'a1']);
    expect(index.every(w('exit vendors'))).toEqual(['a2']);
    expect(index.every(w('TrainingZone'), 'open')).toEqual(['a3']);
    expect(index.every(w('TrainingZone'), 'expired')).toEqual([]);
    expect(index.every([])).toEqual([]);
  });

  it('replaces a document put again, and forgets one removed', () => {
    const index = filled();
    index.put(doc('a1', 'How do you run stay interviews?'));
    expect(index.every(w('exit'))).toEqual(['a2']);
    expect(index.every(w('stay'))).toEqual(['a1']);
    expect(index.size()).toBe(3);
    index.remove('a2');
    index.remove('nothing');
    expect(index.best(w('vendors'), 5)).toEqual([]);
    expect(index.size()).toBe(2);
    index.clear();
    expect(index.size()).toBe(0);
    expect(index.best(w('stay'), 5)).toEqual([]);
  });

  it('takes words that look like query syntax as words', () => {
    const index = make();
    index.put({ ...doc('a1', ''), title: ['or', 'near', 'and', 'not', 'x"y', '*'] });
    for (const word of ['or', 'near', 'not', 'x"y', '*']) expect(() => index.best([word], 5)).not.toThrow();
    expect(index.best(['near'], 5)).toEqual(['a1']);
    expect(index.every(['or', 'and'])).toEqual(['a1']);
  });
});
