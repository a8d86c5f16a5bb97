import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryAdapter, MemoryWorld } from '../../adapters/memory/index.js';
import type { StoredMessage } from '../../adapters/memory/world-types.js';
import { ManualClock } from './manual-clock.js';
import { Engine } from '../../src/core/engine.js';
import type { PersonRef, Place } from '../../src/ports/places.js';
import { engineSettings, type EngineSettings } from '../../src/core/settings.js';
import type { Store } from '../../src/ports/store.js';
import { createStore } from '../../src/store/create-store.js';

export type StoreKind = 'memory' | 'sqlite';

/**
 * The story's cast: two communities on two memory networks.
 * TrainingZone (network "north", channel any-answers) and L&D Guild (network "south", channel ask-around).
 */
export class Story {
  readonly clock = new ManualClock();
  readonly world = new MemoryWorld({ clock: this.clock });
  engine!: Engine;
  store!: Store;
  readonly anyAnswers: Place;
  readonly askAround: Place;
  readonly jane: PersonRef;
  readonly tzAdmin: PersonRef;
  readonly harold: PersonRef;
  readonly karyn: PersonRef;
  readonly sam: PersonRef;
  readonly maria: PersonRef;
  readonly guildAdmin: PersonRef;
  private dir: string | undefined;

  constructor(readonly storeKind: StoreKind, readonly settings: EngineSettings = engineSettings()) {
    const w = this.world;
    w.addCommunity('north', { id: 'T1', name: 'TrainingZone' });
    w.addCommunity('south', { id: 'G1', name: 'L&D Guild' });
    this.anyAnswers = w.addChannel('north', 'T1', { id: 'C-any', name: 'any-answers' });
    this.askAround = w.addChannel('south', 'G1', { id: 'C-ask', name: 'ask-around' });
    this.jane = w.addMember('north', 'T1', { id: 'U-jane', name: 'Jane', handle: '@jane.tz', profileUrl: 'https://tz.example/jane' });
    this.tzAdmin = w.addMember('north', 'T1', { id: 'U-tzadmin', name: 'Tess', admin: true });
    this.harold = w.addMember('south', 'G1', { id: 'U-harold', name: 'Harold', handle: '@harold' });
    this.karyn = w.addMember('south', 'G1', { id: 'U-karyn', name: 'Karyn' });
    this.sam = w.addMember('south', 'G1', { id: 'U-sam', name: 'Sam' });
    this.maria = w.addMember('south', 'G1', { id: 'U-maria', name: 'Maria' });
    this.guildAdmin = w.addMember('south', 'G1', { id: 'U-gadmin', name: 'Gita', admin: true });
  }

  async start(): Promise<this> {
    if (this.storeKind === 'sqlite') {
      this.dir = mkdtempSync(join(tmpdir(), 'feelers-story-'));
    }
    this.store = await createStore(this.storeUrl(), { clock: this.clock });
    await this.boot();
    return this;
  }

  storeUrl(): string {
    return this.dir ? `sqlite://${join(this.dir, 'feelers.sqlite')}` : 'memory://';
  }

  /** A new engine (and adapters) on the same store and world: what a process restart gives. */
  async boot(): Promise<Engine> {
    this.engine = new Engine({
      store: this.store,
      adapters: [createMemoryAdapter({ world: this.world, network: 'north' }), createMemoryAdapter({ world: this.world, network: 'south' })],
      clock: this.clock,
      settings: this.settings,
    });
    await this.engine.start();
    await this.engine.deliver();
    return this.engine;
  }

  async restart(): Promise<void> {
    await this.engine.stop({ drainMs: 0 });
    await this.store.close();
    this.store = await createStore(this.storeUrl(), { clock: this.clock });
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

  async connectBoth(): Promise<void> {
    await this.world.command(this.tzAdmin, this.anyAnswers, 'feelers', 'connect');
    await this.world.command(this.guildAdmin, this.askAround, 'feelers', 'connect');
  }

  /** Bot messages at the top of a channel, oldest first. */
  botPosts(place: Place): StoredMessage[] {
    return this.world.messagesIn(place).filter((m) => m.byBot);
  }

  /** The newest bot message in a place (channel, thread or DM). */
  last(place: Place): StoredMessage {
    const posts = this.botPosts(place);
    const m = posts[posts.length - 1];
    if (!m) throw new Error(`no bot message in ${JSON.stringify(place)}`);
    return m;
  }

  lastDm(p: PersonRef): StoredMessage {
    const dms = this.world.dmsTo(p);
    const m = dms[dms.length - 1];
    if (!m) throw new Error(`no DM to ${p.user}`);
    return m;
  }

  thread(m: StoredMessage): Place {
    return { network: m.network, community: m.community, channel: m.channel, thread: m.thread ?? m.id };
  }

  lastNotice(p: PersonRef): string {
    const n = this.world.noticesTo(p);
    return n[n.length - 1]?.text ?? '';
  }
}

export function buttonLabels(m: StoredMessage): string[] {
  return (m.card?.blocks ?? []).flatMap((b) => (b.type === 'buttons' ? b.buttons.map((x) => x.label) : []));
}
