/**
 * Fan-out of one ask to 500 Discord channels over 50 fake guilds, through the engine and the real
 * discord.js adapter, against the fake Discord enforcing 50 requests/s globally and 5 messages
 * per 5 s per channel with X-RateLimit-* headers and 429s.
 *
 * Each copy costs two requests (the message, then the thread on it): 1,000 requests at 50/s is a
 * 20 s floor, computed below from what was actually needed. Discord's window rolls, so the
 * first second's 50 requests come free and a paced run can end a little under it (about 19 s
 * plus round trips). Figures:
 *   engine / floor        target <= 1.02, and no 429 received
 *   engine / plain loop   target <= 1.01; the plain loop is @discordjs/rest on its own queue,
 *                         every copy started at once, against a fresh fake with the same limits.
 *
 * Run: npx tsx bench/discord-fan-out.ts [guilds] [channelsPerGuild]
 * The machine is shared: figures are noisy; read the ratios, not the seconds.
 */
import { REST, Routes, type APIMessage } from 'discord.js';
import { DiscordStory } from '../test/support/discord.js';
import { FakeDiscord } from '../test/fakes/discord/fake-discord.js';
import { check, result } from './measure.js';

const GUILDS = Number(process.argv[2] ?? 50);
const PER_GUILD = Number(process.argv[3] ?? 10);
const GLOBAL_PER_SEC = 50;
const REQUESTS_PER_COPY = 2;

function channelsOf(): [string, string][] {
  const out: [string, string][] = [];
  for (let g = 0; g < GUILDS; g++) {
    const guild = `93${String(g).padStart(16, '0')}`;
    for (let c = 0; c < PER_GUILD; c++) out.push([guild, `94${String(g * PER_GUILD + c).padStart(16, '0')}`]);
  }
  return out;
}

/** Seconds the fan-out needs at the least: its requests over the global budget (channels get 1 message each). */
function floorSeconds(copies: number): number {
  return (copies * REQUESTS_PER_COPY) / GLOBAL_PER_SEC;
}

function countTooMany(fake: FakeDiscord, since: number): number {
  return fake.requests.slice(since).filter((r) => r.status === 429).length;
}

/** 429s by route: a thread start has no per-route limit in the fake, so its 429s are global ones. */
function tooManyByRoute(fake: FakeDiscord, since: number): string {
  const by = new Map<string, number>();
  for (const r of fake.requests.slice(since)) {
    if (r.status !== 429) continue;
    const route = r.path.replace(/\d{5,}/g, ':id');
    by.set(route, (by.get(route) ?? 0) + 1);
  }
  return [...by].map(([route, n]) => `${route} ${n}`).join(', ') || 'none';
}

async function throughEngine(channels: [string, string][]): Promise<{ seconds: number; tooMany: number; copies: number }> {
  const story = await DiscordStory.start({
    globalCommands: true,
    fake: { enforceLimits: true, echoOwnMessages: false },
    extraChannels: channels,
    settings: { grounds: channels.map(([community, channel]) => ({ network: 'discord', community, channel, topics: [] })) },
  });
  try {
    // Start-up requests (gateway, login, command registration) leave the global window first.
    await new Promise((r) => setTimeout(r, 1100));
    story.fake.rest.resetLimits();
    const mark = story.fake.requests.length;
    const t0 = performance.now();
    await story.world.command(story.jane, story.anyAnswers, 'ask', 'Who runs the best peer-learning programme?');
    const ids = new Set(channels.map(([, c]) => c));
    const done = () => [...story.fake.world.channels.values()].filter((c) => c.type === 11 && c.parent_id && ids.has(c.parent_id)).length;
    await story.fake.until(() => done() >= ids.size, 'every thread', 300_000);
    const seconds = (performance.now() - t0) / 1000;
    const copies = channels.filter(([, c]) => story.botMessages(c).length === 1).length;
    console.log(`  engine 429s by route: ${tooManyByRoute(story.fake, mark)}`);
    return { seconds, tooMany: countTooMany(story.fake, mark), copies };
  } finally {
    await story.close();
  }
}

async function plainLoop(channels: [string, string][]): Promise<{ seconds: number; tooMany: number; copies: number }> {
  const fake = await FakeDiscord.start({ token: 'plain', enforceLimits: true, echoOwnMessages: false });
  const byGuild = new Map<string, string[]>();
  for (const [g, c] of channels) byGuild.set(g, [...(byGuild.get(g) ?? []), c]);
  for (const [g, cs] of byGuild) fake.addGuild({ id: g, name: g, channels: cs.map((id) => ({ id, name: id })), members: [] });
  const rest = new REST({ version: '10', api: fake.apiUrl }).setToken('plain');
  try {
    const t0 = performance.now();
    await Promise.all(
      channels.map(async ([, channel], i) => {
        const msg = (await rest.post(Routes.channelMessages(channel), {
          body: {
            embeds: [{ description: 'Who runs the best peer-learning programme?' }],
            nonce: `n${i}`,
            enforce_nonce: true,
            allowed_mentions: { parse: [] },
          },
        })) as APIMessage;
        await rest.post(Routes.threads(channel, msg.id), { body: { name: 'peer learning', auto_archive_duration: 10080 } });
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const copies = channels.filter(([, c]) => fake.world.messagesIn(c).length === 1).length;
    return { seconds, tooMany: countTooMany(fake, 0), copies };
  } finally {
    await fake.stop();
  }
}

async function main(): Promise<void> {
  const channels = channelsOf();
  const floor = floorSeconds(channels.length);
  console.log(
    `Discord fan-out: ${channels.length} channels in ${GUILDS} guilds; floor ${floor.toFixed(1)} s (${channels.length * REQUESTS_PER_COPY} requests at ${GLOBAL_PER_SEC}/s)`,
  );
  const engine = await throughEngine(channels);
  console.log(`engine: ${engine.seconds.toFixed(2)} s, ${engine.tooMany} x 429, ${engine.copies} channels with one copy`);
  const plain = await plainLoop(channels);
  console.log(`plain @discordjs/rest: ${plain.seconds.toFixed(2)} s, ${plain.tooMany} x 429, ${plain.copies} channels with one message`);
  check('one copy per channel (engine)', engine.copies === channels.length, `${engine.copies}/${channels.length}`);
  check('one message per channel (plain)', plain.copies === channels.length, `${plain.copies}/${channels.length}`);
  result('discord fan-out: engine time / floor', (engine.seconds / floor).toFixed(3), '<= 1.02', engine.seconds / floor <= 1.02);
  result('discord fan-out: 429s received by the engine', String(engine.tooMany), '0', engine.tooMany === 0);
  result(
    'discord fan-out: engine / plain discord.js',
    (engine.seconds / plain.seconds).toFixed(3),
    '<= 1.01',
    engine.seconds / plain.seconds <= 1.01,
  );
  result('discord fan-out: plain discord.js time / floor', (plain.seconds / floor).toFixed(3), 'info');
  result('discord fan-out: 429s received by the plain loop', String(plain.tooMany), 'info');
}

await main();
