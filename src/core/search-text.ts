import { stemmer } from 'stemmer';
import { canonicalStem } from './search-synonyms.js';

/**
 * Words that say how something is asked, not what: a question's "how do you" or "any tips for"
 * must not make two unrelated asks look alike, nor rank one above the other.
 */
const STOPWORDS = new Set(
  (
    'a about after all also am an and any anyone are as at be been best but by can could did do does doing done ' +
    'for from get getting good got had has have having help how i if in into is it its just like looking make ' +
    'me more most my of on or our out over please recommend recommendations should so some someone tips than that ' +
    'the their them then there these they this those to tried us use used using was way ways we were what whats ' +
    'when where which who why will with without work would you your yours ideas advice anybody know really ' +
    'there s t re ve d ll m question questions ask asking answer thanks hi hello anyone'
  ).split(' '),
);

/** Words two questions must share before they are alike at all. */
const MIN_SHARED = 2;

/** Longest word kept: past it, a "word" is a link, a hash or a pasted blob, and only costs memory. */
const MAX_WORD = 40;

/**
 * The index's words of a text: lower-cased, accents folded, split on anything not a letter or a
 * digit (a hyphen inside a word joins it: e-learning is elearning), stop words dropped, each stemmed (Porter, so "onboarding", "onboarded" and "onboard" are
 * one word), then folded onto its group of synonyms (search-synonyms.ts) unless `synonyms` is
 * false. Markup is not words: `<@U123>` or `**bold**` leave only their letters and digits.
 */
export function searchTerms(text: string, synonyms = true): string[] {
  const out: string[] = [];
  for (const raw of text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}-]+|(?<!\p{L})-|-(?!\p{L})/u)) {
    if (raw.length < 2 || raw.length > MAX_WORD || STOPWORDS.has(raw)) continue;
    const stem = stemmer(raw.replace(/-/g, ''));
    out.push(synonyms ? canonicalStem(stem) : stem);
  }
  return out;
}

/**
 * How alike two questions are, 0 to 1: the Dice coefficient of their sets of index words, each
 * word counted by its `weight` (see `rarity`). What
 * decides whether the closest earlier ask is shown before asking (BM25 scores rank, but do not
 * compare between two searches).
 */
export function likeness(a: readonly string[], b: readonly string[], weight: (term: string) => number = () => 1): number {
  const sa = new Set(a);
  const sb = new Set(b);
  let shared = 0;
  let words = 0;
  let all = 0;
  for (const t of sa) {
    const w = weight(t);
    all += w;
    if (sb.has(t)) {
      shared += 2 * w;
      words++;
    }
  }
  for (const t of sb) all += weight(t);
  // One word in common is a topic, not a question: "an old question" is not "a recent question".
  return all === 0 || words < MIN_SHARED ? 0 : shared / all;
}

/**
 * A word's weight in `likeness`: its inverse document frequency among `docs` documents, so a
 * word most asks share ("team", "manager") counts for less than one few do ("layoffs").
 */
export function rarity(docs: number, docsWith: number): number {
  return Math.log(1 + docs / Math.max(1, docsWith));
}

/**
 * The likeness from which the closest earlier ask is shown before a question goes out. Chosen on
 * the labelled set (bench/search-quality.ts prints the sweep): below it, most prompts would show
 * the wrong ask; above it, hardly any repeat would be caught. At 0.5 about two prompts in three
 * show the very question repeated (most others a related one); a wrong one costs the asker one
 * press of Ask anyway, a missed one only what asking costs today.
 */
export const SIMILAR_AT = 0.5;

/** A word in more than this share of asks is common: it tells little and costs the most to score. */
const COMMON_SHARE = 0.02;
/** ... but never below this many asks: in a small index every word is worth scoring. */
const COMMON_FLOOR = 1_000;
/** Words of a query always kept, the rarest first, however common they are: a query of common words only still finds something. */
const KEEP_AT_LEAST = 1;

/**
 * The words of a query worth searching by: those fewer than `COMMON_SHARE` of the `docs` asks
 * have (`docsWith`), and at least the rarest. A search over 100,000 asks scores
 * every ask that has any of its words; a word most replies use ("team", "people") would make it
 * score most of them, for almost nothing in BM25 (its inverse document frequency is near zero).
 */
export function telling(words: readonly string[], docsWith: (word: string) => number, docs: number): string[] {
  const unique = [...new Set(words)];
  const limit = Math.max(COMMON_FLOOR, COMMON_SHARE * docs);
  const rarest = [...unique].sort((a, b) => docsWith(a) - docsWith(b)).slice(0, KEEP_AT_LEAST);
  return unique.filter((w) => docsWith(w) <= limit || rarest.includes(w));
}
