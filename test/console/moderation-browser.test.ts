import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, launchBrowser, openPage, screenshot, serious, type PageWatch } from '../support/browser.js';
import { CONSOLE_TOKEN, ConsoleApp } from '../support/console.js';

/**
 * Retraction and the moderation record from the operator's side, in chromium: an asker
 * retracts in chat, an operator retracts another ask from its page by keyboard, and the
 * Moderation page lists both (names with markup shown as text). The CSRF check of the retract
 * action is the gate's, covered for every action by console-http; one forged POST here too.
 */
const MARKUP_NAME = `<img src=x onerror="alert('name')">Harold`;
const FIRST = 'Who runs a good apprenticeship scheme? #apprenticeships';
const SECOND = 'Which tools do you use for onboarding? #onboarding';

let browser: Browser;
let a: ConsoleApp;

beforeAll(async () => {
  browser = await launchBrowser();
  a = await ConsoleApp.start({ harold: MARKUP_NAME });
  const { cast } = a;
  await a.connectAll();
  // Harold (a name with markup) asks in L&D Guild, then takes it back himself.
  await a.world.command(cast.harold, cast.askAround, 'ask', FIRST);
  await a.settle();
  await a.world.press(cast.harold, a.lastBot(cast.askAround).id, 'Retract');
  await a.settle();
  await a.world.press(cast.harold, a.lastDm(cast.harold).id, 'Retract everywhere');
  await a.settle();
  await a.ask(SECOND);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await a?.stop();
});

function clean(watch: PageWatch): void {
  expect(watch.pageErrors).toEqual([]);
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.dialogs).toEqual([]);
  expect(watch.offsite()).toEqual([]);
}

/** Presses Tab until the focused element's text matches (at most `max` times). */
async function tabTo(page: Page, text: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement
          ?.textContent,
    );
    if ((focused ?? '').trim() === text) return;
  }
  throw new Error(`Tab never reached "${text}"`);
}

describe('retraction and the moderation record in the console', () => {
  it('lets an operator retract an ask by keyboard, and lists every retraction on the Moderation page', async () => {
    const { page, watch } = await openPage(browser, a.base);
    await a.signInIn(page);
    expect(a.copyOf(a.cast.askAround, 'onboarding')).toBeDefined();

    await page.goto(`${a.base}/console/asks`);
    await tabTo(page, SECOND);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'One ask’s life' }).waitFor();
    expect(serious(await axeScan(page)), 'ask page with the retract form').toEqual([]);
    await tabTo(page, 'Retract this ask everywhere');
    await page.keyboard.press('Enter');
    await page.getByText('The ask is retracted').waitFor();
    await a.settle();
    expect(a.world.messagesIn(a.cast.askAround).filter((m) => m.byBot && m.text.includes('onboarding'))).toEqual([]);
    expect(await page.getByRole('button', { name: 'Retract this ask everywhere' }).count()).toBe(0);

    await tabTo(page, 'Moderation');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Moderation' }).waitFor();
    const table = page.getByRole('table', { name: /Moderation actions, newest first: 1–2 of 2/ });
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain('Operator (');
    const first = (await rows.nth(1).textContent()) ?? '';
    expect(first).toContain('Retracted a question everywhere');
    expect(first).toContain(`${MARKUP_NAME} (L&D Guild, asker)`);
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(serious(await axeScan(page)), 'moderation page').toEqual([]);
    await screenshot(page, 'console-moderation');
    clean(watch);
    await page.context().close();
  });

  it('refuses a retract POST without the page’s CSRF token, and retracts nothing', async () => {
    await a.ask('Who has a mentoring checklist to share? #mentoring');
    const cookie = await a.signIn(CONSOLE_TOKEN);
    const open = await a.app.engine.operator.asks({ page: 1, perPage: 5, state: 'open' });
    const askId = open.asks[0]?.id ?? '';
    const res = await a.post('/console/ask/retract', { id: askId, csrf: 'forged' }, cookie);
    expect(res.status).toBe(403);
    expect((await a.app.engine.operator.askLife(askId))?.ask.state).toBe('open');
    expect((await a.app.engine.operator.moderation(1, 10)).total).toBe(2);
  });
});
