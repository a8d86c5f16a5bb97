/**
 * The engine on memory networks: the set-up every engine test and benchmark starts from.
 * `EngineBed` owns the world, the store and the engine (the Slack and Discord set-ups build on it
 * too); `Story` is the cast of test/core; `Bed` is the benchmarks' variant, on real time.
 * The steps tests take on a Story (ask, digest, press a button...) are in ./core-steps.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryAdapter, MemoryWorld } from '../../adapters/memory/index.js';
import type { StoredMessage } from '../../adapters/memory/world-types.js';
import { Engine } from '../../src/core/engine.js';
import { sets } from '../../src/core/keys.js';
import type { Sealer } from '../../src/core/sealer.js';
import { defaultSettings, engineSettings, type EngineSettings, type SeedGround } from '../../src/core/settings.js';
import type { Admission, ChatAdapter, DeliveryLimits } from '../../src/ports/chat-adapter.js';
import type { Clock } from '../../src/ports/clock.js';
import type { Logger } from '../../src/ports/logger.js';
import type { Actor, CommandEvent, MessageEvent } from '../../src/ports/events.js';
import { threadOf, type PersonRef, type Place } from '../../src/ports/places.js';
import type { Store } from '../../src/ports/store.js';
import { createStore } from '../../src/store/create-store.js';
import { ManualClock } from './manual-clock.js';
import { sleep } from './wait.js';

export type StoreKind = 'memory' | 'sqlite';

export interface EngineBedOptions {
  /** 'memory', 'sqlite' (a file in a fresh temp folder), or a store URL used as it is (Redis). */
  readonly store: StoreKind | { readonly url: string };
  readonly settings: EngineSettings;
  /** The engine's networks, in start order: memory ones on the bed's world unless a subclass's `makeAdapter` says otherwise. */
  readonly adapters: readonly string[];
  /** Limits each memory network's adapter declares, by network name. */
  readonly limits?: Readonly<Record<string, DeliveryLimits>> | undefined;
  /** The engine's logger (default: silent); a test that reads what feelers logs passes its own. */
  readonly logger?: Logger | undefined;
}

/**
 * One engine, its store and the memory world its memory networks live in. `clock` is the
 * world's, the store's and the engine's; undefined means real time (the world's rate gate then
 * reads performance.now(), as a platform reads its own time).
 */
export class EngineBed<C extends Clock | undefined = undefined> {
  readonly world: MemoryWorld;
  readonly settings: EngineSettings;
  engine!: Engine;
  store!: Store;
  /** What seals contacts at rest (FEELERS_SECRET_KEY); set before `start` or a `restart` to change keys. */
  sealer: Sealer | undefined;
  /** What each memory network admits without an operator (membership); set before `start`. Default: every community. */
  admission: Record<string, Admission> = {};
  private dir: string | undefined;

  constructor(
    readonly clock: C,
    private readonly bed: EngineBedOptions,
  ) {
    this.world = new MemoryWorld(clock ? { clock } : {});
    this.settings = bed.settings;
  }

  async start(): Promise<this> {
    if (this.bed.store === 'sqlite') this.dir = mkdtempSync(join(tmpdir(), 'feelers-test-'));
    this.store = await this.openStore();
    await this.opened();
    await this.boot();
    return this;
  }

  storeUrl(): string {
    const s = this.bed.store;
    if (typeof s === 'object') return s.url;
    return this.dir ? `sqlite://${join(this.dir, 'feelers.sqlite')}` : 'memory://';
  }

  private openStore(): Promise<Store> {
    return createStore(this.storeUrl(), this.clock ? { clock: this.clock } : {});
  }

  /** A new engine (and adapters) on the same store and world: what a process restart gives. */
  async boot(): Promise<Engine> {
    const adapters = this.bed.adapters.map((network) => this.makeAdapter(network));
    this.engine = new Engine({
      store: this.store,
      adapters,
      clock: this.clock,
      settings: this.settings,
      ...(this.bed.logger ? { logger: this.bed.logger } : {}),
      ...(this.sealer ? { sealer: this.sealer } : {}),
    });
    await this.engine.start();
    await this.engine.deliver();
    return this.engine;
  }

  /** Runs once the store is open and before the engine boots (at start and at each restart): a subclass makes what needs the store. */
  protected async opened(): Promise<void> {}

  /** The adapter for one of the engine's networks, made afresh at each boot: a memory one here. */
  protected makeAdapter(network: string): ChatAdapter {
    return createMemoryAdapter({ world: this.world, network, limits: this.bed.limits?.[network], admission: this.admission[network] });
  }

  async restart(): Promise<void> {
    await this.engine.stop({ drainMs: 0 });
    await this.store.close();
    this.store = await this.openStore();
    await this.opened();
    await this.boot();
  }

  async close(): Promise<void> {
    await this.engine.stop({ drainMs: 0 });
    await this.store.close();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Let the outbox send what is due. */
  async settle(): Promise<void> {
    await this.engine.deliver();
  }

  /**
   * Delivers until the outbox is empty. A 429 or a backoff leaves deliveries due later, and
   * `deliver()` returns rather than holding a pass open for them; this keeps calling it. Throws
   * when it will not empty (a test or a benchmark on half-built data lies).
   */
  async drain(ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      await this.engine.deliver();
      if ((await this.store.setSize(sets.outbox)) === 0) return;
      if (Date.now() > deadline) throw new Error(`the outbox still holds ${await this.store.setSize(sets.outbox)} deliveries`);
      await sleep(5);
    }
  }

  /** Ids of the open asks, sorted. */
  async openAsks(): Promise<string[]> {
    return (await this.store.setMembers(sets.openAsks)).sort();
  }

  /** Bot messages at the top of a memory channel (or in a thread or DM), oldest first. */
  botPosts(place: Place): StoredMessage[] {
    return this.world.messagesIn(place).filter((m) => m.byBot);
  }

  /** The newest bot message in a memory place (channel, thread or DM). */
  last(place: Place): StoredMessage {
    const m = this.botPosts(place).at(-1);
    if (!m) throw new Error(`no bot message in ${JSON.stringify(place)}`);
    return m;
  }

  lastDm(p: PersonRef): StoredMessage {
    const m = this.world.dmsTo(p).at(-1);
    if (!m) throw new Error(`no DM to ${p.user}`);
    return m;
  }

  /** The thread under a memory message. */
  thread(m: StoredMessage): Place {
    return { network: m.network, community: m.community, channel: m.channel, thread: m.thread ?? m.id };
  }

  lastNotice(p: PersonRef): string {
    return this.world.noticesTo(p).at(-1)?.text ?? '';
  }
}

// ---- the cast -------------------------------------------------------------------------------

/** TrainingZone (network "north", community T1): channel any-answers, Jane, and Tess its admin. */
export function trainingZone(w: MemoryWorld) {
  w.addCommunity('north', { id: 'T1', name: 'TrainingZone' });
  return {
    anyAnswers: w.addChannel('north', 'T1', { id: 'C-any', name: 'any-answers' }),
    jane: w.addMember('north', 'T1', { id: 'U-jane', name: 'Jane', handle: '@jane.tz', profileUrl: 'https://tz.example/jane' }),
    tzAdmin: w.addMember('north', 'T1', { id: 'U-tzadmin', name: 'Tess', admin: true }),
  };
}

/** L&D Guild's channel ask-around, where `ldGuild` puts it. */
export const ASK_AROUND: Place = { network: 'south', community: 'G1', channel: 'C-ask' };

/** L&D Guild (network "south", community G1): channel ask-around, four members, and Gita its admin. */
export function ldGuild(w: MemoryWorld) {
  w.addCommunity('south', { id: 'G1', name: 'L&D Guild' });
  return {
    askAround: w.addChannel('south', 'G1', { id: ASK_AROUND.channel, name: 'ask-around' }),
    harold: w.addMember('south', 'G1', { id: 'U-harold', name: 'Harold', handle: '@harold' }),
    karyn: w.addMember('south', 'G1', { id: 'U-karyn', name: 'Karyn' }),
    sam: w.addMember('south', 'G1', { id: 'U-sam', name: 'Sam' }),
    maria: w.addMember('south', 'G1', { id: 'U-maria', name: 'Maria' }),
    guildAdmin: w.addMember('south', 'G1', { id: 'U-gadmin', name: 'Gita', admin: true }),
  };
}

/** The story's cast: TrainingZone and L&D Guild on two memory networks, on a manual clock. */
export class Story extends EngineBed<ManualClock> {
  readonly anyAnswers: Place;
  readonly askAround: Place;
  readonly jane: PersonRef;
  readonly tzAdmin: PersonRef;
  readonly harold: PersonRef;
  readonly karyn: PersonRef;
  readonly sam: PersonRef;
  readonly maria: PersonRef;
  readonly guildAdmin: PersonRef;

  constructor(
    readonly storeKind: EngineBedOptions['store'],
    settings: EngineSettings = engineSettings(),
  ) {
    super(new ManualClock(), { store: storeKind, settings, adapters: ['north', 'south'] });
    ({ anyAnswers: this.anyAnswers, jane: this.jane, tzAdmin: this.tzAdmin } = trainingZone(this.world));
    const guild = ldGuild(this.world);
    ({
      askAround: this.askAround,
      harold: this.harold,
      karyn: this.karyn,
      sam: this.sam,
      maria: this.maria,
      guildAdmin: this.guildAdmin,
    } = guild);
  }

  async connectBoth(): Promise<void> {
    await this.world.command(this.tzAdmin, this.anyAnswers, 'feelers', 'connect');
    await this.world.command(this.guildAdmin, this.askAround, 'feelers', 'connect');
  }
}

export function buttonLabels(m: StoredMessage): string[] {
  return (m.card?.blocks ?? []).flatMap((b) => (b.type === 'buttons' ? b.buttons.map((x) => x.label) : []));
}

// ---- the benchmarks' bed --------------------------------------------------------------------

/** Asks-per-day raised so one asker can make thousands of asks in a benchmark; `grounds` seeded without topics. */
export function benchSettings(grounds: readonly Place[]): EngineSettings {
  const seeded: SeedGround[] = grounds.map((g) => ({ network: g.network, community: g.community, channel: g.channel, topics: [] }));
  return engineSettings({ limits: { ...defaultSettings.limits, asksPerDay: 1e9 }, grounds: seeded });
}

export interface BedOptions {
  readonly store: EngineBedOptions['store'];
  /** Channels to create in the world; those with `ground` are seeded as grounds (no topics). */
  readonly channels: readonly (Place & { readonly ground: boolean })[];
  readonly limits?: EngineBedOptions['limits'];
}

/** An engine on memory networks in real time, with any channels, fed events straight in. */
export class Bed extends EngineBed {
  private seq = 0;

  static async open(o: BedOptions): Promise<Bed> {
    const networks = [...new Set(o.channels.map((c) => c.network))];
    const bed = new Bed(undefined, {
      store: o.store,
      settings: benchSettings(o.channels.filter((c) => c.ground)),
      adapters: networks,
      limits: o.limits,
    });
    const communities = new Set<string>();
    for (const c of o.channels) {
      const key = `${c.network}\u0000${c.community}`;
      if (!communities.has(key)) {
        communities.add(key);
        bed.world.addCommunity(c.network, { id: c.community, name: `Community ${c.community}` });
      }
      bed.world.addChannel(c.network, c.community, { id: c.channel, name: `channel ${c.channel}` });
    }
    return bed.start();
  }

  nextEventId(tag: string): string {
    return `bench:${tag}:${++this.seq}`;
  }

  /** `/ask text` in `place` by `asker`, straight into the engine. */
  async ask(asker: Actor, place: Place, text: string): Promise<void> {
    await this.engine.handle(commandEvent(this.nextEventId('ask'), asker, place, text));
  }

  /** Threads of the copies of one ask that were delivered (copies without a ref are skipped). */
  async copyThreads(askId: string): Promise<Place[]> {
    const out: Place[] = [];
    for (const id of await this.store.setMembers(sets.copies(askId))) {
      const ref = (await this.engine.ctx.repo.copy(id))?.ref;
      if (ref) out.push(threadOf(ref));
    }
    return out;
  }

  /** Replies stored over these asks (each reply is one member of `replies:<askId>`). */
  async storedReplies(askIds: readonly string[]): Promise<number> {
    let n = 0;
    for (const id of askIds) n += await this.store.setSize(sets.replies(id));
    return n;
  }
}

export function actor(p: PersonRef, name: string): Actor {
  return { ...p, name, isBot: false, isSelf: false, rights: { admin: false, manageChannel: false } };
}

export function commandEvent(id: string, who: Actor, place: Place, text: string): CommandEvent {
  return { id, kind: 'command', name: 'ask', text, actor: who, place, communityName: `Community ${place.community}` };
}

/** A person's message in a thread, as an adapter would hand it over. */
export function messageEvent(id: string, who: Actor, place: Place, text: string): MessageEvent {
  return {
    id,
    kind: 'message',
    messageId: `msg-${id}`,
    text,
    direct: false,
    mentionsBot: false,
    actor: who,
    place,
    communityName: `Community ${place.community}`,
  };
}
