import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../manual-clock.js';
import type { Store } from '../../../src/ports/store.js';

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

      it('sets and members', async () => {
        for (const k of keys) await store.setAdd(k, `in-${k}`, k);
        for (const k of keys) expect((await store.setMembers(k)).sort()).toEqual([k, `in-${k}`].sort());
        expect(await store.setHas('a_b', 'aXb')).toBe(false);
        expect(await store.setHas('a%b', 'in-aZZb')).toBe(false);
        await store.setRemove('a_b', 'aXb', 'a%b');
        expect(await store.setSize('a_b')).toBe(2);
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
