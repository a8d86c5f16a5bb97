/**
 * A process that dies in the middle of a batch (see runBatchCrashContract). argv: store URL,
 * key prefix ('' for none). It writes `crash:before` and `crash:deleted` on their own, then a
 * batch of documents, set members, index members and a delete, whose tenth write's value kills
 * this process (SIGKILL: no handler, no cleanup) when the store serializes it.
 */
import type { StoreWrite } from '../../../src/ports/store.js';
import { createStore } from '../../../src/store/create-store.js';

const [url, prefix] = process.argv.slice(2);
if (url === undefined) throw new Error('usage: url [prefix]');
const store = await createStore(url, prefix ? { prefix } : {});
await store.set('crash:before', 'written on its own');
await store.set('crash:deleted', 'still there');

const poison = {
  toJSON(): never {
    process.kill(process.pid, 'SIGKILL');
    throw new Error('unreachable: the process was killed');
  },
};
const writes: StoreWrite[] = [{ op: 'delete', key: 'crash:deleted' }];
for (let i = 0; i < 20; i++) {
  writes.push({ op: 'set', key: `crash:doc:${i}`, value: i === 9 ? poison : { i } });
  writes.push({ op: 'setAdd', set: 'crash:set', members: [`m${i}`] });
  writes.push({ op: 'sortedAdd', index: 'crash:index', member: `m${i}`, score: i });
}
await store.batch(writes);
throw new Error('the batch finished: the poison value was never serialized');
