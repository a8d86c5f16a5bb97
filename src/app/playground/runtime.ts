import { createMemoryAdapter } from '../../../adapters/memory/index.js';
import { MemoryWorld } from '../../../adapters/memory/world.js';
import { adapterState } from '../../core/adapter-state.js';
import { Engine } from '../../core/engine.js';
import type { EngineMetrics } from '../../core/metrics.js';
import type { Sealer } from '../../core/sealer.js';
import type { EngineSettings } from '../../core/settings.js';
import type { ScheduleConfig } from '../../config/load-config.js';
import type { Logger } from '../../ports/logger.js';
import type { Store } from '../../ports/store.js';
import { createStore } from '../../store/create-store.js';
import { Scheduler } from '../scheduler.js';
import { buildWorld, enforceLimits, NETWORKS, playgroundSettings, seedProfiles } from './seed-world.js';
import { loadSaved, WorldKeeper } from './snapshot.js';
import type { StoryState } from './story.js';

export interface RuntimeOptions {
  readonly storeUrl: string;
  readonly settings: EngineSettings;
  readonly schedule: ScheduleConfig;
  readonly sealer: Sealer;
  readonly instanceId: string;
  readonly logger: Logger;
  readonly metrics: EngineMetrics;
}

/**
 * One life of the playground: its store, its world, the memory adapters on it, the real
 * engine and its schedule. Reset ends one and opens the next on an empty file; the HTTP
 * server and the page stay.
 */
export class PlaygroundRuntime {
  story: StoryState;
  private keeper: WorldKeeper | undefined;

  private constructor(
    readonly store: Store,
    readonly world: MemoryWorld,
    readonly engine: Engine,
    private readonly scheduler: Scheduler,
    story: StoryState,
  ) {
    this.story = story;
  }

  /** Opens the store, brings back the saved world (or seeds a new one), and starts the engine on it. */
  static async open(o: RuntimeOptions): Promise<PlaygroundRuntime> {
    const log = o.logger.child({ part: 'playground' });
    const store = await createStore(o.storeUrl, { logger: o.logger.child({ part: 'store' }) });
    const undo: (() => Promise<void>)[] = [() => store.close()];
    try {
      const state = adapterState(store, 'playground', o.sealer);
      const saved = await loadSaved(state, log);
      const world = saved ? MemoryWorld.restore(saved.world) : new MemoryWorld();
      if (!saved) buildWorld(world);
      enforceLimits(world);
      const engine = new Engine({
        store,
        adapters: NETWORKS.map((n) => createMemoryAdapter({ world, network: n.name, limits: n.limits })),
        instanceId: o.instanceId,
        sealer: o.sealer,
        logger: o.logger,
        metrics: o.metrics,
        settings: playgroundSettings(o.settings),
      });
      await engine.start();
      undo.push(() => engine.stop({ drainMs: 0 }));
      // People set their topics, contacts and opt-outs in chat before the visitor arrives.
      if (!saved) await seedProfiles(world);
      const scheduler = new Scheduler({ engine, schedule: o.schedule, logger: o.logger });
      const runtime = new PlaygroundRuntime(store, world, engine, scheduler, saved?.story ?? { step: 0 });
      runtime.keeper = new WorldKeeper(world, state, () => runtime.story, log);
      // The first world is written at once: a crash before the first change must not reseed over the store.
      if (!saved) await runtime.keeper.saveNow();
      scheduler.start();
      // What the outbox owed and what was written while stopped are done before the page opens.
      await engine.deliver();
      await engine.whenCaughtUp();
      log.info(
        { restored: saved !== undefined, messages: world.messages.size },
        saved ? 'playground world restored' : 'playground world seeded',
      );
      return runtime;
    } catch (err) {
      for (const step of undo.reverse()) await step().catch(() => undefined);
      throw err;
    }
  }

  /** Save the story's place with the world. */
  setStory(state: StoryState): Promise<void> {
    this.story = state;
    return this.keeper?.saveNow() ?? Promise.resolve();
  }

  /**
   * Stop the schedule and the engine (draining the outbox for at most `drainMs`), write the
   * world a last time (unless it is about to be wiped), close the store.
   */
  async close(opts: { drainMs: number; save: boolean }): Promise<void> {
    await this.scheduler.stop();
    await this.engine.stop({ drainMs: opts.drainMs });
    await this.keeper?.close({ save: opts.save });
    await this.store.close();
  }
}
