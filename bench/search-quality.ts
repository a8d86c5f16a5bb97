/**
 * Search quality on the labelled set of duplicate questions (bench/search-set: 206 pairs of an earlier
 * ask and a new ask wanting the same answer, 60 earlier asks nobody repeats, 60 new asks with no
 * earlier duplicate; written for feelers, CC0). For each library (MiniSearch, FlexSearch, SQLite
 * FTS5, all given the same words): recall@1 and recall@3 (the earlier duplicate among the first
 * 1 or 3 results of the new ask), and the "similar question" prompt at the chosen threshold
 * (`SIMILAR_AT`: of the first 3 results, the one most alike to the new ask is shown when its
 * likeness reaches it, as search-first.ts does): its
 * precision (prompts showing the right earlier ask / all prompts, distractors included) and its
 * recall (duplicates prompted with the right ask / all duplicates). The baseline, in the same
 * run: no library, every earlier ask ranked by likeness alone. A sweep of thresholds for the
 * chosen library is printed for information.
 *
 * Targets (a floor against regressions, not an ambition: the pairs are rephrased on purpose, and a
 * word-based search cannot see that "layoffs" and "redundancies" are one thing without the synonyms):
 * recall@3 >= 0.6 and prompt precision >= 0.6 for what feelers runs (SQLite FTS5 behind the text
 * index port).
 *
 * Run: npx tsx bench/search-quality.ts
 */
import { likeness, rarity, searchTerms, SIMILAR_AT } from '../src/core/search-text.js';
import { CANDIDATES, labelledSet, type Candidate } from '../test/support/search-candidates.js';
import { result } from './measure.js';

const set = labelledSet();
/** What feelers runs. */
const CHOSEN = 'feelers: SQLite FTS5 (bm25), common words out of the query';
const earlierTerms = set.earlier.map((t) => searchTerms(t));
const df = new Map<string, number>();
for (const t of earlierTerms) for (const w of new Set(t)) df.set(w, (df.get(w) ?? 0) + 1);
const weight = (w: string): number => rarity(set.earlier.length, df.get(w) ?? 0);

interface Quality {
  readonly name: string;
  readonly r1: number;
  readonly r3: number;
  /** Per new ask: the first result and its likeness, and the right answer (undefined for a distractor). */
  readonly tops: readonly { readonly top: number | undefined; readonly like: number; readonly answer: number | undefined }[];
}

function baseline(): Candidate {
  return {
    name: 'baseline: likeness only, no library',
    add: () => undefined,
    search: (q, k) => {
      const qt = searchTerms(q);
      return earlierTerms
        .map((t, i) => ({ i, s: likeness(qt, t, weight) }))
        .filter((x) => x.s > 0)
        .sort((a, b) => b.s - a.s || a.i - b.i)
        .slice(0, k)
        .map((x) => x.i);
    },
  };
}

function measure(c: Candidate): Quality {
  set.earlier.forEach((t, i) => c.add(i, t));
  let r1 = 0;
  let r3 = 0;
  const tops: { top: number | undefined; like: number; answer: number | undefined }[] = [];
  const queries = [...set.duplicates, ...set.distractors.map((text) => ({ text, answer: undefined }))];
  for (const q of queries) {
    const found = c.search(q.text, 3);
    if (q.answer !== undefined) {
      if (found[0] === q.answer) r1++;
      if (found.includes(q.answer)) r3++;
    }
    // As the prompt picks (search-first.ts): of the first 3, the question most alike.
    const scored = found.map((i) => ({ i, like: likeness(searchTerms(q.text), earlierTerms[i] ?? [], weight) }));
    const best = scored.sort((a, b) => b.like - a.like)[0];
    tops.push({ top: best?.i, like: best?.like ?? 0, answer: q.answer });
  }
  c.dispose?.();
  return { name: c.name, r1: r1 / set.duplicates.length, r3: r3 / set.duplicates.length, tops };
}

function prompt(q: Quality, at: number): { precision: number; recall: number; shown: number } {
  const shown = q.tops.filter((t) => t.top !== undefined && t.like >= at);
  const right = shown.filter((t) => t.answer !== undefined && t.top === t.answer).length;
  return { precision: shown.length ? right / shown.length : 1, recall: right / set.duplicates.length, shown: shown.length };
}

const f = (n: number): string => n.toFixed(3);
console.log(
  `labelled set: ${set.duplicates.length} duplicate pairs, ${set.earlier.length} earlier asks, ${set.distractors.length} distractors`,
);
const base = measure(baseline());
const plain = (t: string): string[] => searchTerms(t, false);
const results = [...CANDIDATES.map((make) => measure(make())), ...CANDIDATES.map((make) => measure(make(plain)))];
for (const q of [base, ...results]) {
  const p = prompt(q, SIMILAR_AT);
  const chosen = q.name === CHOSEN;
  result(`search quality: ${q.name}: recall@1`, f(q.r1), 'info');
  result(`search quality: ${q.name}: recall@3`, f(q.r3), chosen ? '>= 0.6' : 'info', chosen ? q.r3 >= 0.6 : undefined);
  result(
    `search quality: ${q.name}: prompt precision at likeness ${SIMILAR_AT} (${p.shown} shown)`,
    f(p.precision),
    chosen ? '>= 0.6' : 'info',
    chosen ? p.precision >= 0.6 : undefined,
  );
  result(`search quality: ${q.name}: prompt recall at likeness ${SIMILAR_AT}`, f(p.recall), 'info');
}
const mini = results.find((q) => q.name === CHOSEN);
if (mini) {
  result('search quality: feelers recall@3 / baseline recall@3', `${f(mini.r3 / base.r3)}x`, 'info');
  console.log('\nthreshold sweep (feelers, FTS5): likeness, prompts shown, precision, recall');
  for (let at = 0.2; at <= 0.81; at += 0.05) {
    const p = prompt(mini, at);
    console.log(`  ${at.toFixed(2)}  ${String(p.shown).padStart(3)}  ${f(p.precision)}  ${f(p.recall)}`);
  }
}
