import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFeelers, type FeelersHandle } from '../../src/app/main.js';
import { FakeSlack } from '../fakes/slack/fake-web-api.js';

const CLIENT = { clientId: '333.444', clientSecret: 'main-client-secret' };

let dir: string;
let fake: FakeSlack;
let app: FeelersHandle | undefined;
let logs = '';

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feelers-slack-oauth-'));
  fake = await FakeSlack.start({ oauth: CLIENT });
  logs = '';
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Slack OAuth through the composition root', () => {
  it('starts with SLACK_CLIENT_ID and no bot token, mounts the install flow, and installs a workspace', async () => {
    app = await startFeelers(
      {
        PORT: '0',
        FEELERS_STORE: 'memory://',
        SLACK_CLIENT_ID: CLIENT.clientId,
        SLACK_CLIENT_SECRET: CLIENT.clientSecret,
        SLACK_STATE_SECRET: 'main-state-secret',
        SLACK_SIGNING_SECRET: 'main-signing-secret',
        SLACK_API_URL: fake.apiUrl,
      },
      { cwd: dir, host: '127.0.0.1', logDestination: { write: (s: string) => void (logs += s) } },
    );
    expect(logs).not.toContain(CLIENT.clientSecret);
    const base = `http://127.0.0.1:${app.port}`;
    const start = await fetch(`${base}/slack/install`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const location = start.headers.get('location') ?? '';
    expect(location.startsWith('https://slack.com/oauth/v2/authorize?')).toBe(true);
    const approval = fake.oauth?.approve(location, 'T1');
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const query = new URLSearchParams({ code: approval?.code ?? '', state: approval?.state ?? '' });
    const done = await fetch(`${base}/slack/oauth_redirect?${query}`, { headers: { cookie } });
    expect(done.status).toBe(200);
    // The code went to SLACK_API_URL, and the token it gave was checked there too.
    expect(fake.callsTo('oauth.v2.access')).toHaveLength(1);
    expect(fake.callsTo('auth.test').at(-1)?.token).toBe(fake.teamOf('T1')?.botToken);
    expect(logs).not.toContain(fake.teamOf('T1')?.botToken ?? 'no token');
  });
});
