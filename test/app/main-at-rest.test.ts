import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFeelers, type FeelersHandle } from '../../src/app/main.js';
import type { Env } from '../../src/config/load-config.js';
import { FakeSlack, SlackDriver } from '../fakes/slack/index.js';
import { rawStoreText } from '../support/raw-store.js';

const CLIENT = { clientId: '555.666', clientSecret: 'at-rest-client-secret' };
const SIGNING = 'at-rest-signing-secret';
const newKey = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

let dir: string;
let fake: FakeSlack;
let app: FeelersHandle | undefined;
let logs = '';

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feelers-at-rest-'));
  fake = await FakeSlack.start({ oauth: CLIENT, users: [{ id: 'UJANE', name: 'jane', team: 'T1' }] });
  fake.addChannel('C1', 'T1');
  // Installed through OAuth, a workspace belongs only when listed (docs/governance.md).
  mkdirSync(join(dir, 'config'));
  writeFileSync(join(dir, 'config', 'feelers.yaml'), 'communities:\n  allow:\n    slack: ["T1"]\n');
  logs = '';
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function env(secretKey: string | undefined): Env {
  return {
    PORT: '0',
    FEELERS_STORE: `sqlite://${join(dir, 'feelers.sqlite')}`,
    FEELERS_SPOOL: join(dir, 'spool.sqlite'),
    FEELERS_SECRET_KEY: secretKey,
    SLACK_CLIENT_ID: CLIENT.clientId,
    SLACK_CLIENT_SECRET: CLIENT.clientSecret,
    SLACK_STATE_SECRET: 'at-rest-state-secret',
    SLACK_SIGNING_SECRET: SIGNING,
    SLACK_API_URL: fake.apiUrl,
  };
}

async function start(secretKey: string | undefined): Promise<FeelersHandle> {
  app = await startFeelers(env(secretKey), {
    cwd: dir,
    host: '127.0.0.1',
    logDestination: { write: (s: string) => void (logs += s) },
  });
  return app;
}

async function install(a: FeelersHandle, team: string): Promise<void> {
  const base = `http://127.0.0.1:${a.port}`;
  const begin = await fetch(`${base}/slack/install`, { redirect: 'manual' });
  const approval = fake.oauth?.approve(begin.headers.get('location') ?? '', team);
  const cookie = (begin.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const query = new URLSearchParams({ code: approval?.code ?? '', state: approval?.state ?? '' });
  expect((await fetch(`${base}/slack/oauth_redirect?${query}`, { headers: { cookie } })).status).toBe(200);
}

/** `/feelers help` from Jane in T1; answered only if the adapter found (and opened) T1's installation. */
async function help(a: FeelersHandle): Promise<string> {
  const driver = new SlackDriver({ url: `http://127.0.0.1:${a.port}/slack/events`, signingSecret: SIGNING, teamId: 'T1' });
  const res = await driver.command({ command: '/feelers', text: 'help', user: 'UJANE', channel: 'C1' });
  return `${res.status} ${res.text} ${fake
    .ephemeralsFor('UJANE')
    .map((e) => e.text)
    .join('\n')}`;
}

/** Slack bot tokens at rest (FEELERS_SECRET_KEY through main.ts to the adapter's state). */
describe('Slack installations at rest through the composition root', () => {
  it('keeps the bot token out of the SQLite file, and reads the installation back after a restart', async () => {
    const k1 = newKey('k1');
    await install(await start(k1), 'T1');
    const token = fake.teamOf('T1')?.botToken ?? '';
    expect(token).toMatch(/^xoxb-/);
    await app?.stop();
    app = undefined;
    const raw = await rawStoreText(`sqlite://${join(dir, 'feelers.sqlite')}`);
    expect(raw).toContain('enc:v1:k1:');
    expect(raw).not.toContain(token);
    expect(raw).not.toContain('xoxb-');

    // A restart, with the key rotated: k2 is current, k1 still reads the installation.
    const a = await start(`${newKey('k2')},${k1}`);
    expect(await help(a)).toContain('/feelers contact');
    expect(logs).not.toContain(k1.slice(3));
    expect(logs).not.toContain(token);
  });

  it('without the key, the installation is not read: the log names the missing key id, and feelers keeps running', async () => {
    await install(await start(newKey('k1')), 'T1');
    await app?.stop();
    const a = await start(undefined);
    expect(await help(a)).not.toContain('/feelers contact');
    expect(logs).toContain('secret_key_missing');
    expect(logs).toContain('key id \\"k1\\"');
    expect((await fetch(`http://127.0.0.1:${a.port}/healthz`)).status).toBeLessThan(600);
  });
});
