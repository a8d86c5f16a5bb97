/**
 * The search index after a start, on a SQLite file of 100,000 asks (each with two replies, its
 * question from the labelled set): how long the first search waits while the index is rebuilt
 * from the store (`AskSearch.warm`, into SQLite FTS5 as feelers runs it), against the same on
 * 1,000 asks in this run (the baseline, and the ratio per ask); then searches through the whole
 * path a user's `/feelers search` takes (catch up on the change feed, the index, the asks and
 * their replies read back from the store), p50 and p99 over the labelled set's new asks.
 *
 * A start itself does not wait for the index (it is built on first use; test/core/start.test.ts
 * counts a start's reads, and they do not grow with the asks): what this costs is the first
 * search's wait, once per process.
 *
 * Target: the full search path p99 < 20 ms with 100,000 asks.
 *
 * Run: npx tsx bench/search-rebuild.ts [asks]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Ask, Reply } from '../src/core/model.js';
import { Repo } from '../src/core/repo.js';
import { AskSearch } from '../src/core/search-index.js';
import { DAY_MS } from '../src/ports/clock.js';
import { silentLogger } from '../src/ports/logger.js';
import { Fts5TextIndex } from '../src/store/fts5-text-index.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { labelledSet } from '../test/support/search-candidates.js';
import { check, int, percentile, result } from './measure.js';

const ASKS = Number(process.argv[2] ?? 100_000);
const BASELINE = 1_000;
const TARGET_MS = 20;
const set = labelledSet();
const START = Date.UTC(2025, 0, 1);

function askAt(i: number): Ask {
  const community = `C${i % 40}`;
  return {
    id: `search-ask-${String(i).padStart(7, '0')}`,
    text: set.earlier[i % set.earlier.length] ?? '',
    topics: [],
    asker: { network: 'slack', community, user: `U${i % 5_000}`, name: `Asker ${i % 5_000}`, communityName: `Community ${community}` },
    origin: { network: 'slack', community, channel: 'general' },
    createdAt: START + i * 60_000,
    expiresAt: START + i * 60_000 + 14 * DAY_MS,
    state: 'closed',
    closedAt: START + i * 60_000 + DAY_MS,
  };
}

function replyTo(ask: Ask, n: number): Reply {
  const other = set.duplicates[(Number(ask.id.slice(-7)) + n) % set.duplicates.length]?.text ?? '';
  return {
    id: `${ask.id}-r${n}`,
    askId: ask.id,
    author: { network: 'discord', community: 'G1', user: `P${n}`, name: `Helper ${n}`, communityName: 'Guild' },
    text: `We tried this last year. ${other} Happy to share our notes and templates.`,
    source: 'copy-thread',
    at: ask.createdAt + 3_600_000,
  };
}

async function filled(n: number): Promise<{ store: SqliteStore; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'feelers-search-rebuild-'));
  const store = new SqliteStore(join(dir, 'feelers.sqlite'));
  const repo = new Repo(store);
  for (let i = 0; i < n; i += 1_000) {
    const b = repo.batch();
    for (let j = i; j < Math.min(n, i + 1_000); j++) {
      const ask = askAt(j);
      await b.repo.openAsk(ask);
      await b.repo.asks.refile(ask);
      for (const k of [0, 1]) await b.repo.addReply(replyTo(ask, k));
    }
    await b.commit();
  }
  return { store, dir };
}

async function measure(n: number): Promise<{ buildMs: number; p50: number; p99: number; found: number }> {
  const { store, dir } = await filled(n);
  try {
    const index = new Fts5TextIndex();
    const search = new AskSearch(new Repo(store), index, silentLogger);
    const t0 = performance.now();
    await search.warm();
    const buildMs = performance.now() - t0;
    const ms: number[] = [];
    let found = 0;
    const queries = [...set.duplicates.map((d) => d.text), ...set.distractors];
    for (let round = 0; round < 2; round++) {
      for (const q of queries) {
        const t = performance.now();
        found += (await search.find(q, { limit: 5 })).length;
        ms.push(performance.now() - t);
      }
    }
    ms.sort((a, b) => a - b);
    check(`the index holds every ask (${int(n)})`, index.size() === n, `${int(index.size())} indexed`);
    index.close();
    return { buildMs, p50: percentile(ms, 50), p99: percentile(ms, 99), found };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const base = await measure(BASELINE);
const full = await measure(ASKS);
result(`search rebuild after a start: ${int(BASELINE)} asks (baseline)`, `${(base.buildMs / 1000).toFixed(2)} s`, 'info');
result(
  `search rebuild after a start: ${int(ASKS)} asks`,
  `${(full.buildMs / 1000).toFixed(1)} s (${((full.buildMs / ASKS / (base.buildMs / BASELINE)) * 100).toFixed(0)}% of the baseline's time per ask)`,
  'info',
);
result(
  `search, full path on SQLite: ${int(BASELINE)} asks (baseline)`,
  `p99 ${base.p99.toFixed(2)} ms (p50 ${base.p50.toFixed(2)})`,
  'info',
);
result(
  `search, full path on SQLite: ${int(ASKS)} asks`,
  `p99 ${full.p99.toFixed(2)} ms (p50 ${full.p50.toFixed(2)}; ${(full.p99 / base.p99).toFixed(2)}x the baseline)`,
  `p99 < ${TARGET_MS} ms`,
  full.p99 < TARGET_MS,
);
check('searches found results', full.found > 0, `${int(full.found)} results`);
