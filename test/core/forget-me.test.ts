import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Story } from '../support/core.js';
import { digest, setTopics } from '../support/core-steps.js';
import { rawStoreText } from '../support/raw-store.js';
import { spawnTestRedis, type OwnedRedis } from '../support/redis-server.js';
import { until } from '../support/wait.js';

/**
 * The text of every file in a Redis data folder (its append-only files), as latin1. A rewrite
 * under way replaces files as they are read: a read that finds one gone starts again, so the
 * result is always one whole listing.
 */
function aofFiles(dir: string): string[] {
  for (;;) {
    try {
      return readAll(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

function readAll(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? readAll(path) : [readFileSync(path).toString('latin1')];
  });
}

const HAROLD = ['U-harold', 'Harold', '@harold', 'harold@guild.example'];

/**
 * Harold takes part in every way feelers records: a topic expert prodded by DM, a reply, an
 * offer that Jane accepts (contacts released both ways), a request from Jane still pending, a
 * referral of Sam (whose DM answer is credited "via Harold"), a follow, an ask of his own, and
 * chatter in a thread feelers does not know. Then he runs /feelers forget-me.
 */
async function everyWayThenForgetMe(s: Story): Promise<void> {
  await s.connectBoth();
  await s.world.command(s.harold, s.askAround, 'feelers', 'contact harold@guild.example');
  await s.world.command(s.jane, s.anyAnswers, 'feelers', 'contact jane@tz.example');
  await setTopics(s, s.harold, 'learning');
  await s.world.command(s.jane, s.anyAnswers, 'ask', 'Who runs learning circles well? #learning');
  await s.settle();
  const card = s.last(s.anyAnswers);
  const copy = s.last(s.askAround);
  await s.world.say(s.harold, s.thread(copy), 'We run them monthly at the Guild.');
  await s.world.press(s.harold, copy.id, 'I can help');
  await s.world.press(s.harold, copy.id, 'Follow');
  await s.world.press(s.harold, copy.id, 'I know someone', { person: s.sam });
  await s.settle();
  await s.world.dm(s.sam, 'Try the Learning Circles handbook.');
  const { messageId } = await s.world.say(s.karyn, s.askAround, 'Unrelated chat.');
  await s.world.say(s.harold, { ...s.askAround, thread: messageId }, 'Harold chatting in a thread.');
  await digest(s);
  const digestCard = s.last(s.thread(card));
  await s.world.press(s.jane, digestCard.id, 'Accept intro');
  await s.world.press(s.jane, digestCard.id, 'Request intro');
  await s.world.command(s.harold, s.askAround, 'ask', 'Who has a good book club format?');
  await s.settle();
  expect(s.lastDm(s.jane).text).toContain('harold@guild.example');

  await s.world.command(s.harold, s.askAround, 'feelers', 'forget-me');
  await s.settle();
}

function found(raw: string): string[] {
  return HAROLD.filter((piece) => raw.includes(piece));
}

describe('forget-me leaves nothing of the person in the store', () => {
  it('on the memory store', async () => {
    const s = await new Story('memory').start();
    try {
      await everyWayThenForgetMe(s);
      expect(found(await rawStoreText('memory://', s.store))).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('in the SQLite file and its write-ahead log, bytes included, while feelers runs', async () => {
    const s = await new Story('sqlite').start();
    try {
      await everyWayThenForgetMe(s);
      expect(found(await rawStoreText(s.storeUrl()))).toEqual([]);
    } finally {
      await s.close();
    }
  });

  describe('on Redis', () => {
    let redis: OwnedRedis;
    beforeAll(async () => {
      redis = await spawnTestRedis({ persistent: true });
    });
    afterAll(async () => redis?.dispose());

    it('in every key and value', async () => {
      const s = await new Story({ url: redis.url }).start();
      try {
        await everyWayThenForgetMe(s);
        const raw = await rawStoreText(redis.url);
        expect(raw.length).toBeGreaterThan(1_000);
        expect(found(raw)).toEqual([]);
        // And in the append-only files, once the rewrite forget-me asked for has run.
        const aof = (): string => aofFiles(redis.dir).join('\n');
        expect(aof()).toContain('feelers:');
        await until(
          () => found(aof()).length === 0,
          () => `the AOF rewrite (still there: ${found(aof()).join(', ')})`,
        );
      } finally {
        await s.close();
      }
    });
  });

  it('finds him when he has not run forget-me (the search can fail)', async () => {
    const s = await new Story('memory').start();
    try {
      await s.connectBoth();
      await s.world.command(s.harold, s.askAround, 'feelers', 'contact harold@guild.example');
      await s.world.command(s.harold, s.askAround, 'ask', 'Who has a good book club format?');
      await s.settle();
      expect(found(await rawStoreText('memory://', s.store))).toEqual(['U-harold', 'Harold', 'harold@guild.example']);
    } finally {
      await s.close();
    }
  });
});
