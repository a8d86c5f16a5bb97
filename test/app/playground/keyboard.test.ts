import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, launchBrowser, openPage, screenshot, serious, type PageWatch } from '../../support/browser.js';
import { community, playgroundDir, startPlayground, type PlaygroundRun } from '../../support/playground.js';

/**
 * The playground by keyboard alone (Tab, typing, Enter), and its accessibility: the main page,
 * a button's form page and Reset's confirmation pass an axe-core scan with no serious or
 * critical violation, and log no console error.
 */

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

/** The little of the DOM `focused` reads (the tests compile without the DOM's types). */
interface El {
  readonly id: string;
  readonly tagName: string;
  readonly textContent: string | null;
  closest(selector: string): (El & { querySelector(s: string): El | null }) | null;
}
interface Doc {
  readonly activeElement: El | null;
  querySelector(selector: string): El | null;
}

/** What has the keyboard focus: its accessible label or text, and whether it shows a focus ring. */
function focused(p: Page): Promise<{ tag: string; label: string; ring: boolean; inside: string }> {
  return p.evaluate(() => {
    const g = globalThis as unknown as { document: Doc; getComputedStyle(e: El): { outlineStyle: string; outlineWidth: string } };
    const el = g.document.activeElement;
    if (!el) return { tag: '', label: '', ring: false, inside: '' };
    const byFor = el.id ? g.document.querySelector(`label[for="${el.id}"]`)?.textContent : undefined;
    const style = g.getComputedStyle(el);
    const region = el.closest('section.community, section.dms')?.querySelector('h2')?.textContent ?? '';
    const article = el.closest('article')?.id ?? '';
    return {
      tag: el.tagName.toLowerCase(),
      label: (byFor ?? el.textContent ?? '').trim(),
      ring: style.outlineStyle !== 'none' && style.outlineWidth !== '0px',
      inside: `${region}/${article}`,
    };
  });
}

/** Presses Tab until the focused element matches, as someone without a mouse would. */
async function tabTo(p: Page, wanted: (f: Awaited<ReturnType<typeof focused>>) => boolean, what: string, max = 400): Promise<void> {
  for (let i = 0; i < max; i++) {
    await p.keyboard.press('Tab');
    const f = await focused(p);
    if (wanted(f)) {
      expect(f.ring, `${what} shows where the focus is`).toBe(true);
      return;
    }
  }
  throw new Error(`Tab never reached ${what}`);
}

describe('the playground by keyboard', () => {
  it('picks Acting as, asks, and presses a button on a copy, with the keyboard only', { timeout: 90_000 }, async () => {
    await page.goto(run.base);
    await tabTo(page, (f) => f.tag === 'select' && f.label === 'Acting as', 'Acting as');
    // Typing a name in a focused select picks it; Switch submits the choice.
    await page.keyboard.type('Omar');
    await tabTo(page, (f) => f.label === 'Switch', 'Switch');
    await page.keyboard.press('Enter');
    await page.waitForURL(/U-omar/);

    await tabTo(page, (f) => f.label === 'Question', 'Question');
    await page.keyboard.type('How do you welcome new hires in their first week? ');
    await tabTo(page, (f) => f.label === 'Topics', 'Topics');
    await page.keyboard.type('onboarding');
    await tabTo(page, (f) => f.label === 'Ask', 'Ask');
    await page.keyboard.press('Enter');
    await page.waitForURL(/done=asked/);
    const copy = community(page, 'People Ops Circle').getByRole('article').filter({ hasText: 'first week' }).first();
    await copy.waitFor();

    // Priya, in People Ops Circle, follows the copy: Tab to its Follow button, Enter.
    await page.goto(`${run.base}/`);
    await tabTo(page, (f) => f.tag === 'select' && f.label === 'Acting as', 'Acting as');
    await page.keyboard.type('Priya');
    await tabTo(page, (f) => f.label === 'Switch', 'Switch');
    await page.keyboard.press('Enter');
    await page.waitForURL(/U-priya/);
    const copyId =
      (await community(page, 'People Ops Circle').getByRole('article').filter({ hasText: 'first week' }).first().getAttribute('id')) ?? '';
    await tabTo(page, (f) => f.label === 'Follow' && f.inside === `People Ops Circle/${copyId}`, 'Follow on the copy');
    await page.keyboard.press('Enter');
    await page.waitForURL(/done=pressed/);
    await page.getByRole('status').getByText("You're following this question").waitFor();
    expect(watch.consoleErrors).toEqual([]);
  });

  it(
    'passes an accessibility scan on the page, a button’s form and Reset’s confirmation, and opens the console',
    { timeout: 60_000 },
    async () => {
      await page.goto(`${run.base}/?as=${encodeURIComponent('workspace:PO:U-priya')}`);
      expect(serious(await axeScan(page))).toEqual([]);
      await screenshot(page, 'playground-keyboard');

      // "Answer" opens its form as a page, as a platform opens a modal.
      await community(page, 'People Ops Circle')
        .getByRole('article')
        .filter({ hasText: 'first week' })
        .first()
        .getByRole('button', { name: 'Answer' })
        .click();
      await page.getByRole('heading', { name: 'Answer the question' }).waitFor();
      expect(serious(await axeScan(page))).toEqual([]);
      await screenshot(page, 'playground-answer-form');
      await page.getByLabel('Your answer for Omar').fill('A buddy and a written first-week plan.');
      await page.getByRole('button', { name: 'Send answer' }).click();
      await page.getByRole('status').getByText('Your answer goes to Omar').waitFor();

      await page.getByRole('button', { name: 'Reset' }).click();
      await page.getByRole('button', { name: 'Yes, reset everything' }).waitFor();
      expect(serious(await axeScan(page))).toEqual([]);

      // "Open the console" signs this browser in to the operators' console, on the same engine: Omar's question is there.
      await page.goto(`${run.base}/`);
      await page.getByRole('button', { name: 'Open the console' }).click();
      await page.waitForURL(/\/console$/);
      await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
      await page.goto(`${run.base}/console/asks`);
      await page.getByRole('link', { name: /How do you welcome new hires/ }).click();
      // The console's link to a copy opens it on the playground's page, the memory platform's web client.
      const open = page.getByRole('link', { name: /^Open the copy in/ }).first();
      const href = (await open.getAttribute('href')) ?? '';
      expect(href).toMatch(/^\/(\?as=[^#]+)?#m\d+$/);
      await open.click();
      await page
        .locator(`article[id="${href.split('#')[1] ?? ''}"]`)
        .filter({ hasText: 'first week' })
        .waitFor();
      expect(watch.consoleErrors).toEqual([]);
      expect(watch.pageErrors).toEqual([]);
    },
  );
});
