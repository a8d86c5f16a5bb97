import { afterEach, describe, expect, it } from 'vitest';
import { engineSettings } from '../../src/core/settings.js';
import { Story } from '../support/core.js';
import { digest } from '../support/core-steps.js';
import { rawStoreText } from '../support/raw-store.js';

const DAY = 24 * 3600_000;

/** Personal data of asks that ended long ago is purged; recent ones keep theirs. */
describe('retention', () => {
  let s: Story;
  afterEach(async () => s?.close().catch(() => undefined));

  async function askAnsweredAndClosed(question: string, answer: string): Promise<void> {
    await s.world.command(s.jane, s.anyAnswers, 'ask', question);
    await s.settle();
    const card = s.last(s.anyAnswers);
    const copy = s.last(s.askAround);
    await s.world.say(s.harold, s.thread(copy), answer);
    await s.world.press(s.karyn, copy.id, 'I can help');
    await digest(s);
    await s.world.press(s.jane, card.id, 'Close');
    await s.settle();
  }

  it('purges the names in asks closed more than FEELERS_RETENTION_DAYS ago; replies stay as "Someone in <community>"', async () => {
    s = await new Story('sqlite', engineSettings({ retentionDays: 30 })).start();
    await s.connectBoth();
    await askAnsweredAndClosed('Who runs book clubs at work?', 'We do, monthly.');
    const old = await s.engine.ctx.repo.openAskIds();
    expect(old).toEqual([]);
    s.clock.advance(20 * DAY);
    await s.engine.expirySweep();
    // Twenty days on: still kept whole.
    let raw = await rawStoreText(s.storeUrl());
    expect(raw).toContain('Harold');
    expect(raw).toContain('Karyn');

    s.clock.advance(11 * DAY);
    await s.world.command(s.maria, s.askAround, 'ask', 'Who has tried lunch-and-learns?');
    await s.settle();
    await s.engine.expirySweep();
    await s.settle();
    await s.engine.stop({ drainMs: 0 });
    await s.store.close();
    raw = await rawStoreText(s.storeUrl());
    for (const name of ['Harold', 'U-harold', 'Karyn', 'U-karyn', 'U-jane']) expect(raw, name).not.toContain(name);
    // The ask still open keeps its asker; the purged reply keeps its words and community.
    expect(raw).toContain('U-maria');
    expect(raw).toContain('We do, monthly.');
  });
});
