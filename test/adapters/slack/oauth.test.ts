import { adapterState } from '../../../src/core/adapter-state.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../../adapters/slack/index.js';
import { BOT_SCOPES } from '../../../adapters/slack/scopes.js';
import { DeliveryError } from '../../../src/ports/errors.js';
import type { ChatEvent } from '../../../src/ports/events.js';
import { silentLogger } from '../../../src/ports/logger.js';
import type { Place } from '../../../src/ports/places.js';
import { HttpServer } from '../../../src/app/http-server.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { FakeSlack } from '../../fakes/slack/fake-web-api.js';
import { SlackDriver } from '../../fakes/slack/signed-driver.js';

const SIGNING = 'oauth-signing-secret';
const CLIENT = { clientId: '111.222', clientSecret: 'client-secret' };
const COOKIE = 'slack-app-oauth-state';

let fake: FakeSlack;
let store: MemoryStore;
let adapter: SlackAdapter;
let http: HttpServer;
let base = '';
const events: ChatEvent[] = [];

beforeEach(async () => {
  events.length = 0;
  fake = await FakeSlack.start({
    team: { id: 'T1', name: 'Acme' },
    oauth: CLIENT,
    users: [
      { id: 'U1', name: 'jane', team: 'T1' },
      { id: 'U5', name: 'omar', team: 'T2' },
    ],
  });
  fake.addTeam({ id: 'T2', name: 'Globex' });
  fake.addChannel('C1', 'T1');
  fake.addChannel('C2', 'T2');
  store = new MemoryStore();
  adapter = createSlackAdapter({
    signingSecret: SIGNING,
    apiUrl: fake.apiUrl,
    logger: silentLogger,
    oauth: { ...CLIENT, stateSecret: 'state-secret', state: adapterState(store, 'slack'), authorizeUrl: fake.authorizeUrl },
  });
  await adapter.start(async (e) => void events.push(e));
  // Mounted the way main.ts mounts it: feelers' own server, which reads the body first.
  http = new HttpServer({ health: async () => ({ ok: true, parts: {} }), logger: silentLogger });
  for (const r of adapter.routes()) http.mount(r.method, r.path, r.handler);
  base = `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}`;
});

afterEach(async () => {
  await adapter.stop();
  await http.close();
  await fake.close();
  await store.close();
});

/** The browser's side of the install: /slack/install, Slack's Allow, then the redirect back. */
async function install(team: string): Promise<Response> {
  const start = await fetch(`${base}/slack/install`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const location = start.headers.get('location') ?? '';
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const approval = fake.oauth?.approve(location, team);
  const query = new URLSearchParams({ code: approval?.code ?? '', state: approval?.state ?? '' });
  return fetch(`${base}/slack/oauth_redirect?${query}`, { headers: { cookie } });
}

function driver(team: string): SlackDriver {
  return new SlackDriver({ url: `${base}/slack/events`, signingSecret: SIGNING, teamId: team });
}

async function waitForEvents(n: number): Promise<void> {
  const until = Date.now() + 5000;
  while (events.length < n) {
    if (Date.now() > until) throw new Error(`expected ${n} events, got ${events.length}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const place = (community: string, channel: string): Place => ({ network: 'slack', community, channel });

describe('slack adapter: many workspaces through OAuth', () => {
  it('mounts events, install and redirect, and sends the browser to Slack with the manifest scopes and a signed state', async () => {
    expect(adapter.routes().map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /slack/events',
      'GET /slack/install',
      'GET /slack/oauth_redirect',
    ]);
    const res = await fetch(`${base}/slack/install`, { redirect: 'manual' });
    const url = new URL(res.headers.get('location') ?? '');
    expect(`${url.origin}${url.pathname}`).toBe(fake.authorizeUrl);
    expect(url.searchParams.get('client_id')).toBe(CLIENT.clientId);
    expect((url.searchParams.get('scope') ?? '').split(',')).toEqual([...BOT_SCOPES]);
    const state = url.searchParams.get('state') ?? '';
    expect(state.split('.')).toHaveLength(3);
    // The state is bound to this browser by a cookie, so a link someone else started is refused.
    expect(res.headers.get('set-cookie')).toContain(`${COOKIE}=${state}`);
  });

  it('installs two workspaces; events from each carry their community, posts use each team token', async () => {
    expect((await install('T1')).status).toBe(200);
    expect((await install('T2')).status).toBe(200);
    expect(await store.get('slack-install:T1')).toMatchObject({ team: { id: 'T1' }, bot: { userId: 'UBOT' } });
    expect(await store.get('slack-install:T2')).toMatchObject({ team: { id: 'T2' }, bot: { userId: 'UBOTT2' } });

    await driver('T1').event({ type: 'message', channel: 'C1', channel_type: 'channel', user: 'U1', text: 'hi from acme', ts: '1.1' });
    await driver('T2').event({ type: 'message', channel: 'C2', channel_type: 'channel', user: 'U5', text: 'hi from globex', ts: '2.1' });
    await waitForEvents(2);
    const byText = new Map(events.map((e) => [e.kind === 'message' ? e.text : '', e]));
    expect(byText.get('hi from acme')).toMatchObject({ place: { community: 'T1' }, actor: { name: 'jane' }, communityName: 'Acme' });
    expect(byText.get('hi from globex')).toMatchObject({ place: { community: 'T2' }, actor: { name: 'omar' }, communityName: 'Globex' });

    const card = { summary: 'copy', blocks: [] };
    await adapter.post(place('T1', 'C1'), card, { idempotencyKey: 'k1' });
    await adapter.post(place('T2', 'C2'), card, { idempotencyKey: 'k2' });
    await adapter.directMessage({ network: 'slack', community: 'T2', user: 'U5' }, card, { idempotencyKey: 'k3' });
    const tokens = fake.callsTo('chat.postMessage').map((c) => [c.args.channel, c.token]);
    expect(tokens).toEqual([
      ['C1', fake.teamOf('T1')?.botToken],
      ['C2', fake.teamOf('T2')?.botToken],
      ['DU5', fake.teamOf('T2')?.botToken],
    ]);
    expect(fake.teamOf('T1')?.botToken).not.toBe(fake.teamOf('T2')?.botToken);
    // A community's token never reaches another's channel (the fake would say channel_not_found).
    const err: unknown = await adapter.post(place('T2', 'C1'), card, { idempotencyKey: 'k4' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'gone', message: expect.stringContaining('channel_not_found') as unknown });
  });

  it('forget-me by the person who installed leaves the installation without their id', async () => {
    expect((await install('T1')).status).toBe(200);
    expect(await store.get('slack-install:T1')).toMatchObject({ user: { id: 'UINSTALLER' } });
    await adapter.forget?.({ network: 'slack', community: 'T1', user: 'UINSTALLER' });
    expect(JSON.stringify(await store.get('slack-install:T1'))).not.toContain('UINSTALLER');
    // Someone else's forget-me leaves it alone, and the workspace still works.
    await adapter.forget?.({ network: 'slack', community: 'T1', user: 'U1' });
    await adapter.post(place('T1', 'C1'), { summary: 'still here', blocks: [] }, { idempotencyKey: 'after-forget' });
    expect(fake.callsTo('chat.postMessage').at(-1)?.token).toBe(fake.teamOf('T1')?.botToken);
  });

  it('refuses a forged, foreign or cookie-less state with a 4xx and stores nothing', async () => {
    const start = await fetch(`${base}/slack/install`, { redirect: 'manual' });
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const approval = fake.oauth?.approve(start.headers.get('location') ?? '', 'T2');
    const tries = [
      { state: 'forged', cookie: `${COOKIE}=forged` },
      // A well-formed state that this app did not sign (another secret), with a matching cookie.
      {
        state: 'eyJhbGciOiJIUzI1NiJ9.eyJub3ciOiIyMDI2In0.c2lnbmF0dXJl',
        cookie: `${COOKIE}=eyJhbGciOiJIUzI1NiJ9.eyJub3ciOiIyMDI2In0.c2lnbmF0dXJl`,
      },
      // The real state, but from a browser that never started the install.
      { state: approval?.state ?? '', cookie: '' },
    ];
    for (const t of tries) {
      const query = new URLSearchParams({ code: approval?.code ?? '', state: t.state });
      const res = await fetch(`${base}/slack/oauth_redirect?${query}`, { headers: t.cookie ? { cookie: t.cookie } : {} });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect(fake.callsTo('oauth.v2.access')).toHaveLength(0);
    expect(await store.get('slack-install:T2')).toBeUndefined();
    // The real browser with the real state still installs.
    const query = new URLSearchParams({ code: approval?.code ?? '', state: approval?.state ?? '' });
    expect((await fetch(`${base}/slack/oauth_redirect?${query}`, { headers: { cookie } })).status).toBe(200);
    expect(await store.get('slack-install:T2')).toBeDefined();
  });

  it('drops events of a workspace that never installed', async () => {
    await install('T1');
    const res = await driver('T9').event({ type: 'message', channel: 'C9', user: 'U9', text: 'who am i', ts: '9.1' });
    expect(res.status).toBe(200);
    await driver('T1').event({ type: 'message', channel: 'C1', channel_type: 'channel', user: 'U1', text: 'after', ts: '1.2' });
    await waitForEvents(2);
    // The install itself is the first: the core decides whether T1 belongs (membership).
    expect(events.map((e) => [e.kind, e.place.community])).toEqual([
      ['joined', 'T1'],
      ['message', 'T1'],
    ]);
    expect(events[0]).toMatchObject({ actor: { user: 'UINSTALLER' }, communityName: 'Acme' });
  });

  it('app_uninstalled and tokens_revoked remove the installation; later posts there are gone', async () => {
    await install('T1');
    await install('T2');
    await adapter.post(place('T2', 'C2'), { summary: 'warm', blocks: [] }, { idempotencyKey: 'warm' });
    await driver('T2').event({ type: 'app_uninstalled' });
    await driver('T1').event({ type: 'tokens_revoked', tokens: { oauth: [], bot: ['UBOT'] } });
    const until = Date.now() + 5000;
    while ((await store.get('slack-install:T1')) || (await store.get('slack-install:T2'))) {
      if (Date.now() > until) throw new Error('installations were not removed');
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const [community, channel] of [
      ['T1', 'C1'],
      ['T2', 'C2'],
    ] as const) {
      const err: unknown = await adapter
        .post(place(community, channel), { summary: 'x', blocks: [] }, { idempotencyKey: `after-${community}` })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeliveryError);
      expect(err).toMatchObject({ kind: 'gone' });
    }
    // Only the two installs reached the core: an uninstall or a revocation is the adapter's own business.
    expect(events.map((e) => e.kind)).toEqual(['joined', 'joined']);
  });

  it('a revoked user token alone leaves the bot installed', async () => {
    await install('T1');
    await driver('T1').event({ type: 'tokens_revoked', tokens: { oauth: ['U1'], bot: [] } });
    await driver('T1').event({ type: 'message', channel: 'C1', channel_type: 'channel', user: 'U1', text: 'still here', ts: '1.3' });
    await waitForEvents(1);
    expect(await store.get('slack-install:T1')).toBeDefined();
  });
});
