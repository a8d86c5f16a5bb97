import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryAdapter, MemoryWorld } from '../../adapters/memory/index.js';
import type { StoredMessage as WorldMessage } from '../../adapters/memory/world-types.js';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.js';
import { Engine } from '../../src/core/engine.js';
import type { EventSink } from '../../src/ports/events.js';
import { silentLogger } from '../../src/ports/logger.js';
import type { PersonRef, Place } from '../../src/ports/places.js';
import { sets } from '../../src/core/repo.js';
import { engineSettings, type EngineSettings } from '../../src/core/settings.js';
import type { ChatAdapter } from '../../src/ports/chat-adapter.js';
import type { Store } from '../../src/ports/store.js';
import { createStore } from '../../src/store/create-store.js';
import { FakeSlack, type FakeSlackOptions, type FakeUser, type RecordedCall } from '../fakes/slack/fake-web-api.js';
import { SlackDriver } from '../fakes/slack/signed-driver.js';

export const SIGNING_SECRET = 'e2e-signing-secret';
export const TEAM = { id: 'T1', name: 'TrainingZone' };

/** TrainingZone's Slack members. Slack ids are upper-case letters and digits. */
export const SLACK_USERS: readonly FakeUser[] = [
  { id: 'UJANE', name: 'jane', realName: 'Jane' },
  { id: 'UTESS', name: 'tess', realName: 'Tess', isAdmin: true },
  { id: 'USAM', name: 'sam', realName: 'Sam' },
  { id: 'UOTHERBOT', name: 'otherbot', realName: 'Other Bot', isBot: true },
];

export interface SlackWorldOptions {
  readonly store?: 'memory' | 'sqlite';
  readonly settings?: EngineSettings;
  readonly fake?: FakeSlackOptions;
}

/**
 * The engine between a real Slack adapter (real Bolt, HTTP mode, mounted on node:http at
 * 127.0.0.1) talking to the loopback fake Slack, and the memory network "south" (L&D Guild).
 * Every Slack input goes through the driver as a signed request; nothing calls the engine
 * directly except the scheduler's ticks (digestTick, deliver), as main.ts's cron would.
 */
export class SlackWorld {
  readonly world = new MemoryWorld();
  readonly askAround: Place;
  readonly harold: PersonRef;
  readonly karyn: PersonRef;
  readonly guildAdmin: PersonRef;
  fake!: FakeSlack;
  adapter!: SlackAdapter;
  engine!: Engine;
  store!: Store;
  driver!: SlackDriver;
  /** Events the Slack adapter handed the engine, and how many of them the engine finished. */
  received = 0;
  handled = 0;
  private server: Server | undefined;
  private dir: string | undefined;

  constructor(private readonly o: SlackWorldOptions = {}) {
    const w = this.world;
    w.addCommunity('south', { id: 'G1', name: 'L&D Guild' });
    this.askAround = w.addChannel('south', 'G1', { id: 'C-ask', name: 'ask-around' });
    this.harold = w.addMember('south', 'G1', { id: 'U-harold', name: 'Harold', handle: '@harold' });
    this.karyn = w.addMember('south', 'G1', { id: 'U-karyn', name: 'Karyn' });
    this.guildAdmin = w.addMember('south', 'G1', { id: 'U-gadmin', name: 'Gita', admin: true });
  }

  async start(): Promise<this> {
    this.fake = await FakeSlack.start({ team: TEAM, users: SLACK_USERS, ...this.o.fake });
    if (this.o.store === 'sqlite') this.dir = mkdtempSync(join(tmpdir(), 'feelers-slack-e2e-'));
    this.store = await createStore(this.dir ? `sqlite://${join(this.dir, 'feelers.sqlite')}` : 'memory://');
    this.adapter = createSlackAdapter({
      botToken: this.fake.botToken,
      signingSecret: SIGNING_SECRET,
      apiUrl: this.fake.apiUrl,
      logger: silentLogger,
    });
    this.engine = new Engine({
      store: this.store,
      adapters: [this.tracked(this.adapter), createMemoryAdapter({ world: this.world, network: 'south' })],
      settings: this.o.settings ?? engineSettings(),
    });
    await this.engine.start();
    const adapter = this.adapter;
    this.server = createServer((req, res) => {
      if (req.method === 'POST' && (req.url ?? '').split('?')[0] === adapter.endpoint) adapter.handler(req, res);
      else res.writeHead(404).end();
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${adapter.endpoint}`;
    this.driver = new SlackDriver({ url, signingSecret: SIGNING_SECRET, teamId: TEAM.id });
    await this.engine.deliver();
    return this;
  }

  async close(): Promise<void> {
    await this.engine.stop({ drainMs: 0 });
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await this.fake.close();
    await this.store.close();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * The adapter acks Slack before handing the event on, so the HTTP answer says nothing about
   * the engine; counting sink calls lets a test wait for the engine instead of sleeping.
   */
  private tracked(adapter: SlackAdapter): ChatAdapter {
    return {
      ...adapter,
      start: (sink: EventSink) =>
        adapter.start(async (e) => {
          this.received += 1;
          try {
            await sink(e);
          } finally {
            this.handled += 1;
          }
        }),
    };
  }

  /** Runs `send` (one signed request) and waits until the engine finished `events` more events. */
  async through<T>(send: () => Promise<T>, events = 1): Promise<T> {
    const target = this.handled + events;
    const out = await send();
    await until(() => this.handled >= target, `engine to handle ${target} events (handled ${this.handled})`);
    return out;
  }

  /** Lets the outbox send everything due. */
  async settle(): Promise<void> {
    await this.engine.deliver();
  }

  /**
   * Delivers until the outbox is empty. A 429 or a backoff leaves deliveries due later, and
   * `deliver()` returns rather than holding a pass open for them; this keeps calling it.
   */
  async drain(ms = 20_000): Promise<void> {
    await until(
      async () => {
        await this.engine.deliver();
        return (await this.store.setSize(sets.outbox)) === 0;
      },
      'the outbox to empty',
      ms,
    );
  }

  // ---- Slack side ---------------------------------------------------------------------------

  slash(user: string, channel: string, command: '/ask' | '/feelers', text: string) {
    return this.through(() => this.driver.command({ command, text, user, channel }));
  }

  /** A person's message event (thread reply when `threadTs`). */
  say(user: string, channel: string, text: string, threadTs?: string, extra: Record<string, unknown> = {}) {
    // Above the fake's own sequence, so a person's ts never equals one the bot got.
    const ts = `${Math.floor(Date.now() / 1000)}.${String(900_000 + ++tsSeq)}`;
    const event = { type: 'message', channel, channel_type: 'channel', user, text, ts, ...(threadTs ? { thread_ts: threadTs } : {}), ...extra };
    return this.through(() => this.driver.event(event)).then((res) => ({ res, ts }));
  }

  /** Successful chat.postMessage calls the fake stored, oldest first. */
  posts(channel?: string): RecordedCall[] {
    return this.fake.callsTo('chat.postMessage').filter((c) => channel === undefined || c.args.channel === channel);
  }

  /** The bot's messages stored in a Slack channel (top level when `thread` is undefined). */
  botMessages(channel: string, thread?: string) {
    return this.fake
      .messagesIn(channel)
      .filter((m) => m.user === this.fake.botUserId && (thread === undefined ? !m.thread_ts : m.thread_ts === thread));
  }

  lastEphemeral(user: string): string {
    const all = this.fake.ephemeralsFor(user);
    return all[all.length - 1]?.text ?? '';
  }

  // ---- memory side --------------------------------------------------------------------------

  lastBotPost(place: Place): WorldMessage {
    const posts = this.world.messagesIn(place).filter((m) => m.byBot);
    const m = posts[posts.length - 1];
    if (!m) throw new Error(`no bot message in ${place.channel}`);
    return m;
  }

  lastDm(p: PersonRef): WorldMessage {
    const dms = this.world.dmsTo(p);
    const m = dms[dms.length - 1];
    if (!m) throw new Error(`no DM to ${p.user}`);
    return m;
  }

  threadOf(m: WorldMessage): Place {
    return { network: m.network, community: m.community, channel: m.channel, thread: m.thread ?? m.id };
  }

  // ---- store --------------------------------------------------------------------------------

  async openAskIds(): Promise<string[]> {
    return this.store.setMembers(sets.openAsks);
  }

  async replyTexts(askId: string): Promise<string[]> {
    const ids = await this.store.setMembers(sets.replies(askId));
    const replies = await Promise.all(ids.map((id) => this.engine.ctx.repo.reply(id)));
    return replies.flatMap((r) => (r ? [r.text] : []));
  }
}

let tsSeq = 0;

/** Waits for a condition the system under test makes true; a hang is a failure, not a timing check. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

type SlackButton = { action_id: string; value: string; label: string };

/** Every button in a recorded Block Kit message, with its label as Slack shows it. */
export function buttonsIn(blocks: unknown): SlackButton[] {
  if (!Array.isArray(blocks)) return [];
  const out: SlackButton[] = [];
  for (const b of blocks as { type?: unknown; elements?: unknown }[]) {
    if (b.type !== 'actions' || !Array.isArray(b.elements)) continue;
    for (const el of b.elements as { type?: unknown; action_id?: unknown; value?: unknown; text?: { text?: unknown } }[]) {
      if (el.type === 'button' && typeof el.action_id === 'string') {
        out.push({ action_id: el.action_id, value: typeof el.value === 'string' ? el.value : el.action_id, label: String(el.text?.text ?? '') });
      }
    }
  }
  return out;
}

export function button(blocks: unknown, label: string): SlackButton {
  const found = buttonsIn(blocks).find((b) => b.label === label);
  if (!found) throw new Error(`no button "${label}" in ${JSON.stringify(buttonsIn(blocks).map((b) => b.label))}`);
  return found;
}

/** Every string anywhere in a value (texts of blocks, fallbacks, labels). */
export function everyString(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) everyString(x, out);
  else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) everyString(x, out);
  return out;
}

/** All text a message shows: fallback text and every block string. */
export function shownText(m: { text?: unknown; blocks?: unknown }): string {
  return [typeof m.text === 'string' ? m.text : '', ...everyString(m.blocks)].join('\n');
}
