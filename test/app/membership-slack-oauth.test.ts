import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFeelers, type FeelersHandle } from '../../src/app/main.js';
import { FakeSlack } from '../fakes/slack/fake-web-api.js';
import { SlackDriver } from '../fakes/slack/signed-driver.js';
import { until } from '../support/wait.js';

/**
 * Membership (issue 12) through the whole app: a Slack app installed through OAuth can be
 * added by anyone with the install link, so a workspace belongs only when `communities.allow`
 * lists it or an operator approves it. Acme (T1) and Initech (T3) are listed; Globex (T2) is not.
 */
const CLIENT = { clientId: '555.666', clientSecret: 'membership-client-secret' };
const SIGNING = 'membership-signing-secret';

let dir: string;
let fake: FakeSlack;
let app: FeelersHandle | undefined;
let base = '';

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feelers-membership-'));
  fake = await FakeSlack.start({
    team: { id: 'T1', name: 'Acme' },
    oauth: CLIENT,
    users: [
      { id: 'UJANE', name: 'jane', team: 'T1', isAdmin: true },
      { id: 'UOMAR', name: 'omar', team: 'T2', isAdmin: true },
      { id: 'UIDA', name: 'ida', team: 'T3', isAdmin: true },
    ],
  });
  fake.addTeam({ id: 'T2', name: 'Globex' });
  fake.addTeam({ id: 'T3', name: 'Initech' });
  fake.addChannel('C1', 'T1');
  fake.addChannel('C2', 'T2');
  fake.addChannel('C3', 'T3');
  mkdirSync(join(dir, 'config'));
  writeFileSync(join(dir, 'config', 'feelers.yaml'), 'communities:\n  allow:\n    slack: ["T1", "T3"]\n');
  app = await startFeelers(
    {
      PORT: '0',
      FEELERS_STORE: 'memory://',
      SLACK_CLIENT_ID: CLIENT.clientId,
      SLACK_CLIENT_SECRET: CLIENT.clientSecret,
      SLACK_STATE_SECRET: 'membership-state-secret',
      SLACK_SIGNING_SECRET: SIGNING,
      SLACK_API_URL: fake.apiUrl,
      FEELERS_CONSOLE_TOKEN: 'c'.repeat(40),
    },
    { cwd: dir, host: '127.0.0.1', logDestination: { write: () => undefined } },
  );
  base = `http://127.0.0.1:${app.port}`;
  for (const team of ['T1', 'T2', 'T3']) await install(team);
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function install(team: string): Promise<void> {
  const start = await fetch(`${base}/slack/install`, { redirect: 'manual' });
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const approval = fake.oauth?.approve(start.headers.get('location') ?? '', team);
  const query = new URLSearchParams({ code: approval?.code ?? '', state: approval?.state ?? '' });
  expect((await fetch(`${base}/slack/oauth_redirect?${query}`, { headers: { cookie } })).status).toBe(200);
}

function slash(team: string, user: string, channel: string, command: '/ask' | '/feelers', text: string) {
  return new SlackDriver({ url: `${base}/slack/events`, signingSecret: SIGNING, teamId: team }).command({ command, text, user, channel });
}

const mentions = (channel: string, piece: string) => fake.messagesIn(channel).some((m) => String(m.text ?? '').includes(piece));

const sentTexts = () => [...fake.callsTo('chat.postMessage'), ...fake.callsTo('chat.postEphemeral')].map((c) => String(c.args.text ?? ''));

describe('Slack through OAuth: membership', () => {
  it('tells the installer of an unlisted workspace, politely, that it waits for approval; a listed one is not told so', async () => {
    await until(() => sentTexts().some((t) => t.includes('Thanks for adding feelers to Globex!')), 'the note to the installer');
    expect(sentTexts().find((t) => t.includes('Globex'))).toContain('operators have been asked to approve it');
    expect(sentTexts().some((t) => t.includes('Acme') || t.includes('Initech'))).toBe(false);
    expect((await app!.engine.operator.memberships()).map((m) => [m.community, m.state])).toEqual([['T2', 'pending']]);
  });

  it('an unlisted workspace installed through OAuth waits: its connect is refused, it receives nothing until approved', async () => {
    await slash('T1', 'UJANE', 'C1', '/feelers', 'connect');
    await slash('T3', 'UIDA', 'C3', '/feelers', 'connect');
    await slash('T2', 'UOMAR', 'C2', '/feelers', 'connect');
    expect(fake.ephemeralsFor('UOMAR').at(-1)?.text).toContain('Globex is not part of this feelers network yet');

    await slash('T1', 'UJANE', 'C1', '/ask', 'Which CI do you run?');
    await until(() => mentions('C3', 'Which CI do you run?'), 'the copy in Initech');
    await app!.engine.deliver();
    expect(mentions('C2', 'Which CI')).toBe(false);

    const pending = await app!.engine.operator.memberships();
    expect(pending).toEqual([expect.objectContaining({ community: 'T2', name: 'Globex', state: 'pending', waitingChannels: 1 })]);
    await app!.engine.operator.decideCommunity('slack', 'T2', 'approved', { operator: 'olga' });
    await until(() => mentions('C2', 'Globex has joined the feelers network'), 'the welcome in Globex');
    await slash('T1', 'UJANE', 'C1', '/ask', 'Which linter do you like?');
    await until(() => mentions('C2', 'Which linter do you like?'), 'the copy in Globex');
    expect(mentions('C2', 'Which CI')).toBe(false);
  });
});
