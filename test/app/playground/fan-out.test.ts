import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { playgroundPage } from '../../support/playground.js';

/**
 * "Connect 50 more channels", then one question: the outbox paces the fan-out within each
 * network's limits, and the page, refreshed live as copies land, shows every copy exactly once.
 */

const QUESTION = 'Who has run onboarding for a team spread over five time zones?';

const pg = playgroundPage();

/** The question's copies on the pg.page, per channel region: every top-level article that quotes it. */
async function copiesPerChannel(p: Page): Promise<Map<string, string[]>> {
  const channels = p.locator('section.channel');
  const out = new Map<string, string[]>();
  for (const channel of await channels.all()) {
    const name = (await channel.getByRole('heading', { level: 3 }).textContent()) ?? '';
    const ids = await channel
      .locator(':scope > ol > li > article')
      .filter({ hasText: QUESTION })
      .evaluateAll((els: unknown[]) => els.map((e) => (e as { id: string }).id));
    if (ids.length > 0) out.set(`${await channel.getAttribute('id')} ${name}`, ids);
  }
  return out;
}

describe('a fan-out to many channels', () => {
  it('shows every copy once', { timeout: 120_000 }, async () => {
    await pg.page.goto(pg.run.base);
    await pg.page.getByRole('button', { name: 'Connect 50 more channels' }).click();
    await pg.page.getByText('Connected more channels').waitFor();
    // No topics: the new channels take every question, and so does Coaching Forum's #questions.
    await pg.page.getByLabel('Question').fill(QUESTION);
    await pg.page.getByRole('button', { name: 'Ask', exact: true }).click();
    const expected = 1 + 50 + 1; // the ask card, 50 new channels, #questions
    const copies = pg.page.locator('section.channel > ol > li > article').filter({ hasText: QUESTION });
    await expect.poll(() => copies.count(), { timeout: 90_000, interval: 250 }).toBe(expected);

    const per = await copiesPerChannel(pg.page);
    expect(per.size).toBe(expected);
    for (const [channel, ids] of per) expect(ids, channel).toHaveLength(1);
    const all = [...per.values()].flat();
    expect(new Set(all).size).toBe(all.length);
    // The live refreshes while the copies landed drew nothing twice, and a reload agrees.
    await pg.page.reload();
    expect(await copies.count()).toBe(expected);
    expect(pg.watch.consoleErrors).toEqual([]);
    expect(pg.watch.pageErrors).toEqual([]);
  });
});
