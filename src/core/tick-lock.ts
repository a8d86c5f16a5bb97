import type { Ctx } from './context.js';

/**
 * One instance at a time runs a tick (digests, expiry). The lock lasts one claim
 * (settings.claimMs) and the holder extends it as it goes, so a holder that dies mid-tick
 * frees it within a claim rather than stalling every instance's ticks for minutes.
 */
export class TickLock {
  private renewedAt = 0;

  constructor(
    private readonly ctx: Ctx,
    private readonly tick: 'digest' | 'expiry',
    private readonly owner: string,
  ) {}

  async take(): Promise<boolean> {
    this.renewedAt = this.ctx.now();
    return this.ctx.repo.claims.takeTick(this.tick, this.owner, this.ctx.settings.claimMs);
  }

  /** Extends the lock when a third of it is used; false if another instance has it now (stop). */
  async keep(): Promise<boolean> {
    const now = this.ctx.now();
    if (now - this.renewedAt < this.ctx.settings.claimMs / 3) return true;
    this.renewedAt = now;
    return this.ctx.repo.claims.takeTick(this.tick, this.owner, this.ctx.settings.claimMs);
  }

  async release(): Promise<void> {
    await this.ctx.repo.claims.releaseTick(this.tick, this.owner);
  }
}
