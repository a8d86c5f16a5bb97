/**
 * The console's asks page over 100,000 stored asks on a SQLite file: `operator.asks()` for the
 * first page, a deep page (page 2,000 of 25), and the first page of one state (closed), each
 * called 200 times; p50 and p95 in ms of server time (no HTTP). The same calls on a store of 10
 * asks run first, as the baseline. Target: p95 < 100 ms for each with 100,000 asks ("100,000
 * stored asks render as fast as 10"). A search (`q`, a word nobody wrote: through the search
 * index, whose first call waits for it to be built from the store) is printed for information.
 *
 * The asks are written through the repository (`Repo.openAsk`, and for the finished ones the
 * same save and re-filing as `finish`), not through the whole engine: only the keys and indexes
 * the page reads matter here, and 100,000 engine asks would take minutes of fan-out.
 *
 * Run: npx tsx bench/console-asks.ts [asks] [calls]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../src/core/engine.js';
import type { AskQuery } from '../src/core/operator-api.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { fillStoredAsks } from '../test/support/stored-asks.js';
import { check, int, percentile, result, since } from './measure.js';

const ASKS = Number(process.argv[2] ?? 100_000);
const CALLS = Number(process.argv[3] ?? 200);
const BASELINE = 10;
const TARGET_MS = 100;
const PER_PAGE = 25;
const DEEP_PAGE = Math.max(1, Math.floor((ASKS * 0.5) / PER_PAGE));

interface Figures {
  readonly p50: number;
  readonly p95: number;
}

async function time(engine: Engine, query: AskQuery, calls: number, expect: (n: number) => boolean): Promise<Figures> {
  const ms: number[] = [];
  let wrong = 0;
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    const page = await engine.operator.asks(query);
    ms.push(performance.now() - t0);
    if (!expect(page.asks.length)) wrong++;
  }
  check(`${JSON.stringify(query)} returns full pages`, wrong === 0, `${wrong} of ${calls} wrong`);
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

async function measureStore(n: number): Promise<Record<string, Figures>> {
  const dir = mkdtempSync(join(tmpdir(), 'feelers-console-'));
  const store = new SqliteStore(join(dir, 'console.sqlite'));
  try {
    const engine = new Engine({ store, adapters: [] });
    const started = performance.now();
    const closed = await fillStoredAsks(engine.ctx.repo, n);
    console.log(`  ${int(n)} asks (${int(closed)} closed) written in ${since(started).toFixed(1)} s`);
    const total = (await engine.operator.asks({})).total;
    check(`all ${int(n)} asks listed`, total === n, `total ${int(total)}`);
    const full = (k: number) => (m: number) => m === Math.min(PER_PAGE, k);
    const deepLeft = Math.max(0, n - (DEEP_PAGE - 1) * PER_PAGE);
    const figures = {
      first: await time(engine, { page: 1 }, CALLS, full(n)),
      deep: await time(engine, { page: DEEP_PAGE }, CALLS, full(deepLeft)),
      closed: await time(engine, { state: 'closed', page: 1 }, CALLS, full(closed)),
      search: await time(engine, { q: 'nobody-wrote-this' }, Math.ceil(CALLS / 10), (m) => m === 0),
    };
    await store.close();
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (f: Figures) => `p50 ${f.p50.toFixed(2)} ms, p95 ${f.p95.toFixed(2)} ms`;

console.log(`baseline: ${BASELINE} asks`);
const small = await measureStore(BASELINE);
console.log(`measured: ${int(ASKS)} asks`);
const large = await measureStore(ASKS);

const cases = [
  ['page 1', 'first'],
  [`page ${int(DEEP_PAGE)}`, 'deep'],
  ['closed, page 1', 'closed'],
] as const;
for (const [what, key] of cases) {
  result(`asks ${what}, ${int(BASELINE)} asks (SQLite)`, fmt(small[key] as Figures), 'baseline');
  const f = large[key] as Figures;
  result(`asks ${what}, ${int(ASKS)} asks (SQLite)`, fmt(f), `p95 < ${TARGET_MS} ms`, f.p95 < TARGET_MS);
}
result(`search, no match, ${int(ASKS)} asks (SQLite, bounded scan)`, fmt(large.search as Figures), 'info');
