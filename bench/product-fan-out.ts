/**
 * One ask through the product (`startFeelers`, the built-in Slack and Discord adapters, a SQLite
 * file), to 100 Slack channels in the asker's own workspace and 200 Discord channels in 20
 * servers, against the loopback fakes enforcing the platforms' limits: Slack 1 post/s per
 * channel and 300/min (5/s, burst 5) per workspace; Discord 50 requests/s and 5 messages per 5 s
 * per channel. The ask is a signed `/ask` slash command in a Slack channel, so the ask card
 * spends the same workspace's budget as the 100 copies.
 *
 * Figures: 429s from each platform (target 0), and the time from the command until every copy
 * is out, over the floor the limits allow (the workspace's 101 posts: the first 5 at once, then
 * 5 a second; Discord's 400 requests need 8 s and run beside them).
 *
 * Run: npx tsx bench/product-fan-out.ts [runs]   (3 by default; about 25 s each)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFeelers } from '../src/app/main.js';
import { FakeDiscord } from '../test/fakes/discord/fake-discord.js';
import { FakeSlack } from '../test/fakes/slack/fake-web-api.js';
import { SlackDriver } from '../test/fakes/slack/signed-driver.js';
import { until } from '../test/support/wait.js';
import { check, int, result } from './measure.js';

const RUNS = Number(process.argv[2] ?? 3);
const SLACK_CHANNELS = 100;
const DISCORD_GUILDS = 20;
const DISCORD_PER_GUILD = 10;
const SECRET = 'bench-signing-secret';
const TEAM = { id: 'T1', name: 'TrainingZone' };
const ASKER = { id: 'UJANE', name: 'jane', realName: 'Jane' };
const ORIGIN = 'CASK000';
const WORKSPACE = { ratePerSec: 5, burst: 5 };

const slackChannels = Array.from({ length: SLACK_CHANNELS }, (_, i) => `CG${String(i).padStart(4, '0')}`);
const discordChannels: [string, string][] = [];
for (let g = 0; g < DISCORD_GUILDS; g++) {
  const guild = `95${String(g).padStart(16, '0')}`;
  for (let c = 0; c < DISCORD_PER_GUILD; c++) discordChannels.push([guild, `96${String(g * DISCORD_PER_GUILD + c).padStart(16, '0')}`]);
}
/** The asker's workspace posts the ask card and every Slack copy: its bucket is the floor. */
const floor = (1 + SLACK_CHANNELS - WORKSPACE.burst) / WORKSPACE.ratePerSec;

function yaml(): string {
  const grounds = [
    ...slackChannels.map((c) => `  - { network: slack, community: ${TEAM.id}, channel: ${c}, topics: [] }`),
    ...discordChannels.map(([g, c]) => `  - { network: discord, community: "${g}", channel: "${c}", topics: [] }`),
  ];
  return `grounds:\n${grounds.join('\n')}\n`;
}

interface Run {
  readonly seconds: number;
  readonly slack429: number;
  readonly discord429: number;
  readonly slackCopies: number;
  readonly discordCopies: number;
}

/** 429s the fake Slack answered: it stores a message for every chat.postMessage it does not refuse. */
function slackRefused(fake: FakeSlack): number {
  const calls = fake.callsTo('chat.postMessage');
  let stored = 0;
  for (const ch of new Set(calls.map((c) => String(c.args.channel)))) stored += fake.messagesIn(ch).length;
  return calls.length - stored;
}

async function once(): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'feelers-product-'));
  mkdirSync(join(dir, 'config'));
  writeFileSync(join(dir, 'config', 'feelers.yaml'), yaml());
  const slack = await FakeSlack.start({
    team: TEAM,
    users: [ASKER],
    rateLimits: { perChannel: { ratePerSec: 1, burst: 1 }, perWorkspace: WORKSPACE },
  });
  const discord = await FakeDiscord.start({ token: 'bench-discord', enforceLimits: true, echoOwnMessages: false });
  const byGuild = new Map<string, string[]>();
  for (const [g, c] of discordChannels) byGuild.set(g, [...(byGuild.get(g) ?? []), c]);
  for (const [g, cs] of byGuild)
    discord.addGuild({ id: g, name: `Guild ${g.slice(-3)}`, channels: cs.map((id) => ({ id, name: id })), members: [] });
  const app = await startFeelers(
    {
      PORT: '0',
      FEELERS_STORE: `sqlite://${join(dir, 'feelers.sqlite')}`,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      DISCORD_TOKEN: 'bench-discord',
      DISCORD_API_URL: discord.apiUrl,
      LOG_LEVEL: 'warn',
    },
    { cwd: dir, host: '127.0.0.1', logDestination: { write: () => undefined } },
  );
  try {
    // Start-up requests (login, command registration) leave Discord's global window first.
    await new Promise((r) => setTimeout(r, 1100));
    discord.rest.resetLimits();
    const mark = discord.requests.length;
    const driver = new SlackDriver({ url: `http://127.0.0.1:${app.port}/slack/events`, signingSecret: SECRET, teamId: TEAM.id });
    const t0 = performance.now();
    await driver.command({
      command: '/ask',
      text: 'Who has run a mentoring scheme across two companies?',
      user: ASKER.id,
      channel: ORIGIN,
    });
    const slackDone = () => slackChannels.filter((c) => slack.messagesIn(c).some((m) => !m.thread_ts)).length;
    const ids = new Set(discordChannels.map(([, c]) => c));
    const discordDone = () =>
      [...discord.world.channels.values()].filter(
        (c) => c.type === 11 && c.parent_id !== undefined && c.parent_id !== null && ids.has(c.parent_id),
      ).length;
    await until(() => slackDone() >= SLACK_CHANNELS && discordDone() >= ids.size, 'every copy', 120_000);
    const seconds = (performance.now() - t0) / 1000;
    return {
      seconds,
      slack429: slackRefused(slack),
      discord429: discord.requests.slice(mark).filter((r) => r.status === 429).length,
      slackCopies: slackChannels.filter((c) => slack.messagesIn(c).filter((m) => !m.thread_ts).length === 1).length,
      discordCopies: discordChannels.filter(([, c]) => discord.world.messagesIn(c).length === 1).length,
    };
  } finally {
    await app.stop();
    await discord.stop();
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `product fan-out: one /ask in Slack to ${SLACK_CHANNELS} Slack channels in the asker's workspace and ${discordChannels.length} Discord channels; floor ${floor.toFixed(1)} s`,
);
const runs: Run[] = [];
for (let i = 0; i < RUNS; i++) {
  const r = await once();
  runs.push(r);
  console.log(
    `  run ${i + 1}: ${r.seconds.toFixed(2)} s (${(r.seconds / floor).toFixed(3)} x floor), Slack 429s ${r.slack429}, Discord 429s ${r.discord429}`,
  );
  check(`product fan-out run ${i + 1}: one copy per Slack channel`, r.slackCopies === SLACK_CHANNELS, `${r.slackCopies}/${SLACK_CHANNELS}`);
  check(
    `product fan-out run ${i + 1}: one copy per Discord channel`,
    r.discordCopies === discordChannels.length,
    `${r.discordCopies}/${discordChannels.length}`,
  );
}
const slack429 = runs.reduce((n, r) => n + r.slack429, 0);
const discord429 = runs.reduce((n, r) => n + r.discord429, 0);
result(`product fan-out: Slack 429s over ${RUNS} runs`, int(slack429), '0', slack429 === 0);
result(`product fan-out: Discord 429s over ${RUNS} runs`, int(discord429), '0', discord429 === 0);
const ratios = runs.map((r) => (r.seconds / floor).toFixed(3)).join(', ');
result('product fan-out: time / floor (each run)', ratios, 'info');
