import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../fakes/discord/fake-discord.js';
import type { StoredMessage } from '../../fakes/discord/fake-state.js';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { Cluster, flushDb, sleep, until, withDb } from '../../support/cluster.js';

/**
 * Two real feelers processes on one Redis, both configured for the same Discord bot, against the
 * fake Discord (REST + gateway) in this process. Discord allows one gateway session per token
 * and shard: exactly one process holds it, under a lease. When the holder is SIGKILLed, nobody
 * receives anything until its lease runs out; a reply written then is only on Discord. The other
 * process must identify, read the copy's thread for the gap, and the digest must show every
 * reply once.
 */

const DB = 13;
const TOKEN = 'multi-discord-token';
const LEASE_SECONDS = 3;
const ASKERS = '920000000000000001';
const ASK_CH = '920000000000000010';
const OTHERS = '920000000000000002';
const COPY_CH = '920000000000000020';
const PEOPLE = {
  jane: { id: '920000000000000100', username: 'jane', global_name: 'Jane' },
  harold: { id: '920000000000000101', username: 'harold', global_name: 'Harold' },
  karyn: { id: '920000000000000102', username: 'karyn', global_name: 'Karyn' },
  maria: { id: '920000000000000103', username: 'maria', global_name: 'Maria' },
} as const;
const YAML = `
grounds:
  - { network: discord, community: "${ASKERS}", channel: "${ASK_CH}", topics: [] }
  - { network: discord, community: "${OTHERS}", channel: "${COPY_CH}", topics: [] }
schedule: { digest: "*/2 * * * * *", outboxRetry: "*/1 * * * * *", expirySweep: "0 0 * * *" }
claims: { seconds: 3 }
connection: { leaseSeconds: ${LEASE_SECONDS} }
`;

let redis: TestRedis;
let fake: FakeDiscord;
let cluster: Cluster | undefined;

beforeAll(async () => {
  redis = await startTestRedis();
  fake = await FakeDiscord.start({ token: TOKEN });
  fake.addGuild({
    id: ASKERS,
    name: 'Askers',
    ownerId: PEOPLE.jane.id,
    channels: [{ id: ASK_CH, name: 'ask-around' }],
    members: [{ user: PEOPLE.jane }],
  });
  fake.addGuild({
    id: OTHERS,
    name: 'Answerers',
    ownerId: PEOPLE.harold.id,
    channels: [{ id: COPY_CH, name: 'help-wanted' }],
    members: [{ user: PEOPLE.harold }, { user: PEOPLE.karyn }, { user: PEOPLE.maria }],
  });
  const url = withDb(redis.url, DB);
  await flushDb(url);
  cluster = await Cluster.start({
    size: 2,
    storeUrl: url,
    // This cluster speaks Discord only: the launcher's Slack settings are blanked (blank = unset).
    slackApiUrl: '',
    slackBotToken: '',
    yaml: YAML,
    env: {
      SLACK_SIGNING_SECRET: '',
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_GUILD_IDS: `${ASKERS},${OTHERS}`,
      DISCORD_MESSAGE_CONTENT: 'true',
    },
  });
}, 120_000);

afterAll(async () => {
  // Every child is killed even when a test failed; then the fakes and Redis go.
  await cluster?.stop();
  await fake?.stop();
  await redis?.stop();
}, 60_000);

/** Which instance says it holds the gateway (/healthz: adapter:discord is 'active'). */
async function holders(c: Cluster): Promise<number[]> {
  const out: number[] = [];
  for (const inst of c.instances) {
    if (!inst.child) continue;
    const h = await c.health(inst.index).catch(() => undefined);
    const parts = h ? (JSON.parse(h.body) as { parts?: Record<string, { detail?: string }> }).parts : undefined;
    if (parts?.['adapter:discord']?.detail === 'active') out.push(inst.index);
  }
  return out;
}

function botMessages(channel: string): StoredMessage[] {
  return fake.world.messagesIn(channel).filter((m) => m.author.id === fake.world.bot.id);
}

function shown(m: StoredMessage): string {
  return [m.content, JSON.stringify(m.embeds)].join('\n');
}

function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe('the Discord gateway among two real processes', () => {
  it('is held by one process; after a SIGKILL the other identifies and the gap is caught up', async () => {
    const c = cluster!;
    const why = () => `\n${c.logs()}`;
    expect(c.instances).toHaveLength(2);
    await until(
      async () => (await holders(c)).length === 1,
      () => `one holder${why()}`,
      30_000,
    );
    expect(fake.gateway.identifies).toBe(1);
    expect(fake.gateway.activeSessions).toBe(1);
    const [holder] = await holders(c);
    const survivor = holder === 0 ? 1 : 0;

    // Jane asks by mentioning the bot; the copy lands in the other guild with a thread.
    fake.postMessage({ guild: ASKERS, channel: ASK_CH, user: PEOPLE.jane.id }, 'who has run a mentoring circle for new managers?', {
      mentionsBot: true,
    });
    const copy = await fake.until(() => botMessages(COPY_CH)[0], 'the copy', 30_000);
    await fake.until(() => fake.world.channels.get(copy.id), 'the thread on the copy', 30_000);
    const askCard = await fake.until(() => botMessages(ASK_CH).find((m) => m.thread), 'the ask card with its thread', 30_000);
    const inThread = (user: keyof typeof PEOPLE) => ({ guild: OTHERS, channel: copy.id, user: PEOPLE[user].id });

    const before = 'Before: the city council ran one for two years.';
    fake.postMessage(inThread('harold'), before);
    await until(
      () => botMessages(askCard.id).some((m) => shown(m).includes(before)),
      () => `the first digest${why()}`,
      30_000,
    );

    await c.kill(holder ?? 0, 'SIGKILL');
    // The dead process's socket closes on the fake's side a moment after the exit.
    await until(() => fake.gateway.activeSessions === 0, "the dead holder's socket to close", 10_000);
    // Nobody holds the gateway until the lease runs out: this reply is only on Discord.
    const gap = 'Gap: try the Mentoring Network, it is free.';
    fake.postMessage(inThread('karyn'), gap);
    expect(fake.gateway.identifies).toBe(1);

    await until(
      () => fake.gateway.identifies === 2 && fake.gateway.activeSessions === 1,
      () => `a second IDENTIFY${why()}`,
      20_000,
    );
    await until(
      async () => (await holders(c)).includes(survivor),
      () => `the survivor holding the gateway${why()}`,
      10_000,
    );

    const after = 'After: our HR team did this last year.';
    fake.postMessage(inThread('maria'), after);
    const digests = () => botMessages(askCard.id).map(shown).join('\n');
    await until(
      () => digests().includes(gap) && digests().includes(after),
      () => `digests with the gap and the later reply${why()}`,
      30_000,
    );
    // One more digest tick and catch-up pass must not repeat anything.
    await sleep(2_500);
    for (const text of [before, gap, after]) expect(occurrences(digests(), text)).toBe(1);
    expect(fake.gateway.identifies).toBe(2);
    expect(fake.gateway.activeSessions).toBe(1);
  }, 120_000);
});
