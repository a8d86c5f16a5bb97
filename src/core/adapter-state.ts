import type { AdapterState } from '../ports/index.js';
import type { Store } from '../ports/store.js';
import { keys } from './keys.js';
import { isSealed, plainSealer, type Sealer } from './sealer.js';

/**
 * One network's adapter state in feelers' store, under keys the key layout builds. Every
 * document is a secret as a whole (a Slack installation holds its bot token): with a key it is
 * stored as sealed JSON; without one, as it is. Reading accepts both, so documents written
 * before a key was set are still read, and sealed the next time they are written.
 */
export function adapterState(store: Store, network: string, sealer: Sealer = plainSealer): AdapterState {
  const sealed = (value: unknown): unknown => (sealer.sealing ? sealer.seal(JSON.stringify(value)) : value);
  return {
    get: async <T>(kind: string, id: string) => {
      const stored = await store.get<unknown>(keys.adapterState(network, kind, id));
      return typeof stored === 'string' && isSealed(stored) ? (JSON.parse(sealer.open(stored)) as T) : (stored as T | undefined);
    },
    set: <T>(kind: string, id: string, value: T, ttlMs?: number) => store.set(keys.adapterState(network, kind, id), sealed(value), ttlMs),
    delete: (kind: string, id: string) => store.delete(keys.adapterState(network, kind, id)),
    setAll: (docs) =>
      store.batch(docs.map((d) => ({ op: 'set', key: keys.adapterState(network, d.kind, d.id), value: sealed(d.value), ttlMs: d.ttlMs }))),
  };
}
