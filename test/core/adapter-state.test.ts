import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { adapterState } from '../../src/core/adapter-state.js';
import { keys } from '../../src/core/keys.js';
import { createSealer, type SecretKey } from '../../src/core/sealer.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { ManualClock } from '../support/manual-clock.js';

const key = (id: string): SecretKey => ({ id, key: randomBytes(32) });
const INSTALL = { team: { id: 'T1' }, bot: { token: 'xoxb-123-secret', userId: 'UBOT' } };
const RAW_KEY = keys.adapterState('slack', 'install', 'T1');

/** Adapter documents at rest (src/core/adapter-state.ts): sealed whole with a key, read back as they were. */
describe('adapter state with a secret key', () => {
  let store: MemoryStore;
  afterEach(async () => store?.close());

  it('stores a sealed document, not the token, and gives the document back', async () => {
    store = new MemoryStore();
    const state = adapterState(store, 'slack', createSealer([key('k1')]));
    await state.set('install', 'T1', INSTALL);
    const raw = await store.get<unknown>(RAW_KEY);
    expect(typeof raw).toBe('string');
    expect(raw).toMatch(/^enc:v1:k1:/);
    expect(JSON.stringify(raw)).not.toContain('xoxb');
    expect(await state.get('install', 'T1')).toEqual(INSTALL);
    expect(await state.delete('install', 'T1')).toBe(true);
    expect(await state.get('install', 'T1')).toBeUndefined();
  });

  it('rotation: read under [k2, k1], written again under k2', async () => {
    store = new MemoryStore();
    const k1 = key('k1');
    await adapterState(store, 'slack', createSealer([k1])).set('install', 'T1', INSTALL);
    const rotated = adapterState(store, 'slack', createSealer([key('k2'), k1]));
    expect(await rotated.get('install', 'T1')).toEqual(INSTALL);
    await rotated.set('install', 'T1', INSTALL);
    expect(await store.get(RAW_KEY)).toMatch(/^enc:v1:k2:/);
  });

  it('migration: a document written before any key is read, and sealed when written again', async () => {
    store = new MemoryStore();
    await adapterState(store, 'slack').set('install', 'T1', INSTALL);
    expect(await store.get(RAW_KEY)).toEqual(INSTALL);
    const sealed = adapterState(store, 'slack', createSealer([key('k1')]));
    expect(await sealed.get('install', 'T1')).toEqual(INSTALL);
    await sealed.set('install', 'T1', INSTALL);
    expect(await store.get(RAW_KEY)).toMatch(/^enc:v1:k1:/);
  });

  it('a missing key is a FeelersError naming the key id', async () => {
    store = new MemoryStore();
    await adapterState(store, 'slack', createSealer([key('k1')])).set('install', 'T1', INSTALL);
    await expect(adapterState(store, 'slack').get('install', 'T1')).rejects.toMatchObject({
      code: 'secret_key_missing',
      message: expect.stringContaining('key id "k1"') as unknown,
    });
  });
});

describe('adapter state: several documents at once', () => {
  let store: MemoryStore;
  afterEach(async () => store?.close());

  it('setAll writes every document in one store batch, each sealed as set would, each with its ttl', async () => {
    const clock = new ManualClock();
    store = new MemoryStore(clock);
    const batches: number[] = [];
    const batch = store.batch.bind(store);
    store.batch = (writes) => {
      batches.push(writes.length);
      return batch(writes);
    };
    const state = adapterState(store, 'email', createSealer([key('k1')]));
    await state.setAll([
      { kind: 'token', id: 't1', value: { place: 'p' }, ttlMs: 1_000 },
      { kind: 'msg', id: '<m1@x>', value: INSTALL },
    ]);
    expect(batches).toEqual([2]);
    expect(await store.get(keys.adapterState('email', 'msg', '<m1@x>'))).toMatch(/^enc:v1:k1:/);
    expect(await state.get('token', 't1')).toEqual({ place: 'p' });
    expect(await state.get('msg', '<m1@x>')).toEqual(INSTALL);
    clock.advance(1_000);
    expect(await state.get('token', 't1')).toBeUndefined();
    expect(await state.get('msg', '<m1@x>')).toEqual(INSTALL);
  });
});
