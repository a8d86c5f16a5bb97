import { Buttons } from './buttons.js';
import type { Ctx } from './context.js';

/** A stage's context whose writes are gathered, and what applies them. */
export interface Batched {
  /** `repo`, `buttons` and `outbox` write into the batch; everything else is the stage's own. */
  readonly ctx: Ctx;
  /**
   * Applies every write at once (Repo.batch: one store transaction), then hands what the outbox
   * was asked to send to the deliverer, so nothing goes out before its records are in the store.
   */
  commit(): Promise<void>;
}

/** For a stage that writes much at once (intake: an ask, its copies and their outbox entries). */
export function batched(ctx: Ctx): Batched {
  const writes = ctx.repo.batch();
  const outbox = ctx.outbox.within(writes.repo);
  const inner: Ctx = { ...ctx, repo: writes.repo, buttons: new Buttons(writes.repo), outbox: outbox.outbox };
  return {
    ctx: inner,
    commit: async () => {
      await writes.commit();
      outbox.release();
    },
  };
}
