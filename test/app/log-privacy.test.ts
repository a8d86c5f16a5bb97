import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/create-logger.js';
import { startFeelers, type FeelersHandle } from '../../src/app/main.js';
import { FakeSlack, SlackDriver } from '../fakes/slack/index.js';
import { button, SIGNING_SECRET, SlackWorld } from '../support/slack.js';

/**
 * Consent and privacy: a person's contact goes to the one person they agreed to meet, and a
 * secret goes nowhere. Not in the log either, at the most verbose level, where Bolt, the Web API
 * client and the Socket Mode client write what they send and receive. Each test captures every
 * byte pino writes and looks for every secret and contact text in it.
 */

const CONTACT = 'call me on 07700 900123';
const OTHER_CONTACT = 'ring 07700 900456 after six';
const CLIENT = { clientId: '555.666', clientSecret: 'privacy-client-secret' };
const STATE_SECRET = 'privacy-state-secret';
const APP_SIGNING_SECRET = 'privacy-signing-secret';
const USERS = [
  { id: 'U1', name: 'jane', realName: 'Jane' },
  { id: 'U2', name: 'sam', realName: 'Sam' },
];

/** Every byte written, as pino's destination stream. */
function capture(): { write: (s: string) => void; text: () => string } {
  let out = '';
  return { write: (s) => void (out += s), text: () => out };
}

/** The secrets found in `out`; the list itself is checked, so an empty secret cannot pass by accident. */
function found(out: string, secrets: readonly string[]): string[] {
  for (const s of secrets) expect(s.length).toBeGreaterThan(8);
  return secrets.filter((s) => out.includes(s));
}

/** The libraries did log at debug level: a scan of a quiet log proves nothing. */
function expectVerbose(out: string, method: string): void {
  expect(out).toContain('"level":20');
  expect(out).toContain(`apiCall('${method}')`);
}

let dir: string | undefined;
let fake: FakeSlack | undefined;
let app: FeelersHandle | undefined;
let world: SlackWorld | undefined;

afterEach(async () => {
  await app?.stop();
  await world?.close();
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  [app, world, fake, dir] = [undefined, undefined, undefined, undefined];
});

async function start(env: Record<string, string>, log: { write: (s: string) => void }): Promise<FeelersHandle> {
  dir = mkdtempSync(join(tmpdir(), 'feelers-log-privacy-'));
  const base = { PORT: '0', FEELERS_STORE: 'memory://', LOG_LEVEL: 'trace', SLACK_API_URL: fake?.apiUrl ?? '' };
  return startFeelers({ ...base, ...env }, { cwd: dir, host: '127.0.0.1', logDestination: log });
}

describe('no secret and no contact in the log, at LOG_LEVEL=trace', () => {
  it('an OAuth install, then a slash command saving a contact (HTTP mode)', async () => {
    fake = await FakeSlack.start({ oauth: CLIENT, users: USERS });
    const log = capture();
    app = await start(
      {
        SLACK_CLIENT_ID: CLIENT.clientId,
        SLACK_CLIENT_SECRET: CLIENT.clientSecret,
        SLACK_STATE_SECRET: STATE_SECRET,
        SLACK_SIGNING_SECRET: APP_SIGNING_SECRET,
      },
      log,
    );
    const base = `http://127.0.0.1:${app.port}`;
    const begin = await fetch(`${base}/slack/install`, { redirect: 'manual' });
    const approval = fake.oauth?.approve(begin.headers.get('location') ?? '', 'T1');
    const cookie = (begin.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const query = new URLSearchParams({ code: approval?.code ?? '', state: approval?.state ?? '' });
    expect((await fetch(`${base}/slack/oauth_redirect?${query}`, { headers: { cookie } })).status).toBe(200);
    const token = fake.teamOf('T1')?.botToken ?? '';

    const driver = new SlackDriver({ url: `${base}/slack/events`, signingSecret: APP_SIGNING_SECRET, teamId: 'T1' });
    const saved = await driver.command({ command: '/feelers', text: `contact ${CONTACT}`, user: 'U1', channel: 'C1' });
    expect(saved.status).toBe(200);
    await app.stop();
    app = undefined;

    expectVerbose(log.text(), 'oauth.v2.access');
    expect(found(log.text(), [CLIENT.clientSecret, STATE_SECRET, APP_SIGNING_SECRET, token, CONTACT])).toEqual([]);
  });

  it('a Socket Mode session delivering a message and a slash command saving a contact', async () => {
    fake = await FakeSlack.start({ users: USERS });
    const log = capture();
    app = await start({ SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken }, log);
    const socket = fake.socket;
    const driver = new SlackDriver({ url: 'http://127.0.0.1:9/unused', signingSecret: 'unused-secret', teamId: 'T1' });
    socket.send(
      'events_api',
      driver.envelope({ type: 'message', channel: 'C1', channel_type: 'channel', user: 'U2', text: 'hi', ts: '1.1' }),
    );
    socket.send('slash_commands', {
      token: 'legacy',
      team_id: 'T1',
      channel_id: 'C1',
      channel_name: 'general',
      user_id: 'U1',
      user_name: 'jane',
      command: '/feelers',
      text: `contact ${CONTACT}`,
      api_app_id: 'A1',
      trigger_id: 'trig-1',
    });
    await socket.waitFor(() => socket.acks.size === 2 && socket.unacked().length === 0, 'both envelopes acked');
    await app.stop();
    app = undefined;

    expectVerbose(log.text(), 'apps.connections.open');
    expect(found(log.text(), [fake.botToken, fake.appToken, CONTACT])).toEqual([]);
  });

  it('a whole introduction: ask, reply, Request intro, Share my contact, contact cards sent both ways', async () => {
    const log = capture();
    world = await new SlackWorld({ logger: createLogger({ level: 'trace', destination: log }) }).start();
    const s = world;
    await s.slash('UTESS', 'CANY', '/feelers', 'connect');
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'connect');
    await s.world.command(s.harold, s.askAround, 'feelers', `contact ${CONTACT}`);
    await s.slash('UJANE', 'CANY', '/feelers', `contact ${OTHER_CONTACT}`);
    await s.slash('UJANE', 'CANY', '/ask', 'Who has run a mentoring scheme across two companies? #learning');
    await s.settle();
    const cardTs = s.botMessages('CANY')[0]?.ts ?? '';
    await s.world.say(s.harold, s.thread(s.last(s.askAround)), 'We did, with a partner firm.');
    await s.engine.digestTick();
    await s.settle();
    const digest = s.posts('CANY').find((c) => c.args.thread_ts === cardTs);
    const request = button(digest?.args.blocks, 'Request intro');
    const digestTs = s.botMessages('CANY', cardTs)[0]?.ts ?? '';
    await s.press('UJANE', 'CANY', digestTs, request, cardTs);
    await s.settle();
    await s.world.press(s.harold, s.lastDm(s.harold).id, 'Share my contact');
    await s.settle();

    // The cards did go out, each with the other's contact: what the log must not repeat.
    expect(JSON.stringify(s.posts('DUJANE').map((c) => c.args))).toContain(CONTACT);
    expect(s.lastDm(s.harold).text).toContain(OTHER_CONTACT);
    await s.close();
    world = undefined;

    expectVerbose(log.text(), 'chat.postMessage');
    expect(found(log.text(), [s.fake.botToken, SIGNING_SECRET, CONTACT, OTHER_CONTACT])).toEqual([]);
  });

  it("/feelers my-data: the summary and the JSON file uploaded to the person's DM", async () => {
    const log = capture();
    world = await new SlackWorld({ logger: createLogger({ level: 'trace', destination: log }) }).start();
    const s = world;
    await s.slash('UJANE', 'CANY', '/feelers', `contact ${OTHER_CONTACT}`);
    await s.slash('UJANE', 'CANY', '/feelers', 'my-data');
    await s.settle();

    // The file did go out with the contact in it: what the log must not repeat.
    expect(s.fake.sharedFiles('DUJANE')[0]?.content).toContain(OTHER_CONTACT);
    await s.close();
    world = undefined;

    expectVerbose(log.text(), 'files.completeUploadExternal');
    expect(found(log.text(), [s.fake.botToken, SIGNING_SECRET, OTHER_CONTACT])).toEqual([]);
  });
});
