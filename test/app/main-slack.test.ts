import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../src/core/engine-api.js';
import { startFeelers, type FeelersHandle } from '../../src/app/main.js';
import { FakeSlack, SlackDriver } from '../fakes/slack/index.js';

const SECRET = 'main-test-signing-secret';

let dir: string;
let fake: FakeSlack;
let app: FeelersHandle | undefined;
let logs = '';

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feelers-slack-main-'));
  fake = await FakeSlack.start();
  logs = '';
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Slack through the composition root', () => {
  it('loads the built-in Slack adapter from env and mounts its signed events endpoint', async () => {
    app = await startFeelers(
      {
        PORT: '0',
        FEELERS_STORE: 'memory://',
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fake.apiUrl,
      },
      { cwd: dir, host: '127.0.0.1', logDestination: { write: (s: string) => void (logs += s) } },
    );
    expect(logs).not.toContain('No chat network is connected');
    expect(logs).not.toContain(SECRET);

    const health = (await (await fetch(`http://127.0.0.1:${app.port}/healthz`)).json()) as HealthReport;
    expect(health.parts['adapter:slack']?.ok).toBe(true);

    // The server reads the body before the adapter sees it; the signature must still verify.
    const driver = new SlackDriver({ url: `http://127.0.0.1:${app.port}/slack/events`, signingSecret: SECRET, teamId: fake.team.id });
    const good = await driver.sendJson({ type: 'url_verification', challenge: 'c-123', token: 'x' });
    expect(good.status).toBe(200);
    expect(good.text).toContain('c-123');

    const forged = await driver.sendJson({ type: 'url_verification', challenge: 'c-456', token: 'x' }, { secret: 'wrong' });
    expect(forged.status).toBe(401);
  });
});
