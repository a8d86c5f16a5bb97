import type { AdapterState } from '../ports/index.js';
import type { Store } from '../ports/store.js';
import { keys } from './keys.js';

/** One network's adapter state in feelers' store, under keys the key layout builds. */
export function adapterState(store: Store, network: string): AdapterState {
  return {
    get: <T>(kind: string, id: string) => store.get<T>(keys.adapterState(network, kind, id)),
    set: <T>(kind: string, id: string, value: T, ttlMs?: number) => store.set(keys.adapterState(network, kind, id), value, ttlMs),
    delete: (kind: string, id: string) => store.delete(keys.adapterState(network, kind, id)),
  };
}
