/**
 * A floor under search quality, on the labelled set of duplicate questions (bench/search-set):
 * what feelers runs (SQLite FTS5 behind the text index port, the same words, `SIMILAR_AT`) must
 * keep finding the earlier duplicate among its first three results, and keep its "similar
 * question" prompt mostly right. bench/search-quality.ts prints the full figures.
 */
import { describe, expect, it } from 'vitest';
import { likeness, rarity, searchTerms, SIMILAR_AT } from '../../src/core/search-text.js';
import { feelersFts5, labelledSet } from '../support/search-candidates.js';

describe('search quality on the labelled set', () => {
  it('finds at least 3 in 5 duplicates in the first three results, and prompts right at least 3 times in 5', () => {
    const set = labelledSet();
    const index = feelersFts5();
    set.earlier.forEach((t, i) => index.add(i, t));
    const earlier = set.earlier.map((t) => searchTerms(t));
    const df = new Map<string, number>();
    for (const t of earlier) for (const w of new Set(t)) df.set(w, (df.get(w) ?? 0) + 1);
    const weight = (w: string): number => rarity(earlier.length, df.get(w) ?? 0);

    let found = 0;
    let shown = 0;
    let right = 0;
    const asks = [...set.duplicates, ...set.distractors.map((text) => ({ text, answer: -1 }))];
    for (const q of asks) {
      const top = index.search(q.text, 3);
      if (top.includes(q.answer)) found++;
      const best = top
        .map((i) => ({ i, like: likeness(searchTerms(q.text), earlier[i] ?? [], weight) }))
        .sort((a, b) => b.like - a.like)[0];
      if (best && best.like >= SIMILAR_AT) {
        shown++;
        if (best.i === q.answer) right++;
      }
    }
    index.dispose?.();
    expect(found / set.duplicates.length).toBeGreaterThanOrEqual(0.6);
    expect(shown).toBeGreaterThan(20);
    expect(right / shown).toBeGreaterThanOrEqual(0.6);
  });
});
