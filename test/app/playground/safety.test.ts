import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, type PageWatch } from '../../support/browser.js';
import { actAs, community, plain, playgroundDir, startPlayground, type PlaygroundRun } from '../../support/playground.js';

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

let browser: Browser;
let run: PlaygroundRun;
let where: ReturnType<typeof playgroundDir>;
let page: Page;
let watch: PageWatch;

beforeAll(async () => {
  browser = await launchBrowser();
  where = playgroundDir();
  run = await startPlayground(where.dir, where.storeUrl);
  ({ page, watch } = await openPage(browser, run.base));
});
afterAll(async () => {
  await page?.context().close();
  await browser?.close();
  await run?.stop();
  where?.dispose();
});

/** Nothing the corpus could have made: no element of its own, no dialog, no request elsewhere. */
async function ranNothing(p: Page): Promise<void> {
  expect(await p.locator('main script, main img, main iframe, main link, main a[href^="javascript"]').count()).toBe(0);
  expect(watch.dialogs).toEqual([]);
  expect(watch.offsite()).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
  expect(watch.consoleErrors).toEqual([]);
}

describe('the markup corpus', () => {
  it('shows as text and runs nothing, in a question, its copies, a reply and a DM', { timeout: 90_000 }, async () => {
    await page.goto(run.base);
    await page.getByLabel('Question').fill(TEXT);
    await page.getByLabel('Topics').fill('learning, <b>bold</b>');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();

    // The ask card and a copy: feelers' cards, neutralised by the platform's adapter, shown as stored.
    const card = community(page, 'TrainingZone').getByRole('article').filter({ hasText: 'Markup test' }).first();
    await card.waitFor();
    const copy = community(page, 'L&D Guild').getByRole('article').filter({ hasText: 'Markup test' }).first();
    await copy.waitFor();
    for (const shown of [await card.textContent(), await copy.textContent()]) {
      for (const piece of CORPUS) expect(plain(shown ?? '')).toContain(piece);
    }
    // The topics became #hashtags the engine reads, the markup in them folded away.
    expect(await card.textContent()).toContain('#learning');
    await ranNothing(page);

    // Harold replies with the corpus in the copy's thread: a person's own words, stored exactly.
    await actAs(page, 'Harold');
    const harolds = community(page, 'L&D Guild').getByRole('article').filter({ hasText: 'Markup test' }).first();
    await harolds.getByLabel('Reply').fill(CORPUS.join(' '));
    await harolds.getByRole('button', { name: 'Send' }).click();
    const reply = community(page, 'L&D Guild').getByRole('article').filter({ hasText: 'onerror' }).filter({ hasText: 'Harold' }).last();
    await reply.waitFor();
    expect(await reply.textContent()).toContain(CORPUS.join(' '));

    // And writes it to feelers in a DM: the DM and feelers' answer card show it as text.
    const dms = page.getByRole('region', { name: 'Direct messages' });
    await dms.getByLabel('Message to feelers').fill(CORPUS[0] ?? '');
    await dms.getByRole('button', { name: 'Send' }).click();
    await page
      .getByRole('region', { name: 'Direct messages' })
      .getByRole('article')
      .filter({ hasText: 'alert("script")' })
      .first()
      .waitFor();
    await ranNothing(page);

    // A digest quotes the reply back into Jane's thread: still text.
    await actAs(page, 'Jane');
    await page.getByRole('button', { name: 'Run digest now' }).click();
    const digest = community(page, 'TrainingZone').getByRole('article').filter({ hasText: 'Request intro' }).last();
    await digest.waitFor();
    for (const piece of CORPUS) expect(plain((await digest.textContent()) ?? '')).toContain(piece);
    await ranNothing(page);
  });
});
