/**
 * The Discord layer's set-up: the engine (./core.ts) with two networks, the memory adapter
 * (TrainingZone, network 'north') and the real Discord adapter (discord.js) against the fake
 * Discord (L&D Guild, channel ask-around). Used by the Discord stories and the Discord benchmark;
 * the adapter alone, without the engine, is ./discord-adapter.ts.
 * The clock is real time plus an offset tests can move, because discord.js and the fake run on
 * real timers while digests and expiry read the engine's clock.
 */
import { actionIdOf } from '../../adapters/discord/parse.js';
import { adapterState } from '../../src/core/adapter-state.js';
import type { Clock } from '../../src/ports/clock.js';
import { engineSettings, type EngineSettings } from '../../src/core/settings.js';
import type { ChatAdapter } from '../../src/ports/chat-adapter.js';
import type { ChatEvent } from '../../src/ports/events.js';
import type { PersonRef, Place } from '../../src/ports/places.js';
import { FakeDiscord, PERM, type FakeDiscordOptions, type InteractionRecord, type Who } from '../fakes/discord/fake-discord.js';
import type { StoredMessage } from '../fakes/discord/fake-state.js';
import { EngineBed, trainingZone } from './core.js';
import { adapterFor, TOKEN } from './discord-adapter.js';

export const GUILD = '910000000000000001';
export const ASK_AROUND = '910000000000000010';
const MOD_ROLE = '910000000000000200';
const ADMIN_ROLE = '910000000000000201';
export const DUSERS = {
  gita: { id: '910000000000000100', username: 'gita', global_name: 'Gita' },
  harold: { id: '910000000000000101', username: 'harold', global_name: 'Harold' },
  karyn: { id: '910000000000000102', username: 'karyn', global_name: 'Karyn' },
  sam: { id: '910000000000000103', username: 'sam', global_name: 'Sam' },
  maria: { id: '910000000000000104', username: 'maria', global_name: 'Maria' },
  milo: { id: '910000000000000105', username: 'milo', global_name: 'Milo' },
  owner: { id: '910000000000000106', username: 'owner', global_name: 'Olu' },
  hookbot: { id: '910000000000000150', username: 'hookbot', bot: true },
} as const;
export type DName = keyof typeof DUSERS;

export class OffsetClock implements Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

export interface StoryOptions {
  messageContent?: boolean;
  fake?: FakeDiscordOptions;
  settings?: Partial<EngineSettings>;
  /** Register the commands globally (usable in DMs) instead of per guild. */
  globalCommands?: boolean;
  /** DISCORD_GUILD_IDS instead of every guild the story makes (unless `globalCommands`). */
  guildIds?: readonly string[];
  /** Extra text channels in extra guilds (for fan-out), each: [guildId, channelId]. */
  extraChannels?: readonly (readonly [string, string])[];
  /** Members of the extra guilds besides Gita (their admin). */
  extraMembers?: readonly DName[];
}

export class DiscordStory extends EngineBed<OffsetClock> {
  /** Discord events the engine finished handling, in order. */
  readonly handled: ChatEvent[] = [];
  readonly anyAnswers: Place;
  readonly jane: PersonRef;
  readonly tess: PersonRef;
  readonly askAround: Place = { network: 'discord', community: GUILD, channel: ASK_AROUND };
  adapter!: ChatAdapter;

  private constructor(
    readonly fake: FakeDiscord,
    private readonly opts: StoryOptions,
  ) {
    super(new OffsetClock(), { store: 'memory', settings: engineSettings(opts.settings ?? {}), adapters: ['north', 'discord'] });
    ({ anyAnswers: this.anyAnswers, jane: this.jane, tzAdmin: this.tess } = trainingZone(this.world));
  }

  static async start(opts: StoryOptions = {}): Promise<DiscordStory> {
    const fake = await FakeDiscord.start({ token: TOKEN, ...opts.fake });
    addLdGuild(fake);
    const byGuild = new Map<string, string[]>();
    for (const [g, c] of opts.extraChannels ?? []) byGuild.set(g, [...(byGuild.get(g) ?? []), c]);
    for (const [g, chans] of byGuild) {
      fake.addGuild({
        id: g,
        name: `Guild ${g.slice(-3)}`,
        ownerId: DUSERS.gita.id,
        channels: chans.map((c) => ({ id: c, name: `ch-${c.slice(-4)}` })),
        members: [{ user: DUSERS.gita }, ...(opts.extraMembers ?? []).map((n) => ({ user: DUSERS[n] }))],
      });
    }
    return new DiscordStory(fake, opts).start();
  }

  protected override makeAdapter(network: string): ChatAdapter {
    if (network !== 'discord') return super.makeAdapter(network);
    const inner = adapterFor(this.fake, {
      guildIds: this.opts.globalCommands
        ? undefined
        : (this.opts.guildIds ?? [GUILD, ...new Set((this.opts.extraChannels ?? []).map(([g]) => g))]),
      messageContent: this.opts.messageContent ?? false,
      state: adapterState(this.store, 'discord'),
    });
    this.adapter = recordingHandled(inner, this.handled);
    return this.adapter;
  }

  /**
   * A new process on the same store: the engine and a new Discord adapter (a new discord.js
   * client and gateway session), nothing kept in memory. The memory store stays open.
   */
  async reboot(): Promise<void> {
    await this.engine.stop({ drainMs: 0 });
    await this.boot();
  }

  override async close(): Promise<void> {
    await super.close();
    await this.fake.stop();
  }

  /** Waits until the engine has handled a Discord event that matches, then drains the outbox. */
  async handledWhere(pred: (e: ChatEvent) => boolean, what: string): Promise<ChatEvent> {
    const e = await this.fake.until(() => this.handled.find(pred), what);
    await this.settle();
    return e;
  }

  /** Waits until the engine handled the event with this message or interaction id. */
  async handledId(id: string, what: string): Promise<ChatEvent> {
    return this.handledWhere(isEventFor(id), what);
  }

  who(name: DName, channel = ASK_AROUND): Who {
    return whoIn(this.fake, name, channel);
  }

  dm(name: DName): string {
    return this.fake.dmChannel(DUSERS[name].id).id;
  }

  person(name: DName): PersonRef {
    return { network: 'discord', community: GUILD, user: DUSERS[name].id };
  }

  /** Bot posts in a Discord channel, thread or DM channel, oldest first (interaction answers aside). */
  botMessages(channel: string): StoredMessage[] {
    return botMessagesIn(this.fake, channel);
  }

  lastBot(channel: string): StoredMessage {
    const m = this.botMessages(channel).at(-1);
    if (!m) throw new Error(`no bot message in ${channel}`);
    return m;
  }
}

/** L&D Guild on a fake Discord: ask-around, its owner Olu, Gita (admin), Milo (mod), members and a bot. */
export function addLdGuild(fake: FakeDiscord): void {
  fake.addGuild({
    id: GUILD,
    name: 'L&D Guild',
    ownerId: DUSERS.owner.id,
    channels: [{ id: ASK_AROUND, name: 'ask-around' }],
    roles: [
      { id: MOD_ROLE, name: 'mod', permissions: PERM.MANAGE_CHANNELS },
      { id: ADMIN_ROLE, name: 'admin', permissions: PERM.MANAGE_GUILD },
    ],
    members: [
      { user: DUSERS.owner },
      { user: DUSERS.gita, roles: [ADMIN_ROLE] },
      { user: DUSERS.milo, roles: [MOD_ROLE] },
      { user: DUSERS.harold },
      { user: DUSERS.karyn },
      { user: DUSERS.sam },
      { user: DUSERS.maria },
      { user: DUSERS.hookbot },
    ],
  });
}

/**
 * The adapter, recording each event the engine finished with on `handled`: the gateway event
 * reaches the engine some time after the fake sent it, so a test waits on this rather than on time.
 */
export function recordingHandled(inner: ChatAdapter, handled: ChatEvent[]): ChatAdapter {
  return {
    ...inner,
    start: (sink) =>
      inner.start(async (e) => {
        try {
          await sink(e);
        } finally {
          handled.push(e);
        }
      }),
  };
}

/** Whether an event is the one of this Discord message or interaction id. */
export function isEventFor(id: string): (e: ChatEvent) => boolean {
  return (e) => e.id.endsWith(`:${id}`) || ('messageId' in e && e.messageId === id);
}

/** A member of L&D Guild acting in a channel or thread (its guild read from the fake). */
export function whoIn(fake: FakeDiscord, name: DName, channel = ASK_AROUND): Who {
  return { guild: fake.world.channels.get(channel)?.guild_id, channel, user: DUSERS[name].id };
}

/** Bot posts in a Discord channel, thread or DM channel, oldest first (interaction answers aside). */
export function botMessagesIn(fake: FakeDiscord, channel: string): StoredMessage[] {
  return fake.world.messagesIn(channel).filter((m) => m.author.id === fake.world.bot.id && !m.viaInteraction);
}

/** The text of the bot's first answer to an interaction, once the engine has handled it. */
export async function answerOf(story: DiscordStory, rec: InteractionRecord): Promise<string> {
  await story.handledId(rec.id, `interaction ${rec.id}`);
  const f = await story.fake.until(() => rec.followUps[0], 'the answer');
  // Every '@' the bot sends is followed by a zero-width space so it can never ping.
  return String(f['content'] ?? '').replace(/\u200b/g, '');
}

/** Everything a Discord message shows: content, embed texts and footers, button labels. */
export function shownText(m: StoredMessage): string {
  const parts: string[] = [m.content];
  for (const e of m.embeds as { description?: string; title?: string }[]) parts.push(e.title ?? '', e.description ?? '');
  return parts
    .filter((p) => p.length > 0)
    .join('\n')
    .replace(/\u200b/g, '');
}

export function labels(m: StoredMessage): string[] {
  return (m.components as { components?: { label?: string }[] }[]).flatMap((r) => (r.components ?? []).map((c) => c.label ?? ''));
}

/** The custom_id of the button with this label on a Discord message. */
export function customIdOf(m: StoredMessage, label: string): string {
  for (const row of m.components as { components?: { label?: string; custom_id?: string }[] }[]) {
    for (const c of row.components ?? []) if (c.label === label && c.custom_id) return c.custom_id;
  }
  throw new Error(`no button "${label}" on message ${m.id}: ${labels(m).join(', ')}`);
}

export { actionIdOf };
