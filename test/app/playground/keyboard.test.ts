import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeScan, screenshot, serious } from '../../support/browser.js';
import { community, playgroundPage } from '../../support/playground.js';

/**
 * The playground by keyboard alone (Tab, typing, Enter), and its accessibility: the main page,
 * a button's form page and Reset's confirmation pass an axe-core scan with no serious or
 * critical violation, and log no console error.
 */

const pg = playgroundPage();

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
    await pg.page.goto(pg.run.base);
    await tabTo(pg.page, (f) => f.tag === 'select' && f.label === 'Acting as', 'Acting as');
    // Typing a name in a focused select picks it; Switch submits the choice.
    await pg.page.keyboard.type('Omar');
    await tabTo(pg.page, (f) => f.label === 'Switch', 'Switch');
    await pg.page.keyboard.press('Enter');
    await pg.page.waitForURL(/U-omar/);

    await tabTo(pg.page, (f) => f.label === 'Question', 'Question');
    await pg.page.keyboard.type('How do you welcome new hires in their first week? ');
    await tabTo(pg.page, (f) => f.label === 'Topics', 'Topics');
    await pg.page.keyboard.type('onboarding');
    await tabTo(pg.page, (f) => f.label === 'Ask', 'Ask');
    await pg.page.keyboard.press('Enter');
    await pg.page.waitForURL(/done=asked/);
    const copy = community(pg.page, 'People Ops Circle').getByRole('article').filter({ hasText: 'first week' }).first();
    await copy.waitFor();

    // Priya, in People Ops Circle, follows the copy: Tab to its Follow button, Enter.
    await pg.page.goto(`${pg.run.base}/`);
    await tabTo(pg.page, (f) => f.tag === 'select' && f.label === 'Acting as', 'Acting as');
    await pg.page.keyboard.type('Priya');
    await tabTo(pg.page, (f) => f.label === 'Switch', 'Switch');
    await pg.page.keyboard.press('Enter');
    await pg.page.waitForURL(/U-priya/);
    const copyId =
      (await community(pg.page, 'People Ops Circle').getByRole('article').filter({ hasText: 'first week' }).first().getAttribute('id')) ??
      '';
    await tabTo(pg.page, (f) => f.label === 'Follow' && f.inside === `People Ops Circle/${copyId}`, 'Follow on the copy');
    await pg.page.keyboard.press('Enter');
    await pg.page.waitForURL(/done=pressed/);
    await pg.page.getByRole('status').getByText("You're following this question").waitFor();
    expect(pg.watch.consoleErrors).toEqual([]);
  });

  it(
    'passes an accessibility scan on the pg.page, a button’s form and Reset’s confirmation, and opens the console',
    { timeout: 60_000 },
    async () => {
      await pg.page.goto(`${pg.run.base}/?as=${encodeURIComponent('workspace:PO:U-priya')}`);
      expect(serious(await axeScan(pg.page))).toEqual([]);
      await screenshot(pg.page, 'playground-keyboard');

      // "Answer" opens its form as a pg.page, as a platform opens a modal.
      await community(pg.page, 'People Ops Circle')
        .getByRole('article')
        .filter({ hasText: 'first week' })
        .first()
        .getByRole('button', { name: 'Answer' })
        .click();
      await pg.page.getByRole('heading', { name: 'Answer the question' }).waitFor();
      expect(serious(await axeScan(pg.page))).toEqual([]);
      await screenshot(pg.page, 'playground-answer-form');
      await pg.page.getByLabel('Your answer for Omar').fill('A buddy and a written first-week plan.');
      await pg.page.getByRole('button', { name: 'Send answer' }).click();
      await pg.page.getByRole('status').getByText('Your answer goes to Omar').waitFor();

      await pg.page.getByRole('button', { name: 'Reset' }).click();
      await pg.page.getByRole('button', { name: 'Yes, reset everything' }).waitFor();
      expect(serious(await axeScan(pg.page))).toEqual([]);

      // "Open the console" signs this pg.browser in to the operators' console, on the same engine: Omar's question is there.
      await pg.page.goto(`${pg.run.base}/`);
      await pg.page.getByRole('button', { name: 'Open the console' }).click();
      await pg.page.waitForURL(/\/console$/);
      await pg.page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
      await pg.page.goto(`${pg.run.base}/console/asks`);
      await pg.page.getByRole('link', { name: /How do you welcome new hires/ }).click();
      // The console's link to a copy opens it on the playground's pg.page, the memory platform's web client.
      const open = pg.page.getByRole('link', { name: /^Open the copy in/ }).first();
      const href = (await open.getAttribute('href')) ?? '';
      expect(href).toMatch(/^\/(\?as=[^#]+)?#m\d+$/);
      await open.click();
      await pg.page
        .locator(`article[id="${href.split('#')[1] ?? ''}"]`)
        .filter({ hasText: 'first week' })
        .waitFor();
      expect(pg.watch.consoleErrors).toEqual([]);
      expect(pg.watch.pageErrors).toEqual([]);
    },
  );
});
