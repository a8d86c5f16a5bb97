import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { actAs, community, plain, playgroundPage } from '../../support/playground.js';

/**
 * The mention and markup corpus, typed where people type (a question, a reply in a copy's
 * thread, a DM to feelers): the page shows it as text, as the world stores it (with the memory
 * platform's zero-width spaces in feelers' own cards), and runs none of it.
 */

const CORPUS = [
  '<script>alert("script")</script>',
  '<img src=x onerror="alert(\'img\')">',
  '<a href="javascript:alert(\'link\')">click</a>',
  '<!channel> <@U123> @everyone ＠here',
  '<iframe src="https://example.com/x"></iframe> <link rel=stylesheet href=https://example.com/s.css>',
];
const TEXT = `Markup test: ${CORPUS.join(' ')}`;

const pg = playgroundPage();

/** Nothing the corpus could have made: no element of its own, no dialog, no request elsewhere. */
async function ranNothing(p: Page): Promise<void> {
  expect(await p.locator('main script, main img, main iframe, main link, main a[href^="javascript"]').count()).toBe(0);
  expect(pg.watch.dialogs).toEqual([]);
  expect(pg.watch.offsite()).toEqual([]);
  expect(pg.watch.pageErrors).toEqual([]);
  expect(pg.watch.consoleErrors).toEqual([]);
}

describe('the markup corpus', () => {
  it('shows as text and runs nothing, in a question, its copies, a reply and a DM', { timeout: 90_000 }, async () => {
    await pg.page.goto(pg.run.base);
    await pg.page.getByLabel('Question').fill(TEXT);
    await pg.page.getByLabel('Topics').fill('learning, <b>bold</b>');
    await pg.page.getByRole('button', { name: 'Ask', exact: true }).click();

    // The ask card and a copy: feelers' cards, neutralised by the platform's adapter, shown as stored.
    const card = community(pg.page, 'TrainingZone').getByRole('article').filter({ hasText: 'Markup test' }).first();
    await card.waitFor();
    const copy = community(pg.page, 'L&D Guild').getByRole('article').filter({ hasText: 'Markup test' }).first();
    await copy.waitFor();
    for (const shown of [await card.textContent(), await copy.textContent()]) {
      for (const piece of CORPUS) expect(plain(shown ?? '')).toContain(piece);
    }
    // The topics became #hashtags the engine reads, the markup in them folded away.
    expect(await card.textContent()).toContain('#learning');
    await ranNothing(pg.page);

    // Harold replies with the corpus in the copy's thread: a person's own words, stored exactly.
    await actAs(pg.page, 'Harold');
    const harolds = community(pg.page, 'L&D Guild').getByRole('article').filter({ hasText: 'Markup test' }).first();
    await harolds.getByLabel('Reply').fill(CORPUS.join(' '));
    await harolds.getByRole('button', { name: 'Send' }).click();
    const reply = community(pg.page, 'L&D Guild').getByRole('article').filter({ hasText: 'onerror' }).filter({ hasText: 'Harold' }).last();
    await reply.waitFor();
    expect(await reply.textContent()).toContain(CORPUS.join(' '));

    // And writes it to feelers in a DM: the DM and feelers' answer card show it as text.
    const dms = pg.page.getByRole('region', { name: 'Direct messages' });
    await dms.getByLabel('Message to feelers').fill(CORPUS[0] ?? '');
    await dms.getByRole('button', { name: 'Send' }).click();
    await pg.page
      .getByRole('region', { name: 'Direct messages' })
      .getByRole('article')
      .filter({ hasText: 'alert("script")' })
      .first()
      .waitFor();
    await ranNothing(pg.page);

    // A digest quotes the reply back into Jane's thread: still text.
    await actAs(pg.page, 'Jane');
    await pg.page.getByRole('button', { name: 'Run digest now' }).click();
    const digest = community(pg.page, 'TrainingZone').getByRole('article').filter({ hasText: 'Request intro' }).last();
    await digest.waitFor();
    for (const piece of CORPUS) expect(plain((await digest.textContent()) ?? '')).toContain(piece);
    await ranNothing(pg.page);
  });
});
