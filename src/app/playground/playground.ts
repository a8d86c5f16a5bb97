import { rmSync } from 'node:fs';
import { sqlitePath } from '../../store/create-store.js';
import { LiveHub } from './live.js';
import { PlaygroundRuntime, type RuntimeOptions } from './runtime.js';

/**
 * The playground across its lives: the runtime now serving (store, world, engine), the live
 * streams that outlast a Reset, and Reset itself. Routes ask `current()`, which waits while
 * a Reset swaps the runtime.
 */
export class Playground {
  readonly hub = new LiveHub();
  private runtime: PlaygroundRuntime | undefined;
  private switching: Promise<void> | undefined;
  private unwatch: (() => void) | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly o: RuntimeOptions) {}

  async start(): Promise<void> {
    await this.open();
  }

  /** The runtime serving now (after any Reset in progress). */
  async current(): Promise<PlaygroundRuntime> {
    while (this.switching) await this.switching;
    if (!this.runtime) throw new Error('the playground is not running');
    return this.runtime;
  }

  /** The engine serving now, for /healthz and the handle main.ts returns. */
  get engine(): PlaygroundRuntime['engine'] | undefined {
    return this.runtime?.engine;
  }

  /**
   * One thing at a time changes the world from the page's tools (the story's steps, Reset):
   * a second press while one runs is told so rather than interleaved.
   */
  async exclusive<T>(work: () => Promise<T>): Promise<T | 'busy'> {
    if (this.running) return 'busy';
    const p = work();
    this.running = p;
    try {
      return await p;
    } finally {
      this.running = undefined;
    }
  }

  /** Wipes the store's data and the world, then starts again from the seed. */
  reset(): Promise<void> {
    this.switching ??= (async () => {
      const old = this.runtime;
      this.unwatch?.();
      this.runtime = undefined;
      await old?.close({ drainMs: 0, save: false });
      wipe(this.o.storeUrl);
      await this.open();
      this.hub.changed();
    })().finally(() => {
      this.switching = undefined;
    });
    return this.switching;
  }

  /** Stops the live streams (they would hold the HTTP server open), then the runtime, saving the world. */
  async stop(drainMs: number): Promise<void> {
    this.hub.close();
    await this.switching?.catch(() => undefined);
    this.unwatch?.();
    await this.runtime?.close({ drainMs, save: true });
    this.runtime = undefined;
  }

  private async open(): Promise<void> {
    const runtime = await PlaygroundRuntime.open(this.o);
    this.runtime = runtime;
    this.unwatch = runtime.world.onChange(() => this.hub.changed());
  }
}

/** Deletes the playground's SQLite file and its write-ahead log (a memory store is simply reopened empty). */
function wipe(storeUrl: string): void {
  if (!storeUrl.toLowerCase().startsWith('sqlite://')) return;
  const path = sqlitePath(storeUrl);
  if (path === ':memory:') return;
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}
