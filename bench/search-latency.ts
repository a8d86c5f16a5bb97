/**
 * Search latency and index memory with 100,000 stored asks, for each library (SQLite FTS5 in
 * memory, MiniSearch, FlexSearch, all given the same words), and for feelers' own text indexes
 * (FTS5 and MiniSearch behind the port, common words left out of the query). Each ask is a question and three
 * replies (about 80 words in all), made from the labelled set's words by a seeded generator,
 * so the vocabulary and the word frequencies look like the communities' own. The 326 new asks
 * of the labelled set are the queries, run 3,000 times in all (5 results each); p50 and p99 in
 * ms. Memory: the JS heap after a full GC, and the process's RSS (FTS5 keeps its index outside
 * the heap), each less the same reading before the index was built. The time to build each
 * index (what a start that rebuilds it would pay) is printed too. The baseline, in the same run:
 * a scan of every ask's text for the query's words, as the console did before the index.
 *
 * Target: p99 < 20 ms with 100,000 asks for what feelers runs (SQLite FTS5, common words out of
 * the query: `telling` in search-text.ts).
 *
 * Run: node --expose-gc --import tsx bench/search-latency.ts [asks] [queries]
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { mulberry32 } from '../test/support/prng.js';
import { CANDIDATES, labelledSet, type Candidate } from '../test/support/search-candidates.js';
import { int, percentile, result } from './measure.js';

const ASKS = Number(process.argv[2] ?? 100_000);
const QUERIES = Number(process.argv[3] ?? 3_000);
/** Only the candidates whose name contains this (each in a process of its own gives clean memory figures). */
const ONLY = process.argv[4] ?? '';
const TARGET_MS = 20;
/** A scan of 100,000 asks takes a few hundred ms: a sample of queries is enough for its figure. */
const BASELINE_QUERIES = 60;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const set = labelledSet();
const vocabulary = [
  ...new Set([...set.earlier, ...set.duplicates.map((d) => d.text)].flatMap((t) => t.toLowerCase().split(/[^a-z0-9]+/))),
].filter((w) => w.length > 1);
const queries = [...set.duplicates.map((d) => d.text), ...set.distractors];

/** Content words that are not in the set: the long tail every community's own jargon adds. */
const TAIL = 50_000;
const FILLER = ['the', 'and', 'we', 'it', 'is', 'to', 'of', 'a', 'in', 'for', 'that', 'our', 'with', 'was', 'they'];

/** A rank drawn with Zipf's law (about 1/rank), as words are in real text. */
function zipf(rnd: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(Math.exp(rnd() * Math.log(n + 1)) - 1));
}

function askText(i: number, rnd: () => number): string {
  // A real question, then three replies of 15 to 45 words: about half filler, a third the set's
  // own words, the rest the long tail, each drawn by Zipf's law.
  const words: string[] = [set.earlier[i % set.earlier.length] ?? ''];
  for (let r = 0; r < 3; r++) {
    const n = 15 + Math.floor(rnd() * 30);
    for (let w = 0; w < n; w++) {
      const x = rnd();
      if (x < 0.45) words.push(FILLER[Math.floor(rnd() * FILLER.length)] ?? '');
      else if (x < 0.8) words.push(vocabulary[zipf(rnd, vocabulary.length)] ?? '');
      else words.push(`w${zipf(rnd, TAIL)}`);
    }
  }
  return words.join(' ');
}

function memory(): { heap: number; rss: number } {
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

function timeQueries(search: (q: string) => unknown, count = QUERIES): { p50: number; p99: number } {
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const q = queries[i % queries.length] ?? '';
    const t0 = performance.now();
    search(q);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

const rnd = mulberry32(13);
const texts = Array.from({ length: ASKS }, (_, i) => askText(i, rnd));
console.log(`${int(ASKS)} asks, ${int(vocabulary.length)} distinct words drawn on, ${int(QUERIES)} queries`);

// Baseline: every ask's text scanned for the query's words (lower-cased), the top 5 by how many;
// on a sample of the queries (a scan of 100,000 asks is slow enough that more runs add only time).
function baseline(): number {
  const lower = texts.map((t) => t.toLowerCase());
  const base = timeQueries((q) => {
    const words = q
      .toLowerCase()
      .split(/\W+/)
      .filter((w) => w.length > 2);
    const hits: { i: number; n: number }[] = [];
    lower.forEach((t, i) => {
      const n = words.filter((w) => t.includes(w)).length;
      if (n) hits.push({ i, n });
    });
    return hits.sort((a, b) => b.n - a.n).slice(0, 5);
  }, BASELINE_QUERIES);
  result(`search latency: baseline scan of ${int(ASKS)} asks: p99`, `${base.p99.toFixed(1)} ms (p50 ${base.p50.toFixed(1)})`, 'info');
  return base.p99;
}

const baseP99 = baseline();
for (const make of CANDIDATES) {
  if (ONLY && !make.name.toLowerCase().includes(ONLY.toLowerCase())) continue;
  const before = memory();
  const t0 = performance.now();
  let c: Candidate | undefined = make();
  texts.forEach((t, i) => c?.add(i, t));
  const built = performance.now() - t0;
  const after = memory();
  const { p50, p99 } = timeQueries((q) => c?.search(q, 5));
  const chosen = c.name.startsWith('feelers: SQLite FTS5');
  result(
    `search latency: ${c.name}: p99 with ${int(ASKS)} asks`,
    `${p99.toFixed(2)} ms (p50 ${p50.toFixed(2)})`,
    chosen ? `< ${TARGET_MS} ms` : 'info',
    chosen ? p99 < TARGET_MS : undefined,
  );
  result(`search latency: ${c.name}: p99 / baseline p99`, `${(p99 / baseP99).toFixed(3)}x`, 'info');
  result(
    `search memory: ${c.name}: index of ${int(ASKS)} asks`,
    `heap ${int((after.heap - before.heap) / 2 ** 20)} MiB, rss ${int((after.rss - before.rss) / 2 ** 20)} MiB${c.bytes ? `, SQLite pages ${int(c.bytes() / 2 ** 20)} MiB` : ''}`,
    'info',
  );
  result(`search build: ${c.name}: ${int(ASKS)} asks indexed`, `${(built / 1000).toFixed(1)} s`, 'info');
  c.dispose?.();
  c = undefined;
}
