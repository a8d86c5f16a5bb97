/**
 * Shared setup for the Slack benchmarks: the loopback fake Slack, the real adapter (real Bolt,
 * HTTP mode) mounted on node:http at 127.0.0.1 the way main.ts mounts it, and the engine on a
 * SQLite (or memory) store with the memory network "south" as the other side.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryAdapter, MemoryWorld } from '../adapters/memory/index.js';
import { createSlackAdapter, type SlackAdapter } from '../adapters/slack/index.js';
import { Engine } from '../src/core/engine.js';
import type { EventSink } from '../src/ports/events.js';
import { silentLogger } from '../src/ports/logger.js';
import type { PersonRef, Place } from '../src/ports/places.js';
import { sets } from '../src/core/keys.js';
import type { SeedGround } from '../src/core/settings.js';
import type { ChatAdapter } from '../src/ports/chat-adapter.js';
import type { Store } from '../src/ports/store.js';
import { createStore } from '../src/store/create-store.js';
import { FakeSlack, type FakeSlackOptions } from '../test/fakes/slack/fake-web-api.js';
import { slackSignature } from '../test/fakes/slack/signed-driver.js';
import { benchSettings, sleep } from './setup.js';

export const SIGNING_SECRET = 'bench-signing-secret';

export interface SlackBedOptions {
  readonly store: 'memory' | 'sqlite';
  readonly fake: FakeSlackOptions;
  /** Slack grounds seeded at start (the memory ground ask-around is always there). */
  readonly slackGrounds: readonly Place[];
}

export class SlackBed {
  /** Events the adapter handed the engine, and how many the engine finished. */
  received = 0;
  handled = 0;

  private constructor(
    readonly fake: FakeSlack,
    readonly adapter: SlackAdapter,
    readonly engine: Engine,
    readonly store: Store,
    readonly world: MemoryWorld,
    readonly askAround: Place,
    readonly karyn: PersonRef,
    readonly url: string,
    private readonly server: Server,
    private readonly dir: string | undefined,
  ) {}

  static async open(o: SlackBedOptions): Promise<SlackBed> {
    const fake = await FakeSlack.start(o.fake);
    const world = new MemoryWorld();
    world.addCommunity('south', { id: 'G1', name: 'L&D Guild' });
    const askAround = world.addChannel('south', 'G1', { id: 'C-ask', name: 'ask-around' });
    const karyn = world.addMember('south', 'G1', { id: 'U-karyn', name: 'Karyn' });
    const dir = o.store === 'sqlite' ? mkdtempSync(join(tmpdir(), 'feelers-slack-bench-')) : undefined;
    const store = await createStore(dir ? `sqlite://${join(dir, 'bench.sqlite')}` : 'memory://');
    const adapter = createSlackAdapter({ botToken: fake.botToken, signingSecret: SIGNING_SECRET, apiUrl: fake.apiUrl, logger: silentLogger });
    const grounds: SeedGround[] = [
      { network: 'south', community: 'G1', channel: askAround.channel, topics: [] },
      ...o.slackGrounds.map((g) => ({ network: g.network, community: g.community, channel: g.channel, topics: [] })),
    ];
    let bed: SlackBed | undefined;
    // SLACK_BENCH_CONCURRENCY overrides the deliverer's in-flight cap for the Slack network, to
    // see whether a figure is bound by it (on this machine, 8 beat 32: more in flight, more
    // arrival jitter, more 429s).
    const concurrency = Number(process.env.SLACK_BENCH_CONCURRENCY ?? 0);
    const tracked: ChatAdapter = {
      ...adapter,
      ...(concurrency > 0 ? { limits: { ...adapter.limits, concurrency } } : {}),
      start: (sink: EventSink) =>
        adapter.start(async (e) => {
          if (bed) bed.received += 1;
          try {
            await sink(e);
          } finally {
            if (bed) bed.handled += 1;
          }
        }),
    };
    const engine = new Engine({ store, adapters: [tracked, createMemoryAdapter({ world, network: 'south' })], settings: benchSettings(grounds) });
    await engine.start();
    const server = createServer((req, res) => {
      if (req.method === 'POST' && (req.url ?? '').split('?')[0] === adapter.endpoint) adapter.handler(req, res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${adapter.endpoint}`;
    bed = new SlackBed(fake, adapter, engine, store, world, askAround, karyn, url, server, dir);
    return bed;
  }

  /** Drains the outbox; throws when it will not empty (a benchmark on half-built data lies). */
  async drain(ms = 600_000): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      await this.engine.deliver();
      if ((await this.store.setSize(sets.outbox)) === 0) return;
      if (Date.now() > deadline) throw new Error(`the outbox still holds ${await this.store.setSize(sets.outbox)} deliveries`);
      await sleep(5);
    }
  }

  async close(): Promise<void> {
    await this.engine.stop({ drainMs: 0 });
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.fake.close();
    await this.store.close();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

/** What one signed event request came back with: its status (0 when it failed) and latency. */
export interface Answered {
  readonly status: number;
  readonly ms: number;
}

/**
 * POSTs a Slack-signed JSON body over a keep-alive agent, as Slack's servers would, and
 * times the answer. Never rejects: a failed request comes back with status 0.
 */
export function postSigned(agent: Agent, target: URL, payload: string, secret: string): Promise<Answered> {
  const tsSec = Math.floor(Date.now() / 1000);
  const started = performance.now();
  return new Promise<Answered>((resolve) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          'x-slack-request-timestamp': String(tsSec),
          'x-slack-signature': slackSignature(secret, tsSec, payload),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(payload);
  });
}
