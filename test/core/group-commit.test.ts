import { describe, expect, it } from 'vitest';
import { BatchingStore } from '../../src/core/batching-store.js';
import { GroupCommit } from '../../src/core/group-commit.js';
import { Repo } from '../../src/core/repo.js';
import type { Store, StoreWrite } from '../../src/ports/store.js';
import { MemoryStore } from '../../src/store/memory-store.js';

/** A memory store that records each batch it is given (how many writes in each). */
function recording(): { store: Store; batches: number[] } {
  const inner = new MemoryStore();
  const batches: number[] = [];
  const store = Object.assign(Object.create(inner) as Store, {
    batch: (writes: readonly StoreWrite[]) => {
      batches.push(writes.length);
      return inner.batch(writes);
    },
  });
  return { store, batches };
}

describe('GroupCommit: the marks of sends answered together, in one batch', () => {
  it('writers of one turn share one batch, and each resolves once it is in the store', async () => {
    const { store, batches } = recording();
    const marks = new GroupCommit(new Repo(store));
    await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        marks.add(async (repo) => {
          await repo.saveAskCard(id, { network: 'n', community: 'c', channel: 'ch', id: `m-${id}` });
        }),
      ),
    );
    expect(batches).toEqual([3]);
    const repo = new Repo(store);
    expect((await repo.askCard('c'))?.id).toBe('m-c');
    // A later turn is a batch of its own.
    await marks.add((r) => r.saveAskCard('d', { network: 'n', community: 'c', channel: 'ch', id: 'm-d' }));
    expect(batches).toEqual([3, 1]);
  });

  it('a writer failing half-way leaves none of its batch written, and every writer of it hears so', async () => {
    const { store, batches } = recording();
    const marks = new GroupCommit(new Repo(store));
    const ok = marks.add((r) => r.saveAskCard('fine', { network: 'n', community: 'c', channel: 'ch', id: 'm-1' }));
    const broken = marks.add(async (r) => {
      await r.saveAskCard('half', { network: 'n', community: 'c', channel: 'ch', id: 'm-2' });
      throw new Error('the copy to record was not found');
    });
    await expect(broken).rejects.toThrow('the copy to record was not found');
    await expect(ok).rejects.toThrow('the copy to record was not found');
    expect(batches).toEqual([]);
    const repo = new Repo(store);
    expect(await repo.askCard('fine')).toBeUndefined();
    expect(await repo.askCard('half')).toBeUndefined();
  });
});

describe('BatchingStore: a stage reads what it wrote, however it wrote it', () => {
  it('writes handed over as a batch are read back before the commit, and land with it', async () => {
    const store = new MemoryStore();
    await store.set('doc:gone', { v: 1 });
    await store.setAdd('set:s', 'kept', 'dropped');
    const view = new BatchingStore(store);
    await view.batch([
      { op: 'set', key: 'doc:new', value: { v: 2 } },
      { op: 'delete', key: 'doc:gone' },
      { op: 'setAdd', set: 'set:s', members: ['added'] },
      { op: 'setRemove', set: 'set:s', members: ['dropped'] },
    ]);
    expect(await view.get('doc:new')).toEqual({ v: 2 });
    expect(await view.get('doc:gone')).toBeUndefined();
    expect((await view.setMembers('set:s')).sort()).toEqual(['added', 'kept']);
    expect(await view.setHas('set:s', 'dropped')).toBe(false);
    // Nothing in the store before the commit; all of it after.
    expect(await store.get('doc:new')).toBeUndefined();
    await view.commit();
    expect(await store.get('doc:new')).toEqual({ v: 2 });
    expect(await store.get('doc:gone')).toBeUndefined();
    expect((await store.setMembers('set:s')).sort()).toEqual(['added', 'kept']);
  });

  it('a value is taken as it was when written: changing the object afterwards changes nothing', async () => {
    const store = new MemoryStore();
    const view = new BatchingStore(store);
    const value = { n: 1 };
    await view.batch([{ op: 'set', key: 'doc:a', value }]);
    value.n = 2;
    expect(await view.get('doc:a')).toEqual({ n: 1 });
    await view.commit();
    expect(await store.get('doc:a')).toEqual({ n: 1 });
  });
});
