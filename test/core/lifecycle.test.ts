import { describe, expect, it } from 'vitest';
import { Story, type StoreKind } from '../support/core.js';
import { askedAndCopiedPerTest } from '../support/core-steps.js';

/** Close and expiry: the warning, Extend, and the end of an ask (src/core/lifecycle.ts). */
describe.each<StoreKind>(['memory', 'sqlite'])('expiry (%s store)', (kind) => {
  let s: Story;
  const opened = askedAndCopiedPerTest();

  async function askedAndCopied() {
    const o = await opened(kind);
    s = o.s;
    return o;
  }

  it('warns the asker a day before expiry, extends on request, and expires the same way as close', async () => {
    const { copy } = await askedAndCopied();
    s.clock.advance(13 * 24 * 3600_000 + 60_000);
    expect(await s.engine.expirySweep()).toEqual({ warned: 1, expired: 0 });
    await s.settle();
    const warning = s.lastDm(s.jane);
    expect(warning.text).toContain('will expire in about a day');
    await s.world.press(s.jane, warning.id, 'Extend 14 days');
    expect(s.lastNotice(s.jane)).toContain('stays open until');
    s.clock.advance(2 * 24 * 3600_000);
    expect(await s.engine.expirySweep()).toEqual({ warned: 0, expired: 0 });
    s.clock.advance(11 * 24 * 3600_000 + 60_000);
    expect(await s.engine.expirySweep()).toEqual({ warned: 1, expired: 0 });
    s.clock.advance(24 * 3600_000);
    expect(await s.engine.expirySweep()).toEqual({ warned: 0, expired: 1 });
    await s.settle();
    expect(s.world.message(copy.id)!.text).toContain('This question has expired');
  });
});
