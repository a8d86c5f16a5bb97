/**
 * Shared setup for the engine benchmarks: a memory world, an engine on a memory or SQLite
 * store, ChatEvent builders that skip the world's bookkeeping, and one result-line format
 * that scripts/bench.mjs reads back for its summary table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryAdapter, MemoryWorld } from '../adapters/memory/index.js';
import { Engine } from '../src/core/engine.js';
import type { Actor, CommandEvent, MessageEvent } from '../src/ports/events.js';
import type { PersonRef, Place } from '../src/ports/places.js';
import { threadOf } from '../src/ports/places.js';
import { sets } from '../src/core/keys.js';
import { defaultSettings, engineSettings, type EngineSettings, type SeedGround } from '../src/core/settings.js';
import type { DeliveryLimits } from '../src/ports/chat-adapter.js';
import type { Store } from '../src/ports/store.js';
import { createStore } from '../src/store/create-store.js';

export type StoreKind = 'memory' | 'sqlite';

/** Asks-per-day raised so one asker can make thousands of asks in a benchmark. */
export function benchSettings(grounds: SeedGround[]): EngineSettings {
  return engineSettings({ limits: { ...defaultSettings.limits, asksPerDay: 1e9 }, grounds });
}

export interface BedOptions {
  readonly store: StoreKind;
  /** Channels to create in the world; those with `ground` are seeded as grounds (no topics). */
  readonly channels: readonly (Place & { readonly ground: boolean })[];
  /** Limits each network's adapter declares, by network name. */
  readonly limits?: Readonly<Record<string, DeliveryLimits>> | undefined;
}

/** One engine on memory networks and a store, with the helpers the benchmarks share. */
export class Bed {
  private seq = 0;

  private constructor(
    readonly world: MemoryWorld,
    readonly engine: Engine,
    readonly store: Store,
    private readonly dir: string | undefined,
  ) {}

  static async open(opts: BedOptions): Promise<Bed> {
    // No clock given: the world's rate gate reads performance.now(), as a platform reads its own time.
    const world = new MemoryWorld();
    const networks = [...new Set(opts.channels.map((c) => c.network))];
    const communities = new Set<string>();
    for (const c of opts.channels) {
      const key = `${c.network}\u0000${c.community}`;
      if (!communities.has(key)) {
        communities.add(key);
        world.addCommunity(c.network, { id: c.community, name: `Community ${c.community}` });
      }
      world.addChannel(c.network, c.community, { id: c.channel, name: `channel ${c.channel}` });
    }
    const dir = opts.store === 'sqlite' ? mkdtempSync(join(tmpdir(), 'feelers-bench-')) : undefined;
    const store = await createStore(dir ? `sqlite://${join(dir, 'bench.sqlite')}` : 'memory://');
    const grounds = opts.channels
      .filter((c) => c.ground)
      .map((c) => ({ network: c.network, community: c.community, channel: c.channel, topics: [] }));
    const adapters = networks.map((network) => createMemoryAdapter({ world, network, limits: opts.limits?.[network] }));
    const engine = new Engine({ store, adapters, settings: benchSettings(grounds) });
    await engine.start();
    await engine.deliver();
    return new Bed(world, engine, store, dir);
  }

  nextEventId(tag: string): string {
    return `bench:${tag}:${++this.seq}`;
  }

  /** `/ask text` in `place` by `asker`, straight into the engine. */
  async ask(asker: Actor, place: Place, text: string): Promise<void> {
    await this.engine.handle(commandEvent(this.nextEventId('ask'), asker, place, text));
  }

  /** Drains the outbox; throws if something stays in it (a benchmark on half-built data lies). */
  async settle(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      await this.engine.deliver();
      if ((await this.store.setSize(sets.outbox)) === 0) return;
      await sleep(5);
    }
    throw new Error(`the outbox still holds ${await this.store.setSize(sets.outbox)} deliveries`);
  }

  openAsks(): Promise<string[]> {
    return this.store.setMembers(sets.openAsks).then((ids) => ids.sort());
  }

  /** Threads of the copies of one ask that were delivered (copies without a ref are skipped). */
  async copyThreads(askId: string): Promise<Place[]> {
    const { repo } = this.engine.ctx;
    const out: Place[] = [];
    for (const id of await this.store.setMembers(sets.copies(askId))) {
      const ref = (await repo.copy(id))?.ref;
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

  async close(): Promise<void> {
    await this.engine.stop({ drainMs: 0 });
    await this.store.close();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const hi = s[mid] ?? NaN;
  return s.length % 2 === 1 ? hi : ((s[mid - 1] ?? NaN) + hi) / 2;
}

export function int(n: number): string {
  return Math.round(n).toLocaleString('en');
}

/** CPU milliseconds (user + system) this process spent since `from` (a process.cpuUsage()). */
export function cpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

/** Seconds since `start` (a performance.now() reading). */
export function since(start: number): number {
  return (performance.now() - start) / 1000;
}

/**
 * One figure with its target. The line reads well on its own and scripts/bench.mjs parses it:
 * `RESULT | <what> | <figure> | <target> | PASS|MISS|INFO`.
 * `pass` undefined marks a figure printed for information only.
 */
export function result(what: string, figure: string, target: string, pass?: boolean): void {
  const verdict = pass === undefined ? 'INFO' : pass ? 'PASS' : 'MISS';
  console.log(`RESULT | ${what} | ${figure} | ${target} | ${verdict}`);
}

/** A verification the figure depends on; a failed check is a failed benchmark. */
export function check(what: string, ok: boolean, detail: string): void {
  console.log(`RESULT | check: ${what} | ${detail} | must hold | ${ok ? 'PASS' : 'FAIL'}`);
  if (!ok) process.exitCode = 1;
}

/**
 * Runs `fn`; with FEELERS_BENCH_PROF=<dir> set, records a CPU profile of just that stretch
 * (setup excluded) to `<dir>/<name>.cpuprofile`, to open in Chrome DevTools or summarise.
 */
export async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.FEELERS_BENCH_PROF;
  if (!dir) return fn();
  const { Session } = await import('node:inspector/promises');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}
