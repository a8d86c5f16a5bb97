import type { Repo, RepoBatch } from './repo.js';

interface Group {
  readonly batch: RepoBatch;
  writers: number;
  /** Set once the turn of the event loop that opened it has passed: no one joins after that. */
  closing: boolean;
  done: boolean;
  failed: unknown;
  readonly landed: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * The deliverer's marks, written a batch at a time for all the sends that reach the same point
 * together (with several sends in flight, their answers come in bunches): one store commit
 * instead of one per send (each SQLite commit appends its pages to the log and fsyncs at the
 * checkpoints). A send's `add` resolves once the batch holding its writes is in the store; if
 * any writer of a batch fails half-way, none of the batch is written and every writer's `add`
 * rejects, so no send is left half-marked.
 */
export class GroupCommit {
  private open: Group | undefined;

  constructor(private readonly repo: Repo) {}

  async add(write: (repo: Repo) => Promise<void>): Promise<void> {
    const g = this.open && !this.open.closing ? this.open : this.start();
    g.writers += 1;
    try {
      await write(g.batch.repo);
    } catch (err) {
      g.failed ??= err;
    } finally {
      g.writers -= 1;
      if (g.closing && g.writers === 0) this.commit(g);
    }
    return g.landed;
  }

  private start(): Group {
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const landed = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Each writer waits on it; when a writer's own failure is what rejects it, it still gets
    // that error through `add`, so no rejection is ever unheard.
    landed.catch(() => undefined);
    const g: Group = { batch: this.repo.batch(), writers: 0, closing: false, done: false, failed: undefined, landed, resolve, reject };
    this.open = g;
    // Sends whose answers came in this turn of the event loop join; the batch goes after it.
    setImmediate(() => {
      g.closing = true;
      if (this.open === g) this.open = undefined;
      if (g.writers === 0) this.commit(g);
    });
    return g;
  }

  private commit(g: Group): void {
    if (g.done) return;
    g.done = true;
    if (g.failed !== undefined) {
      g.reject(g.failed);
      return;
    }
    g.batch.commit().then(g.resolve, g.reject);
  }
}
