import { isWorldSnapshot, type MemoryWorld, type WorldSnapshot } from '../../../adapters/memory/world.js';
import type { AdapterState } from '../../ports/adapter-state.js';
import type { Logger } from '../../ports/logger.js';
import { isStoryState, type StoryState } from './story.js';

/** How long after a change the world is written: a burst of changes (a fan-out) is one write. */
export const SAVE_DEBOUNCE_MS = 250;

const KIND = 'world';
const ID = 'current';

/** What the playground keeps beside the engine's records: the platform's side, and the replay's place. */
export interface SavedPlayground {
  readonly world: WorldSnapshot;
  readonly story: StoryState;
}

/** The saved world in this store, or undefined (first start, or something that is not a snapshot). */
export async function loadSaved(state: AdapterState, log: Logger): Promise<SavedPlayground | undefined> {
  const saved = await state.get<Partial<SavedPlayground>>(KIND, ID);
  if (saved === undefined) return undefined;
  if (!isWorldSnapshot(saved.world)) {
    log.warn({}, 'the saved playground world is unreadable; starting a fresh one');
    return undefined;
  }
  return { world: saved.world, story: isStoryState(saved.story) ? saved.story : { step: 0 } };
}

/**
 * Writes the world into the engine's own store file (through the adapter-state documents, so
 * FEELERS_SECRET_KEY seals it: contact cards are in it), shortly after each change and once
 * more on stop. The engine writes its records as it goes; the world follows within
 * SAVE_DEBOUNCE_MS, so a restart finds the two agreeing.
 */
export class WorldKeeper {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly unwatch: () => void;

  constructor(
    private readonly world: MemoryWorld,
    private readonly state: AdapterState,
    private readonly story: () => StoryState,
    private readonly log: Logger,
  ) {
    this.unwatch = world.onChange(() => this.schedule());
  }

  /** Write soon (after the debounce). */
  schedule(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.saveNow();
    }, SAVE_DEBOUNCE_MS);
    this.timer.unref();
  }

  /** Write now, after any write in progress; failures are logged (the next change writes again). */
  saveNow(): Promise<void> {
    const snapshot: SavedPlayground = { world: this.world.snapshot(), story: this.story() };
    this.writing = this.writing
      .then(() => this.state.set(KIND, ID, snapshot))
      .catch((err: unknown) => this.log.warn({ err }, 'could not save the playground world; the next change tries again'));
    return this.writing;
  }

  /** Stop watching and write a last time (before the store closes). */
  async close(opts: { save: boolean }): Promise<void> {
    this.stopped = true;
    this.unwatch();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (opts.save) await this.saveNow();
    else await this.writing;
  }
}
