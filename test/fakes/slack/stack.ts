import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSlackAdapter, type SlackAdapter, type SlackAdapterConfig } from '../../../adapters/slack/index.js';
import type { ChatEvent, EventSink } from '../../../src/ports/events.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { FakeSlack, type FakeSlackOptions } from './fake-web-api.js';
import { SlackDriver } from './signed-driver.js';

export const SIGNING_SECRET = 'fake-signing-secret';

/**
 * The real adapter (real Bolt) mounted on a node:http server the way main.ts mounts it,
 * talking to the fake Web API, with a driver playing Slack towards it. All on 127.0.0.1.
 */
export interface SlackStack {
  readonly fake: FakeSlack;
  readonly adapter: SlackAdapter;
  readonly driver: SlackDriver;
  readonly events: ChatEvent[];
  /** Resolves when `n` events reached the sink; rejects after `ms` (a hang is a failure, not a timing check). */
  waitForEvents(n: number, ms?: number): Promise<ChatEvent[]>;
  /** A second adapter on the same fake, as after a restart. */
  restartAdapter(): Promise<SlackAdapter>;
  close(): Promise<void>;
}

/**
 * Mounts the adapter's endpoint on a node:http server at 127.0.0.1, the way main.ts mounts it;
 * `current` is read at each request, so a restarted adapter takes over the same URL.
 */
export async function mountOnHttp(current: () => SlackAdapter): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const adapter = current();
    if (req.method === 'POST' && (req.url ?? '').split('?')[0] === adapter.endpoint) adapter.handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${current().endpoint}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export async function startSlackStack(
  o: { fake?: FakeSlackOptions; adapter?: Partial<SlackAdapterConfig>; fakeInstance?: FakeSlack; sink?: EventSink } = {},
): Promise<SlackStack> {
  const fake = o.fakeInstance ?? (await FakeSlack.start(o.fake));
  const events: ChatEvent[] = [];
  const config = (): SlackAdapterConfig => ({
    botToken: fake.botToken,
    signingSecret: SIGNING_SECRET,
    apiUrl: fake.apiUrl,
    logger: silentLogger,
    ...o.adapter,
  });
  const sink: EventSink = async (e) => {
    events.push(e);
    return o.sink?.(e);
  };
  let adapter = createSlackAdapter(config());
  await adapter.start(sink);
  const mounted = await mountOnHttp(() => adapter);
  const driver = new SlackDriver({ url: mounted.url, signingSecret: SIGNING_SECRET, teamId: fake.team.id });

  async function waitForEvents(n: number, ms = 5000): Promise<ChatEvent[]> {
    const until = Date.now() + ms;
    while (events.length < n) {
      if (Date.now() > until) throw new Error(`expected ${n} events, got ${events.length}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return events;
  }

  return {
    fake,
    get adapter() {
      return adapter;
    },
    driver,
    events,
    waitForEvents,
    async restartAdapter() {
      await adapter.stop();
      adapter = createSlackAdapter(config());
      await adapter.start(sink);
      return adapter;
    },
    async close() {
      await adapter.stop();
      await mounted.close();
      if (!o.fakeInstance) await fake.close();
    },
  };
}
