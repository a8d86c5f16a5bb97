/**
 * A separate process racing another on one SQLite file (see store-sqlite.test.ts). In-process
 * stores only interleave between statements; two processes really run at once, which is how two
 * feelers instances would share a file. Reports which lease keys it won and what incr returned.
 */
import { SqliteStore } from '../../src/store/sqlite-store.js';

const [file, owner, keysArg] = process.argv.slice(2);
if (file === undefined || owner === undefined || keysArg === undefined) throw new Error('usage: file owner keys');
const keys = Number(keysArg);
const store = new SqliteStore(file);

process.on('message', (msg: unknown) => {
  if (msg !== 'go') return;
  void (async () => {
    const won: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < keys; i++) {
      if (await store.acquire(`race:${i}`, owner, 60_000)) won.push(i);
      counts.push(await store.incr('race:count', 60_000));
      await store.setAdd('race:set', `${owner}:${i}`);
    }
    await store.close();
    process.send?.({ won, counts }, () => process.exit(0));
  })();
});
process.send?.('ready');
