import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../manual-clock.js';
import type { Store } from '../../../src/ports/store.js';
import { createStore } from '../../../src/store/create-store.js';

/**
 * The behaviour every Store backend shares. A backend's test file calls this with a factory;
 * each test gets a fresh store on a fresh ManualClock, so expiry is driven by `clock.advance`.
 */
export function runStoreContract(name: string, make: (clock: ManualClock) => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let clock: ManualClock;
    let store: Store;

    beforeEach(async () => {
      clock = new ManualClock();
      store = await make(clock);
    });

    afterEach(async () => {
      await store.close();
    });

    describe('documents', () => {
      it('round-trips nested JSON, including strings keyv would otherwise escape', async () => {
        const value = {
          text: 'héllo 👋 <b>&amp;</b>',
          colon: ':starts with a colon',
          base64ish: ':base64:aGk=',
          empty: '',
          n: 42.5,
          neg: -1,
          yes: true,
          none: null,
          list: [1, 'two', { three: [3, [3.5]] }, null],
          deep: { a: { b: { c: { d: 'bottom' } } } },
        };
        await store.set('doc:nested', value);
        expect(await store.get('doc:nested')).toEqual(value);
      });

      it('round-trips top-level scalars and arrays', async () => {
        await store.set('s', 'just text');
        await store.set('n', 0);
        await store.set('f', false);
        await store.set('a', ['x', 1]);
        expect(await store.get('s')).toBe('just text');
        expect(await store.get('n')).toBe(0);
        expect(await store.get('f')).toBe(false);
        expect(await store.get('a')).toEqual(['x', 1]);
      });

      it('reads a missing key as undefined', async () => {
        expect(await store.get('nobody-wrote-this')).toBeUndefined();
      });

      it('keeps a copy: changing the object after set does not change what is stored', async () => {
        const value = { list: ['a'] };
        await store.set('copy', value);
        value.list.push('b');
        const read = await store.get<{ list: string[] }>('copy');
        expect(read).toEqual({ list: ['a'] });
        read?.list.push('c');
        expect(await store.get('copy')).toEqual({ list: ['a'] });
      });

      it('overwrites, and a set without ttl drops the earlier ttl', async () => {
        await store.set('k', 1, 1_000);
        await store.set('k', 2);
        clock.advance(5_000);
        expect(await store.get('k')).toBe(2);
      });

      it('deletes, telling whether a live value was there', async () => {
        await store.set('gone', { x: 1 });
        expect(await store.delete('gone')).toBe(true);
        expect(await store.get('gone')).toBeUndefined();
        expect(await store.delete('gone')).toBe(false);
        expect(await store.delete('never-there')).toBe(false);
      });

      it('expires a document by the injected clock, at exactly its ttl', async () => {
        await store.set('ttl', 'soon gone', 1_000);
        await store.set('forever', 'stays');
        clock.advance(999);
        expect(await store.get('ttl')).toBe('soon gone');
        clock.advance(1);
        expect(await store.get('ttl')).toBeUndefined();
        clock.advance(365 * 24 * 3_600_000);
        expect(await store.get('forever')).toBe('stays');
      });

      it('does not count an expired document as deleted', async () => {
        await store.set('ttl', 1, 10);
        clock.advance(10);
        expect(await store.delete('ttl')).toBe(false);
      });

      it('a new set after expiry is live again', async () => {
        await store.set('k', 'old', 10);
        clock.advance(20);
        await store.set('k', 'new', 10);
        expect(await store.get('k')).toBe('new');
      });
    });

    describe('acquire and release', () => {
      it('gives a key to exactly one of 50 concurrent callers', async () => {
        const owners = Array.from({ length: 50 }, (_, i) => `owner-${i}`);
        const won = await Promise.all(owners.map((o) => store.acquire('lock:tick', o, 60_000)));
        expect(won.filter(Boolean)).toHaveLength(1);
        const winner = owners[won.indexOf(true)] ?? '';
        // The winner really holds it: everyone else is still refused, the winner is not.
        expect(await store.acquire('lock:tick', 'late-comer', 60_000)).toBe(false);
        expect(await store.acquire('lock:tick', winner, 60_000)).toBe(true);
      });

      it('lets the holder re-acquire, which extends the lease', async () => {
        expect(await store.acquire('k', 'a', 1_000)).toBe(true);
        clock.advance(800);
        expect(await store.acquire('k', 'a', 1_000)).toBe(true);
        clock.advance(800); // 1,600 after the first acquire, 800 into the extension
        expect(await store.acquire('k', 'b', 1_000)).toBe(false);
        clock.advance(200);
        expect(await store.acquire('k', 'b', 1_000)).toBe(true);
      });

      it('lets another owner win once the lease ran out, not before', async () => {
        expect(await store.acquire('k', 'a', 1_000)).toBe(true);
        clock.advance(999);
        expect(await store.acquire('k', 'b', 1_000)).toBe(false);
        clock.advance(1);
        expect(await store.acquire('k', 'b', 1_000)).toBe(true);
        expect(await store.acquire('k', 'a', 1_000)).toBe(false);
      });

      it('releases only for the holder', async () => {
        expect(await store.acquire('k', 'a', 60_000)).toBe(true);
        await store.release('k', 'b');
        expect(await store.acquire('k', 'c', 60_000)).toBe(false);
        await store.release('k', 'a');
        expect(await store.acquire('k', 'c', 60_000)).toBe(true);
      });

      it('treats a release of a free key as a no-op', async () => {
        await store.release('free', 'a');
        expect(await store.acquire('free', 'b', 1_000)).toBe(true);
      });

      it('keeps leases apart from documents with the same key', async () => {
        await store.set('shared', 'doc');
        expect(await store.acquire('shared', 'a', 1_000)).toBe(true);
        expect(await store.get('shared')).toBe('doc');
      });
    });

    describe('counters', () => {
      it('counts 100 concurrent increments to exactly 100', async () => {
        const seen = await Promise.all(Array.from({ length: 100 }, () => store.incr('asks:day', 60_000)));
        expect([...seen].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
        expect(await store.incr('asks:day', 60_000)).toBe(101);
      });

      it('adds `by`', async () => {
        expect(await store.incr('c', 1_000, 5)).toBe(5);
        expect(await store.incr('c', 1_000, 3)).toBe(8);
        expect(await store.incr('c', 1_000, -2)).toBe(6);
      });

      it('expires a fixed window after the first increment; later ones do not extend it', async () => {
        expect(await store.incr('c', 1_000)).toBe(1);
        clock.advance(600);
        expect(await store.incr('c', 1_000)).toBe(2);
        clock.advance(399);
        expect(await store.incr('c', 1_000)).toBe(3);
        clock.advance(1);
        expect(await store.incr('c', 1_000)).toBe(1);
        clock.advance(999);
        expect(await store.incr('c', 1_000)).toBe(2);
      });
    });

    describe('sets', () => {
      it('adds, removes, lists, tests and counts members', async () => {
        await store.setAdd('s', 'a', 'b', 'c');
        expect((await store.setMembers('s')).sort()).toEqual(['a', 'b', 'c']);
        expect(await store.setHas('s', 'b')).toBe(true);
        expect(await store.setSize('s')).toBe(3);
        await store.setRemove('s', 'b', 'not-there');
        expect(await store.setHas('s', 'b')).toBe(false);
        expect((await store.setMembers('s')).sort()).toEqual(['a', 'c']);
        expect(await store.setSize('s')).toBe(2);
        await store.setRemove('s', 'a');
        await store.setRemove('s', 'c');
        expect(await store.setMembers('s')).toEqual([]);
        expect(await store.setSize('s')).toBe(0);
      });

      it('reads an unknown set as empty', async () => {
        expect(await store.setMembers('none')).toEqual([]);
        expect(await store.setSize('none')).toBe(0);
        expect(await store.setHas('none', 'x')).toBe(false);
        await store.setRemove('none', 'x');
        await store.setAdd('none');
        expect(await store.setSize('none')).toBe(0);
      });

      it('counts a duplicate once, within one call and across calls', async () => {
        await store.setAdd('d', 'x', 'x', 'y');
        await store.setAdd('d', 'x');
        expect(await store.setSize('d')).toBe(2);
        expect((await store.setMembers('d')).sort()).toEqual(['x', 'y']);
      });

      it('keeps all of 100 concurrent adds of distinct members', async () => {
        const members = Array.from({ length: 100 }, (_, i) => `m${i}`);
        await Promise.all(members.map((m) => store.setAdd('idx', m)));
        expect(await store.setSize('idx')).toBe(100);
        expect((await store.setMembers('idx')).sort()).toEqual([...members].sort());
      });

      it('keeps sets apart from documents with the same key', async () => {
        await store.set('both', ['doc']);
        await store.setAdd('both', 'member');
        expect(await store.get('both')).toEqual(['doc']);
        expect(await store.setMembers('both')).toEqual(['member']);
      });
    });

    describe('ordered indexes', () => {
      const members = (entries: readonly { member: string }[]) => entries.map((e) => e.member);

      it('lists by score, lowest first or highest first, with offset and limit', async () => {
        // Added out of order: the index, not the caller, keeps the order.
        for (const [m, score] of [
          ['c', 30],
          ['a', 10],
          ['e', 50],
          ['b', 20],
          ['d', 40],
        ] as const)
          await store.sortedAdd('idx', m, score);
        expect(await store.sortedRange('idx')).toEqual([
          { member: 'a', score: 10 },
          { member: 'b', score: 20 },
          { member: 'c', score: 30 },
          { member: 'd', score: 40 },
          { member: 'e', score: 50 },
        ]);
        expect(members(await store.sortedRange('idx', { reverse: true }))).toEqual(['e', 'd', 'c', 'b', 'a']);
        expect(members(await store.sortedRange('idx', { offset: 1, limit: 2 }))).toEqual(['b', 'c']);
        expect(members(await store.sortedRange('idx', { offset: 1, limit: 2, reverse: true }))).toEqual(['d', 'c']);
        expect(members(await store.sortedRange('idx', { offset: 3, reverse: true }))).toEqual(['b', 'a']);
        expect(members(await store.sortedRange('idx', { offset: 4, limit: 10 }))).toEqual(['e']);
        expect(await store.sortedRange('idx', { offset: 5, limit: 10 })).toEqual([]);
        expect(await store.sortedRange('idx', { limit: 0 })).toEqual([]);
      });

      it('breaks ties by the member as bytes, in both directions', async () => {
        for (const m of ['b', 'a', 'B', 'ab', '\u{1F511}', '\uFFFD']) await store.sortedAdd('ties', m, 7);
        // Code point order is UTF-8 byte order: U+FFFD before U+1F511, unlike UTF-16 order.
        const ascending = ['B', 'a', 'ab', 'b', '\uFFFD', '\u{1F511}'];
        expect(members(await store.sortedRange('ties'))).toEqual(ascending);
        expect(members(await store.sortedRange('ties', { reverse: true }))).toEqual([...ascending].reverse());
      });

      it('keeps a member once: adding it again moves it to the new score', async () => {
        await store.sortedAdd('idx', 'x', 1);
        await store.sortedAdd('idx', 'y', 2);
        await store.sortedAdd('idx', 'x', 3);
        expect(await store.sortedRange('idx')).toEqual([
          { member: 'y', score: 2 },
          { member: 'x', score: 3 },
        ]);
        expect(await store.sortedCount('idx')).toBe(2);
      });

      it('keeps epoch milliseconds exact', async () => {
        const at = 1_767_225_600_123;
        await store.sortedAdd('times', 'ask', at);
        expect(await store.sortedRange('times')).toEqual([{ member: 'ask', score: at }]);
        expect(await store.sortedCount('times', { min: at, max: at })).toBe(1);
        expect(await store.sortedCount('times', { min: at + 1 })).toBe(0);
      });

      it('removes members, several at once, and ignores ones not there', async () => {
        for (const [i, m] of ['a', 'b', 'c', 'd'].entries()) await store.sortedAdd('idx', m, i);
        await store.sortedRemove('idx', 'b', 'not-there');
        await store.sortedRemove('idx', 'a', 'd');
        await store.sortedRemove('idx');
        expect(members(await store.sortedRange('idx'))).toEqual(['c']);
        await store.sortedRemove('idx', 'c');
        expect(await store.sortedRange('idx')).toEqual([]);
        expect(await store.sortedCount('idx')).toBe(0);
      });

      it('counts members between inclusive bounds, open where a bound is missing', async () => {
        for (let i = 1; i <= 10; i++) await store.sortedAdd('idx', `m${i}`, i * 10);
        expect(await store.sortedCount('idx')).toBe(10);
        expect(await store.sortedCount('idx', { min: 30 })).toBe(8);
        expect(await store.sortedCount('idx', { max: 30 })).toBe(3);
        expect(await store.sortedCount('idx', { min: 30, max: 50 })).toBe(3);
        expect(await store.sortedCount('idx', { min: 31, max: 49 })).toBe(1);
        expect(await store.sortedCount('idx', { min: 60, max: 50 })).toBe(0);
        expect(await store.sortedCount('idx', { min: -5, max: 0 })).toBe(0);
      });

      it('adds up 100 concurrent increments, starting a missing member at 0', async () => {
        const seen = await Promise.all(Array.from({ length: 100 }, () => store.sortedIncr('graph', 'pair', 1)));
        expect([...seen].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
        expect(await store.sortedIncr('graph', 'pair', 2.5)).toBe(102.5);
        expect(await store.sortedIncr('graph', 'other', -1)).toBe(-1);
        expect(members(await store.sortedRange('graph'))).toEqual(['other', 'pair']);
      });

      it('keeps all of 100 concurrent adds, in order', async () => {
        await Promise.all(Array.from({ length: 100 }, (_, i) => store.sortedAdd('idx', `m${String(i).padStart(3, '0')}`, 1000 - i)));
        expect(await store.sortedCount('idx')).toBe(100);
        const listed = members(await store.sortedRange('idx', { reverse: true }));
        expect(listed).toEqual(Array.from({ length: 100 }, (_, i) => `m${String(i).padStart(3, '0')}`));
      });

      it('refuses a score that is not a finite number, and writes nothing', async () => {
        await expect(store.sortedAdd('idx', 'x', Number.NaN)).rejects.toMatchObject({ code: 'store_bad_score' });
        await expect(store.sortedAdd('idx', 'x', Number.POSITIVE_INFINITY)).rejects.toMatchObject({ code: 'store_bad_score' });
        await expect(store.sortedIncr('idx', 'x', Number.NaN)).rejects.toMatchObject({ code: 'store_bad_score' });
        expect(await store.sortedCount('idx')).toBe(0);
      });

      it('reads an unknown index as empty', async () => {
        expect(await store.sortedRange('none', { reverse: true, limit: 5 })).toEqual([]);
        expect(await store.sortedCount('none', { min: 0 })).toBe(0);
      });

      it('keeps indexes apart from sets and documents with the same name', async () => {
        await store.set('both', 'doc');
        await store.setAdd('both', 'in-set');
        await store.sortedAdd('both', 'in-index', 1);
        expect(await store.get('both')).toBe('doc');
        expect(await store.setMembers('both')).toEqual(['in-set']);
        expect(members(await store.sortedRange('both'))).toEqual(['in-index']);
      });

      it('hands out copies: changing what a range returned does not change the index', async () => {
        await store.sortedAdd('idx', 'a', 1);
        const [first] = await store.sortedRange('idx');
        if (first) (first as { score: number }).score = 99;
        expect(await store.sortedRange('idx')).toEqual([{ member: 'a', score: 1 }]);
      });
    });

    describe('keys are exact strings', () => {
      // `_` and `%` are LIKE wildcards in SQL, `:` is keyv's namespace separator, and unicode
      // keys may be normalised or case-folded by a careless backend.
      const keys = [
        'a_b',
        'aXb',
        'a%b',
        'aZZb',
        'a%%b',
        'A_B',
        'a:b',
        'a',
        'a:',
        ':a',
        'keyv:a',
        'a\\_b',
        'ключ',
        '鍵',
        '🔑',
        'caf\u00e9',
        'cafe\u0301',
        "o'brien",
        'a b',
        '',
      ];

      it('documents', async () => {
        for (const [i, k] of keys.entries()) await store.set(k, i);
        for (const [i, k] of keys.entries()) expect(await store.get(k)).toBe(i);
        expect(await store.delete('a_b')).toBe(true);
        expect(await store.get('aXb')).toBe(keys.indexOf('aXb'));
        expect(await store.get('a%b')).toBe(keys.indexOf('a%b'));
      });

      it('leases', async () => {
        for (const k of keys) expect(await store.acquire(k, `owner-of-${k}`, 1_000)).toBe(true);
        await store.release('a%b', 'owner-of-a%b');
        expect(await store.acquire('aXb', 'other', 1_000)).toBe(false);
        expect(await store.acquire('a_b', 'other', 1_000)).toBe(false);
      });

      it('counters', async () => {
        for (const k of keys) expect(await store.incr(k, 1_000)).toBe(1);
      });

      it('ordered indexes and members', async () => {
        for (const [i, k] of keys.entries()) await store.sortedAdd(k, k, i);
        for (const [i, k] of keys.entries()) expect(await store.sortedRange(k)).toEqual([{ member: k, score: i }]);
        await store.sortedRemove('a_b', 'aXb');
        expect(await store.sortedCount('a_b')).toBe(1);
        expect(await store.sortedCount('aXb')).toBe(1);
      });

      it('sets and members', async () => {
        for (const k of keys) await store.setAdd(k, `in-${k}`, k);
        for (const k of keys) expect((await store.setMembers(k)).sort()).toEqual([k, `in-${k}`].sort());
        expect(await store.setHas('a_b', 'aXb')).toBe(false);
        expect(await store.setHas('a%b', 'in-aZZb')).toBe(false);
        await store.setRemove('a_b', 'aXb', 'a%b');
        expect(await store.setSize('a_b')).toBe(2);
      });
    });

    describe('batch', () => {
      it('applies every write in order, each as its single call would', async () => {
        await store.set('old', 'there before');
        await store.setAdd('s', 'stays', 'goes');
        await store.sortedAdd('z', 'gone', 1);
        await store.batch([
          { op: 'set', key: 'a', value: { n: 1 } },
          { op: 'set', key: 'a', value: { n: 2 } },
          { op: 'set', key: 'short', value: 'lives 1 s', ttlMs: 1_000 },
          { op: 'set', key: 'b', value: 'then deleted' },
          { op: 'delete', key: 'b' },
          { op: 'delete', key: 'old' },
          { op: 'setAdd', set: 's', members: ['new', 'new'] },
          { op: 'setRemove', set: 's', members: ['goes'] },
          { op: 'sortedAdd', index: 'z', member: 'first', score: 5 },
          { op: 'sortedAdd', index: 'z', member: 'second', score: 7 },
          { op: 'sortedRemove', index: 'z', members: ['gone'] },
        ]);
        expect(await store.get('a')).toEqual({ n: 2 });
        expect(await store.get('b')).toBeUndefined();
        expect(await store.get('old')).toBeUndefined();
        expect((await store.setMembers('s')).sort()).toEqual(['new', 'stays']);
        expect(await store.sortedRange('z')).toEqual([
          { member: 'first', score: 5 },
          { member: 'second', score: 7 },
        ]);
        expect(await store.get('short')).toBe('lives 1 s');
        clock.advance(1_000);
        expect(await store.get('short')).toBeUndefined();
      });

      it('keeps a copy of each value, and an empty batch is fine', async () => {
        const value = { list: ['a'] };
        await store.batch([{ op: 'set', key: 'copy', value }]);
        value.list.push('b');
        expect(await store.get('copy')).toEqual({ list: ['a'] });
        await store.batch([]);
      });

      it('all or none: a write that cannot be stored fails the batch, and none of it is written', async () => {
        await store.set('kept', 'before');
        const bad = [
          { op: 'set', key: 'x', value: { n: 10n } },
          { op: 'set', key: 'x', value: 'nan ttl', ttlMs: Number.NaN },
          { op: 'sortedAdd', index: 'zz', member: 'm', score: Number.NaN },
        ] as const;
        for (const poison of bad) {
          await expect(
            store.batch([
              { op: 'set', key: 'first', value: 1 },
              { op: 'setAdd', set: 'members', members: ['m1'] },
              { op: 'sortedAdd', index: 'ranked', member: 'm1', score: 1 },
              { op: 'delete', key: 'kept' },
              poison,
              { op: 'set', key: 'last', value: 2 },
            ]),
          ).rejects.toThrow();
          expect(await store.get('first')).toBeUndefined();
          expect(await store.get('last')).toBeUndefined();
          expect(await store.get('x')).toBeUndefined();
          expect(await store.setMembers('members')).toEqual([]);
          expect(await store.sortedRange('ranked')).toEqual([]);
          expect(await store.get('kept')).toBe('before');
        }
      });

      it('lets other callers see none of it until all of it', async () => {
        const writes = Array.from({ length: 200 }, (_, i) => ({ op: 'setAdd', set: 'all', members: [`m${i}`] }) as const);
        const seen: number[] = [];
        const reading = (async () => {
          for (let i = 0; i < 20; i++) seen.push(await store.setSize('all'));
        })();
        await Promise.all([store.batch(writes), reading]);
        expect(seen.filter((n) => n !== 0 && n !== 200)).toEqual([]);
        expect(await store.setSize('all')).toBe(200);
      });
    });

    describe('health', () => {
      it('answers ping while open and refuses after close; close twice is fine', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
        await store.close();
        await expect(store.ping()).rejects.toThrow();
        await store.close();
      });

      it('names its kind', () => {
        expect(store.kind).toBe(name);
      });
    });
  });
}

/**
 * A batch interrupted by the death of its process leaves none of its writes, for a store that
 * outlives the process (SQLite, Redis). `spec` names a fresh store each call, as
 * `createStore(url, { prefix })` opens it. The child (batch-crash-child.ts) writes one key on
 * its own, then starts a batch whose tenth write's value kills the process while the batch is
 * being written (SQLite: inside the open transaction; Redis: before EXEC).
 */
export function runBatchCrashContract(name: string, spec: () => Promise<{ url: string; prefix?: string }>): void {
  describe(`Store contract: ${name}, batch after a crash`, () => {
    it('a process killed in the middle of a batch leaves none of it behind', async () => {
      const { url, prefix } = await spec();
      const child = fork(fileURLToPath(new URL('./batch-crash-child.ts', import.meta.url)), [url, prefix ?? ''], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal })),
      );
      expect(exit.signal).toBe('SIGKILL');
      const store = await createStore(url, prefix ? { prefix } : {});
      try {
        expect(await store.get('crash:before')).toBe('written on its own');
        for (let i = 0; i < 20; i++) expect(await store.get(`crash:doc:${i}`), `doc ${i}`).toBeUndefined();
        expect(await store.setMembers('crash:set')).toEqual([]);
        expect(await store.sortedRange('crash:index')).toEqual([]);
        expect(await store.get('crash:deleted')).toBe('still there');
      } finally {
        await store.close();
      }
    });
  });
}
