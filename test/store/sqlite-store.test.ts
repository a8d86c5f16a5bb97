import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../support/manual-clock.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { runBatchCrashContract, runStoreContract } from '../support/contracts/store-contract.js';

const root = mkdtempSync(join(tmpdir(), 'feelers-store-sqlite-'));
let n = 0;
const freshFile = (): string => join(root, `case-${++n}`, 'feelers.sqlite');

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

runStoreContract('sqlite', async (clock) => new SqliteStore(freshFile(), { clock }));
runBatchCrashContract('sqlite', async () => ({ url: `sqlite://${freshFile()}` }));

describe('SqliteStore on a file', () => {
  let clock: ManualClock;
  let file: string;
  const open: SqliteStore[] = [];
  const openStore = (): SqliteStore => {
    const s = new SqliteStore(file, { clock });
    open.push(s);
    return s;
  };

  beforeEach(() => {
    clock = new ManualClock();
    file = freshFile();
  });

  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  it('keeps everything across close and reopen', async () => {
    const first = openStore();
    await first.set('doc', { nested: ['x', { y: 1 }] });
    await first.set('ttl', 'short', 1_000);
    await first.acquire('lease', 'a', 60_000);
    await first.incr('count', 60_000, 7);
    await first.setAdd('set', 'm1', 'm2');
    await first.close();

    const again = openStore();
    expect(await again.get('doc')).toEqual({ nested: ['x', { y: 1 }] });
    expect(await again.get('ttl')).toBe('short');
    expect(await again.acquire('lease', 'b', 60_000)).toBe(false);
    expect(await again.incr('count', 60_000)).toBe(8);
    expect((await again.setMembers('set')).sort()).toEqual(['m1', 'm2']);
    clock.advance(1_000);
    expect(await again.get('ttl')).toBeUndefined();
  });

  it('leaves no byte of a deleted or overwritten document in the file (forget-me means gone)', async () => {
    const first = openStore();
    await first.set('person:x', { contact: 'reach-me-at-secret-4417@example.org'.repeat(20) });
    await first.set('person:y', { contact: 'old-contact-8812@example.org'.repeat(20) });
    await first.delete('person:x');
    await first.set('person:y', { contact: 'new' });
    await first.close();
    const bytes = ['', '-wal'].map((suffix) => (existsSync(file + suffix) ? readFileSync(file + suffix).toString('latin1') : '')).join('');
    expect(bytes).not.toContain('reach-me-at-secret-4417');
    expect(bytes).not.toContain('old-contact-8812');
  });

  it('lets a second store on the same file see the first one’s writes', async () => {
    const a = openStore();
    const b = openStore();
    await a.set('doc', { from: 'a' });
    await a.setAdd('set', 'from-a');
    expect(await b.get('doc')).toEqual({ from: 'a' });
    expect(await b.setHas('set', 'from-a')).toBe(true);
    expect(await a.acquire('lease', 'a', 60_000)).toBe(true);
    expect(await b.acquire('lease', 'b', 60_000)).toBe(false);
    await b.release('lease', 'a');
    expect(await a.acquire('lease', 'c', 60_000)).toBe(true);
    expect(await b.delete('doc')).toBe(true);
    expect(await a.get('doc')).toBeUndefined();
  });

  it('gives a key to exactly one of 50 callers racing through two stores on one file', async () => {
    const stores = [openStore(), openStore()] as const;
    const won = await Promise.all(Array.from({ length: 50 }, (_, i) => turn(stores, i).acquire('lock', `owner-${i}`, 60_000)));
    expect(won.filter((w) => w === true)).toHaveLength(1);
  });

  it('counts increments from two stores on one file together', async () => {
    const stores = [openStore(), openStore()] as const;
    await Promise.all(Array.from({ length: 100 }, (_, i) => turn(stores, i).incr('c', 60_000)));
    expect(await stores[0]?.incr('c', 60_000)).toBe(101);
  });

  it('creates the missing folders and uses WAL', async () => {
    const s = openStore();
    await s.ping();
    const raw = new BetterSqlite3(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  it('sweeps expired leases, counters and documents nobody reads again', async () => {
    const s = openStore();
    await s.acquire('dedupe:1', 'event-1', 1_000);
    await s.incr('count', 1_000);
    await s.set('ttl', 'x', 1_000);
    await s.set('keep', 'y');
    const rows = (): number[] => {
      const raw = new BetterSqlite3(file, { readonly: true });
      try {
        return ['leases', 'counters', 'kv'].map((t) => raw.prepare<[], number>(`SELECT count(*) FROM ${t}`).pluck().get() ?? -1);
      } finally {
        raw.close();
      }
    };
    expect(rows()).toEqual([1, 1, 2]);
    clock.advance(60_000);
    await s.setAdd('unrelated', 'write-triggers-the-sweep');
    expect(rows()).toEqual([0, 0, 1]);
  });
});

describe('SqliteStore shared by two processes', () => {
  it('gives each lease to exactly one process and loses no increment or member', async () => {
    const file = freshFile();
    const keys = 300;
    // Create the tables first so the children race on the operations, not on the schema.
    await new SqliteStore(file).close();
    const children = ['p1', 'p2'].map((owner) =>
      fork(fileURLToPath(new URL('./sqlite-race-child.ts', import.meta.url)), [file, owner, String(keys)], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    // A child that dies before it is ready (e.g. tsx missing) fails the test instead of hanging it.
    const ready = children.map(
      (c) =>
        new Promise<void>((res, rej) => {
          c.once('message', () => res());
          c.once('exit', (code) => rej(new Error(`race child exited with ${code} before starting`)));
        }),
    );
    const results = children.map(
      (c) =>
        new Promise<RaceResult>((res, rej) => {
          c.on('message', (m: unknown) => {
            if (isRaceResult(m)) res(m);
          });
          c.once('exit', (code) => rej(new Error(`race child exited with ${code}`)));
        }),
    );
    await Promise.all(ready);
    for (const c of children) c.send('go');
    const [r1, r2] = await Promise.all(results);
    if (r1 === undefined || r2 === undefined) throw new Error('missing race result');

    const winners = [...r1.won, ...r2.won].sort((x, y) => x - y);
    expect(winners).toEqual(Array.from({ length: keys }, (_, i) => i));
    const counts = [...r1.counts, ...r2.counts].sort((x, y) => x - y);
    expect(counts).toEqual(Array.from({ length: 2 * keys }, (_, i) => i + 1));
    const check = new SqliteStore(file);
    try {
      expect(await check.setSize('race:set')).toBe(2 * keys);
    } finally {
      await check.close();
    }
  });
});

interface RaceResult {
  won: number[];
  counts: number[];
}

function isRaceResult(m: unknown): m is RaceResult {
  return typeof m === 'object' && m !== null && 'won' in m && 'counts' in m;
}

/** The i-th caller's connection: the two take turns. */
function turn<T>(pair: readonly [T, T], i: number): T {
  return i % 2 === 0 ? pair[0] : pair[1];
}
