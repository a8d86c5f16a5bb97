/**
 * A Discord DM belongs to no guild, so the adapter says which community it counts for: the one
 * the person was last seen in or DMed from, kept in feelers' store by user id
 * (adapters/discord/dm-links.ts), so it survives a restart and a gateway takeover.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DmLinks } from '../../../adapters/discord/dm-links.js';
import { adapterState } from '../../../src/core/adapter-state.js';
import type { AdapterDoc, AdapterState } from '../../../src/ports/adapter-state.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { DiscordStory, shownText } from '../../support/discord.js';

const OTHER_GUILD = '910000000000000002';
const OTHER_CHANNEL = '910000000000000020';

let s: DiscordStory | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/**
 * Sam is in two servers; he listed his topics in the second one (not the first the bot knows),
 * and Jane's question reached him there by DM.
 */
async function proddedFromSecondServer() {
  s = await DiscordStory.start({ messageContent: true, extraChannels: [[OTHER_GUILD, OTHER_CHANNEL]], extraMembers: ['sam'] });
  const story = s;
  await story.world.command(story.tess, story.anyAnswers, 'feelers', 'connect');
  const topics = story.fake.slashCommand(story.who('sam', OTHER_CHANNEL), 'feelers', { sub: 'topics', options: { list: 'learning' } });
  await story.handledId(topics.id, '/feelers topics');
  await story.world.command(story.jane, story.anyAnswers, 'ask', 'Which firms do learning sprints? #learning');
  await story.settle();
  const prod = await story.fake.until(
    () => story.botMessages(story.dm('sam')).find((m) => shownText(m).includes('learning sprints')),
    'the prod',
  );
  return { story, prod };
}

describe('discord: which community a DM counts for', () => {
  it('still files a DM answering a prod under its ask after a restart, when the prod came from a second server', async () => {
    const { story, prod } = await proddedFromSecondServer();
    const samDm = story.dm('sam');
    expect(shownText(prod)).toContain('Jane in TrainingZone asks:');

    // A new process: the engine and the adapter start again on the same store.
    await story.reboot();
    const answer = story.fake.postMessage({ channel: samDm, user: story.person('sam').user }, 'Atlassian runs them.');
    await story.handledId(answer, "Sam's DM answer");

    const joined = await story.fake.until(
      () => story.botMessages(samDm).find((m) => shownText(m).includes('added your message as an answer')),
      'the joined card',
    );
    expect(shownText(joined)).toContain("Jane's question");
    expect(story.botMessages(samDm).some((m) => shownText(m).includes('Post this as a new question?'))).toBe(false);
    expect(story.world.everything().filter((t) => t.includes('Atlassian'))).toEqual([]);
    // Not an ask of its own: one open ask, Jane's.
    expect(await story.openAsks()).toHaveLength(1);
  });
});

describe('discord: forget-me and the DM link', () => {
  it("drops which server a person's DMs count for when they run /feelers forget-me", async () => {
    const { story } = await proddedFromSecondServer();
    const sam = story.person('sam').user;
    const state = adapterState(story.store, 'discord');
    expect(await state.get('dm-community', sam)).toBe(OTHER_GUILD);

    const forget = story.fake.slashCommand(story.who('sam', OTHER_CHANNEL), 'feelers', { sub: 'forget-me' });
    await story.handledId(forget.id, '/feelers forget-me');
    expect(await state.get('dm-community', sam)).toBeUndefined();
  });
});

describe('DmLinks', () => {
  function countingState(fail = false): AdapterState & { writes: number } {
    const docs = new Map<string, unknown>();
    const st = {
      writes: 0,
      get: <T>(kind: string, id: string) =>
        fail ? Promise.reject(new Error('store down')) : Promise.resolve(docs.get(`${kind}:${id}`) as T),
      set: (kind: string, id: string, v: unknown) => {
        if (fail) return Promise.reject(new Error('store down'));
        st.writes += 1;
        docs.set(`${kind}:${id}`, v);
        return Promise.resolve();
      },
      delete: (kind: string, id: string) => Promise.resolve(docs.delete(`${kind}:${id}`)),
      setAll: async (all: readonly AdapterDoc[]) => {
        for (const d of all) await st.set(d.kind, d.id, d.value);
      },
    };
    return st;
  }

  it('writes a guild sighting once a day while unchanged, a DM from the bot always, and the newest wins', async () => {
    let now = 0;
    const state = countingState();
    const links = new DmLinks(state, silentLogger, () => now);
    await links.seen('u1', 'G1');
    await links.seen('u1', 'G1');
    expect(state.writes).toBe(1);
    await links.dmSent('u1', 'G2');
    expect(await links.of('u1')).toBe('G2');
    await links.seen('u1', 'G1');
    expect(await links.of('u1')).toBe('G1');
    now += 25 * 3600_000;
    await links.seen('u1', 'G1');
    expect(state.writes).toBe(4);
    // Another process on the same store reads the same link.
    expect(await new DmLinks(state, silentLogger).of('u1')).toBe('G1');
  });

  it('never throws when the store fails: the DM then counts for the first server', async () => {
    const links = new DmLinks(countingState(true), silentLogger);
    await expect(links.seen('u1', 'G1')).resolves.toBeUndefined();
    await expect(links.dmSent('u1', 'G1')).resolves.toBeUndefined();
    await expect(links.of('u1')).resolves.toBeUndefined();
  });
});
