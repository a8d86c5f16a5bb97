/**
 * The Slack layer's set-up: the engine (./core.ts) between a real Slack adapter (real Bolt, HTTP
 * mode, mounted on node:http at 127.0.0.1) talking to the loopback fake Slack, and the memory
 * network "south" (L&D Guild). Used by the Slack stories and the Slack benchmarks. Every Slack
 * input goes through the driver (or a benchmark's client) as a signed request; nothing calls the
 * engine directly except the scheduler's ticks (digestTick, deliver), as main.ts's cron would.
 */
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.js';
import { engineSettings, type EngineSettings } from '../../src/core/settings.js';
import { sets } from '../../src/core/keys.js';
import type { ChatAdapter } from '../../src/ports/chat-adapter.js';
import type { EventSink } from '../../src/ports/events.js';
import { silentLogger, type Logger } from '../../src/ports/logger.js';
import type { PersonRef, Place } from '../../src/ports/places.js';
import { FakeSlack, type FakeSlackOptions, type FakeUser, type RecordedCall } from '../fakes/slack/fake-web-api.js';
import { SlackDriver } from '../fakes/slack/signed-driver.js';
import { mountOnHttp } from '../fakes/slack/stack.js';
import { EngineBed, ldGuild, type StoreKind } from './core.js';
import { SlowLink } from './slow-link.js';
import { until } from './wait.js';

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
  readonly store?: StoreKind;
  readonly settings?: EngineSettings;
  /** Merged over TEAM and SLACK_USERS. */
  readonly fake?: FakeSlackOptions;
  /** The deliverer's in-flight cap for the Slack network instead of the adapter's own (benchmarks: is a figure bound by it?). */
  readonly concurrency?: number;
  /** The engine's and the adapter's logger (default: silent), for tests that read what feelers logs. */
  readonly logger?: Logger;
  /** The adapter reaches the fake through a relay that can stall (`link`), as a slow network path would. */
  readonly slowLink?: boolean;
  /** Record when the engine called the adapter's `post` for each idempotency key, and when it returned (`sends`). */
  readonly timeSends?: boolean;
  /**
   * Slack's Web API served elsewhere (a fake in a process of its own, for benchmarks: see
   * bench/support/remote-fake-slack.ts). No fake is started here then: `fake` and the readers
   * built on it are not available.
   */
  readonly api?: { readonly apiUrl: string; readonly botToken: string; readonly teamId: string };
  /** More networks beside Slack and "south" (a subclass's `makeAdapter` makes them: email). */
  readonly moreNetworks?: readonly string[];
}

/** One `post` the engine made through the Slack adapter (performance.now() times). */
export interface TimedSend {
  readonly key: string;
  readonly calledAt: number;
  readonly answeredAt: number;
}

export class SlackWorld extends EngineBed {
  readonly askAround: Place;
  readonly harold: PersonRef;
  readonly karyn: PersonRef;
  readonly guildAdmin: PersonRef;
  fake!: FakeSlack;
  adapter!: SlackAdapter;
  driver!: SlackDriver;
  /** The relay between the adapter and the fake, with `slowLink`. */
  link: SlowLink | undefined;
  /** Where Slack sends signed requests: the adapter's endpoint on 127.0.0.1. */
  url!: string;
  /** With `timeSends`: every post the engine made through the adapter, as it returned. */
  readonly sends: TimedSend[] = [];
  /** Events the Slack adapter handed the engine, and how many of them the engine finished. */
  received = 0;
  handled = 0;
  private mounted: { close(): Promise<void> } | undefined;

  constructor(private readonly o: SlackWorldOptions = {}) {
    super(undefined, {
      store: o.store ?? 'memory',
      settings: o.settings ?? engineSettings(),
      adapters: ['slack', 'south', ...(o.moreNetworks ?? [])],
      logger: o.logger,
    });
    ({ askAround: this.askAround, harold: this.harold, karyn: this.karyn, guildAdmin: this.guildAdmin } = ldGuild(this.world));
  }

  override async start(): Promise<this> {
    if (!this.o.api) this.fake = await FakeSlack.start({ team: TEAM, users: SLACK_USERS, ...this.o.fake });
    const api = this.o.api ?? { apiUrl: this.fake.apiUrl, botToken: this.fake.botToken, teamId: this.fake.team.id };
    this.link = this.o.slowLink ? await SlowLink.start(new URL(api.apiUrl).origin) : undefined;
    this.adapter = createSlackAdapter({
      botToken: api.botToken,
      signingSecret: SIGNING_SECRET,
      apiUrl: this.link ? `${this.link.base}/api/` : api.apiUrl,
      logger: this.o.logger ?? silentLogger,
    });
    await super.start();
    const mounted = await mountOnHttp(() => this.adapter);
    this.mounted = mounted;
    this.url = mounted.url;
    this.driver = new SlackDriver({ url: this.url, signingSecret: SIGNING_SECRET, teamId: api.teamId });
    return this;
  }

  protected override makeAdapter(network: string): ChatAdapter {
    return network === 'slack' ? this.tracked(this.adapter) : super.makeAdapter(network);
  }

  override async close(): Promise<void> {
    await super.close();
    await this.mounted?.close();
    await this.link?.close();
    // The fake is not ours to close when it runs elsewhere (`api`).
    if (!this.o.api) await this.fake.close();
  }

  /**
   * The adapter acks Slack before handing the event on, so the HTTP answer says nothing about
   * the engine; counting sink calls lets a test wait for the engine instead of sleeping.
   */
  private tracked(adapter: SlackAdapter): ChatAdapter {
    const concurrency = this.o.concurrency ?? 0;
    const timed: Partial<ChatAdapter> = this.o.timeSends
      ? {
          post: async (to, card, opts) => {
            const calledAt = performance.now();
            const ref = await adapter.post(to, card, opts);
            this.sends.push({ key: opts.idempotencyKey, calledAt, answeredAt: performance.now() });
            return ref;
          },
        }
      : {};
    return {
      ...adapter,
      ...timed,
      ...(concurrency > 0 ? { limits: { ...adapter.limits, concurrency } } : {}),
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

  slash(user: string, channel: string, command: '/ask' | '/feelers', text: string) {
    return this.through(() => this.driver.command({ command, text, user, channel }));
  }

  /** A person presses a button of a bot message (a signed block_actions), and the engine handles it. */
  press(user: string, channel: string, messageTs: string, b: Pick<SlackButton, 'action_id' | 'value'>, threadTs?: string) {
    return this.through(() =>
      this.driver.blockAction({ user, channel, messageTs, actionId: b.action_id, value: b.value, ...(threadTs ? { threadTs } : {}) }),
    );
  }

  /** A person's message event (thread reply when `threadTs`). */
  say(user: string, channel: string, text: string, threadTs?: string, extra: Record<string, unknown> = {}) {
    const ts = personTs();
    const event = {
      type: 'message',
      channel,
      channel_type: 'channel',
      user,
      text,
      ts,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...extra,
    };
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

  async replyTexts(askId: string): Promise<string[]> {
    const ids = await this.store.setMembers(sets.replies(askId));
    const replies = await Promise.all(ids.map((id) => this.engine.ctx.repo.reply(id)));
    return replies.flatMap((r) => (r ? [r.text] : []));
  }
}

let tsSeq = 0;
/** A person's message ts, above the fake's own sequence so it never equals one the bot got. */
export function personTs(): string {
  return `${Math.floor(Date.now() / 1000)}.${String(900_000 + ++tsSeq)}`;
}

/** A Slack message event in a thread (a reply under a copy). */
export function threadReply(channel: string, user: string, text: string, threadTs: string): Record<string, unknown> {
  return { type: 'message', channel, channel_type: 'channel', user, text, ts: personTs(), thread_ts: threadTs };
}

/** The metadata key feelers stamps on each post (its outbox idempotency key). */
export function deliveryKey(m: { metadata?: unknown }): string | undefined {
  const meta = m.metadata as { event_payload?: { key?: unknown } } | undefined;
  const key = meta?.event_payload?.key;
  return typeof key === 'string' ? key : undefined;
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
        out.push({
          action_id: el.action_id,
          value: typeof el.value === 'string' ? el.value : el.action_id,
          label: String(el.text?.text ?? ''),
        });
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
