import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeelers, type FeelersHandle } from '../../src/app/main.js';
import { FakeDiscord } from '../fakes/discord/fake-discord.js';
import { FakeSlack } from '../fakes/slack/fake-web-api.js';
import { SlackDriver } from '../fakes/slack/signed-driver.js';
import { flushDb, startTestRedis, withDb, type TestRedis } from '../support/redis-server.js';
import { until } from '../support/wait.js';

/**
 * Discord allows a bot token 50 requests a second over all its connections, counted over a
 * rolling second. Two instances of feelers on one Redis, each fanning an ask out to the same 60
 * Discord channels at the same moment (240 requests: a message and its thread per copy), against
 * the fake Discord enforcing that global limit: counted per process, each would send its first
 * 50 at once and the fake would refuse about 50; counted in Redis, none is refused.
 */

const DB = 14;
const SECRET = 'shared-budget-secret';
const DISCORD_TOKEN = 'shared-budget-token';
const TEAM = { id: 'T1', name: 'TrainingZone' };
const ASKER = { id: 'UJANE', name: 'jane', realName: 'Jane' };
const GUILDS = 6;
const PER_GUILD = 10;

const channels: [string, string][] = [];
for (let g = 0; g < GUILDS; g++) {
  const guild = `97${String(g).padStart(16, '0')}`;
  for (let c = 0; c < PER_GUILD; c++) channels.push([guild, `98${String(g * PER_GUILD + c).padStart(16, '0')}`]);
}

let redis: TestRedis;
let slack: FakeSlack;
let discord: FakeDiscord;
const dirs: string[] = [];
const apps: FeelersHandle[] = [];

async function instance(url: string): Promise<FeelersHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'feelers-budget-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'config'));
  const grounds = channels.map(([g, c]) => `  - { network: discord, community: "${g}", channel: "${c}", topics: [] }`);
  writeFileSync(join(dir, 'config', 'feelers.yaml'), `grounds:\n${grounds.join('\n')}\nlimits: { asksPerDay: 50 }\n`);
  return startFeelers(
    {
      PORT: '0',
      FEELERS_STORE: url,
      FEELERS_SPOOL: join(dir, 'spool.sqlite'),
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      DISCORD_TOKEN,
      DISCORD_API_URL: discord.apiUrl,
      LOG_LEVEL: 'warn',
    },
    { cwd: dir, host: '127.0.0.1', logDestination: { write: () => undefined } },
  );
}

beforeAll(async () => {
  redis = await startTestRedis();
  const url = withDb(redis.url, DB);
  await flushDb(url);
  slack = await FakeSlack.start({ team: TEAM, users: [ASKER] });
  discord = await FakeDiscord.start({ token: DISCORD_TOKEN, enforceLimits: true, echoOwnMessages: false });
  const byGuild = new Map<string, string[]>();
  for (const [g, c] of channels) byGuild.set(g, [...(byGuild.get(g) ?? []), c]);
  for (const [g, cs] of byGuild)
    discord.addGuild({ id: g, name: `Guild ${g.slice(-2)}`, channels: cs.map((id) => ({ id, name: id })), members: [] });
  apps.push(await instance(url), await instance(url));
});

afterAll(async () => {
  for (const app of apps) await app.stop();
  await discord?.stop();
  await slack?.close();
  await redis?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("two instances on one Redis share Discord's global budget", () => {
  it('fanning out at once, they get no 429 from Discord, and every channel gets both copies', async () => {
    // Start-up requests (logins, command registration) leave the fake's rolling second first.
    await new Promise((r) => setTimeout(r, 1_100));
    discord.rest.resetLimits();
    const mark = discord.requests.length;
    const asks = apps.map((app, i) =>
      new SlackDriver({ url: `http://127.0.0.1:${app.port}/slack/events`, signingSecret: SECRET, teamId: TEAM.id }).command({
        command: '/ask',
        text: `Question ${i + 1}: who runs peer learning well?`,
        user: ASKER.id,
        channel: `CASK${i}`,
      }),
    );
    expect((await Promise.all(asks)).map((r) => r.status)).toEqual([200, 200]);

    const ids = new Set(channels.map(([, c]) => c));
    const threads = () => [...discord.world.channels.values()].filter((c) => c.type === 11 && ids.has(String(c.parent_id))).length;
    await until(() => threads() >= 2 * channels.length, 'a thread on both copies in every channel', 60_000);

    const sent = discord.requests.slice(mark);
    expect(sent.filter((r) => r.status === 429).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    // Both instances did send: copies of both questions are in every channel.
    for (const [, c] of channels) {
      const texts = discord.world.messagesIn(c).map((m) => JSON.stringify(m.embeds));
      expect(
        texts.filter((t) => t.includes('Question 1')),
        c,
      ).toHaveLength(1);
      expect(
        texts.filter((t) => t.includes('Question 2')),
        c,
      ).toHaveLength(1);
    }
    expect(sent.length).toBeGreaterThanOrEqual(4 * channels.length);
  });
});
