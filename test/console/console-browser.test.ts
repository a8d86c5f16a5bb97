import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../adapters/memory/world-types.js';
import { axeScan, launchBrowser, openPage, screenshot, serious, type PageWatch } from '../support/browser.js';
import { CONSOLE_TOKEN, CONTACT, ConsoleApp } from '../support/console.js';

/**
 * The console in chromium, from the operator's side: one story for the file (an ask fanned out
 * to two grounds, one of them archived, a reply, an introduction), read page by page.
 */

const QUESTION = 'Which organisations run peer mentoring well? #mentoring';
const REPLY = 'We run one at the Guild: happy to share how.';

let browser: Browser;
let a: ConsoleApp;
let card: StoredMessage;

beforeAll(async () => {
  browser = await launchBrowser();
  a = await ConsoleApp.start();
  const { cast } = a;
  await a.connectAll({ archiveMakers: true });
  await a.world.command(cast.harold, cast.askAround, 'feelers', `contact ${CONTACT}`);
  await a.world.command(cast.jane, cast.anyAnswers, 'feelers', 'contact jane.contact.DO-NOT-SHOW@tz.example');
  card = await a.ask(QUESTION);
  await a.world.say(cast.harold, a.thread(a.lastBot(cast.askAround)), REPLY);
  await a.digest();
  await a.world.press(cast.jane, a.lastBot(a.thread(card)).id, 'Request intro');
  await a.settle();
  await a.world.press(cast.harold, a.lastDm(cast.harold).id, 'Share my contact');
  await a.settle();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await a?.stop();
});

/** A fresh browser context, signed in through the form. */
async function signedIn(): Promise<{ page: Page; watch: PageWatch }> {
  const opened = await openPage(browser, a.base);
  await a.signInIn(opened.page);
  return opened;
}

async function openAsk(page: Page, question = QUESTION): Promise<void> {
  await page.goto(`${a.base}/console/asks`);
  await page.getByRole('link', { name: question }).click();
  await page.getByRole('heading', { level: 1, name: 'One ask’s life' }).waitFor();
}

function clean(watch: PageWatch): void {
  expect(watch.pageErrors).toEqual([]);
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.dialogs).toEqual([]);
  expect(watch.offsite()).toEqual([]);
}

describe('the console in a browser', () => {
  it('refuses a wrong token, signs in with the right one, and keeps the session in an HttpOnly, SameSite=Strict cookie', async () => {
    const { page, watch } = await openPage(browser, a.base);
    await page.goto(`${a.base}/console/asks`);
    await page.getByLabel('Console token').fill('not-the-token-at-all-000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('That is not the console token');

    await page.getByLabel('Console token').fill(CONSOLE_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Back where the operator was going.
    await page.waitForURL(`${a.base}/console/asks`);
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'feelers_console');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console', secure: false });
    // No script can read it.
    expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe('');
    // The console page errors of a refused sign-in (a 401) are the browser's own network lines, nothing else.
    expect(watch.pageErrors).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('You are signed out.');
    await page.goto(`${a.base}/console/asks`);
    await page.getByLabel('Console token').waitFor();
    await page.context().close();
  });

  it("shows an ask's life: each copy with its state, the reply under its community, the introduction's state", async () => {
    const { page, watch } = await signedIn();
    await openAsk(page);
    await expect.poll(() => page.locator('blockquote.question').textContent()).toBe(QUESTION);
    const copies = page.getByRole('table', { name: 'Where each copy went, and its state' });
    const row = (where: string) => copies.getByRole('row').filter({ has: page.getByRole('rowheader', { name: where, exact: true }) });
    await expect.poll(() => row('#ask-around').textContent()).toContain('sent');
    await expect.poll(() => row('#ask-around').textContent()).toContain('L&D Guild');
    await expect.poll(() => row('#help').textContent()).toContain('unreachable');
    await expect.poll(() => row('#help').textContent()).toContain('Makers');

    const replies = page.getByRole('region', { name: /Replies/ });
    await expect.poll(() => replies.getByRole('heading', { name: 'From L&D Guild' }).count()).toBe(1);
    await expect.poll(() => replies.getByRole('listitem').first().textContent()).toContain(REPLY);
    await expect.poll(() => replies.getByRole('listitem').first().textContent()).toContain('Harold');

    const intros = page.getByRole('table', { name: 'Introductions and their state' });
    await expect.poll(() => intros.getByRole('row').nth(1).textContent()).toContain('shared');
    await expect.poll(() => intros.getByRole('row').nth(1).textContent()).toContain('Harold');
    expect(await page.content()).not.toContain('DO-NOT-SHOW');
    expect(
      await page
        .getByRole('region', { name: /Digests/ })
        .getByRole('row')
        .count(),
    ).toBeGreaterThan(1);

    // The overview marks the archived channel unreachable, with the reason.
    await page.getByRole('link', { name: 'Overview' }).click();
    const makers = page.getByRole('table', { name: 'Grounds of Makers' });
    await expect.poll(() => makers.textContent()).toContain('Unreachable');
    clean(watch);
    await page.context().close();
  });

  it('updates the overview and an ask page live when something happens', async () => {
    const { page, watch } = await signedIn();
    const openAsks = page.locator('.figures > div').filter({ hasText: 'Open asks' }).locator('dd');
    const before = Number(await openAsks.textContent());
    await a.ask('A question asked while the overview is open?');
    await expect.poll(() => openAsks.textContent(), { timeout: 15_000 }).toBe(String(before + 1));

    await openAsk(page);
    const late = 'A late reply, shown without a reload.';
    await a.world.say(a.cast.harold, a.thread(a.copyOf(a.cast.askAround, 'peer mentoring')), late);
    await expect.poll(() => page.getByRole('region', { name: /Replies/ }).textContent(), { timeout: 15_000 }).toContain(late);
    clean(watch);
    await page.context().close();
  });

  it('keeps a keyboard user’s focus on the same button when the overview refreshes', async () => {
    const { page, watch } = await signedIn();
    const openAsks = page.locator('.figures > div').filter({ hasText: 'Open asks' }).locator('dd');
    const before = Number(await openAsks.textContent());
    const button = page.getByRole('button', { name: /^Disconnect/ }).first();
    const name = (await button.textContent()) ?? '';
    await button.focus();
    await a.ask('Does focus survive a refresh of the overview?');
    await expect.poll(() => openAsks.textContent(), { timeout: 15_000 }).toBe(String(before + 1));
    // A new element: the old one is gone with the refresh, the focus is on its twin.
    const focused = await page.evaluate(() => {
      const el = (globalThis as unknown as { document: { activeElement: { tagName: string; textContent: string } | null } }).document
        .activeElement;
      return el ? `${el.tagName}:${el.textContent}` : '';
    });
    expect(focused).toBe(`BUTTON:${name}`);
    clean(watch);
    await page.context().close();
  });

  it('closes an ask with its button: the notice says so, and the asker’s thread gets the final summary', async () => {
    const question = 'Is anyone still using wikis for onboarding? #onboarding';
    const asked = await a.ask(question);
    const { page, watch } = await signedIn();
    await openAsk(page, question);
    const before = a.world.messagesIn(a.thread(asked)).length;
    await page.getByRole('button', { name: 'Close this ask' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('The ask is closed');
    await expect.poll(() => page.locator('.facts').textContent()).toContain('closed');
    expect(await page.getByRole('button', { name: 'Close this ask' }).count()).toBe(0);
    await a.settle();
    expect(a.world.messagesIn(a.thread(asked)).length).toBeGreaterThan(before);
    clean(watch);
    await page.context().close();
  });

  it('draws the community graph with cytoscape and gives the same figures as a table', async () => {
    const { page, watch } = await signedIn();
    await page.getByRole('link', { name: 'Communities' }).click();
    await page.locator('#graph[data-drawn] canvas').first().waitFor();
    const table = page.getByRole('table', { name: /Who helped whom over the last 30 days/ });
    const row = table.getByRole('row').filter({ hasText: 'L&D Guild (south)' });
    // The table gives what the operator API counts: Harold's replies on Jane's asks, and the one introduction.
    const graph = await a.app.engine.operator.communityGraph(30);
    const edge = graph.edges.find((e) => e.from === 'south:G1' && e.to === 'north:T1');
    expect(edge?.replies).toBeGreaterThan(0);
    expect(edge?.intros).toBe(1);
    await expect
      .poll(() => row.locator('td').allTextContents())
      .toEqual(['L&D Guild (south)', 'TrainingZone (north)', String(edge?.replies), '1']);
    await page.getByLabel('Period').selectOption('7');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/days=7/);
    await page.getByRole('table', { name: /last 7 days/ }).waitFor();
    // cytoscape's own inline <style> would be refused by the policy, with an error on the console: none.
    clean(watch);
    await page.context().close();
  });

  it('can be used by keyboard alone: sign in, then reach the Asks page and an ask', async () => {
    const { page, watch } = await openPage(browser, a.base);
    await page.goto(`${a.base}/console`);
    await tabTo(page, (el) => el.id === 'token');
    await page.keyboard.type(CONSOLE_TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await tabTo(page, (el) => el.text === 'Asks');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Asks' }).waitFor();
    await tabTo(page, (el) => el.text === QUESTION);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'One ask’s life' }).waitFor();
    clean(watch);
    await page.context().close();
  });

  it('passes an accessibility scan with no console error on every page, and saves a screenshot of each', async () => {
    const { page, watch } = await signedIn();
    const pages: [string, () => Promise<unknown>][] = [
      ['console-overview', () => page.goto(`${a.base}/console`)],
      ['console-asks', () => page.goto(`${a.base}/console/asks`)],
      ['console-ask', () => openAsk(page)],
      [
        'console-communities',
        () => page.goto(`${a.base}/console/communities`).then(() => page.locator('#graph[data-drawn] canvas').first().waitFor()),
      ],
    ];
    for (const [name, go] of pages) {
      await go();
      expect(serious(await axeScan(page)), name).toEqual([]);
      await screenshot(page, name);
    }
    const { page: out } = await openPage(browser, a.base);
    await out.goto(`${a.base}/console`);
    expect(serious(await axeScan(out)), 'sign-in').toEqual([]);
    clean(watch);
    await page.context().close();
    await out.context().close();
  });
});

describe('untrusted text in the console', () => {
  const CORPUS = {
    question: `<script>alert("q")</script><img src=x onerror="alert('q')"> <a href="javascript:alert('q')">see</a> <!channel> ＠here?`,
    name: `<img src=x onerror="alert('name')">Harold`,
    community: `<script>alert("community")</script>Makers`,
    reply: `<svg onload="alert('reply')"></svg><a href="javascript:alert('reply')">reply link</a> <!here>`,
  };
  let m: ConsoleApp;

  beforeAll(async () => {
    m = await ConsoleApp.start({ harold: CORPUS.name, makers: CORPUS.community });
    await m.connectAll();
    await m.ask(CORPUS.question);
    await m.world.say(m.cast.harold, m.thread(m.lastBot(m.cast.askAround)), CORPUS.reply);
    await m.digest();
  }, 60_000);
  afterAll(async () => m?.stop());

  it('shows markup in a question, a name, a community and a reply as text, and runs none of it', async () => {
    const { page, watch } = await openPage(browser, m.base);
    await m.signInIn(page);
    await page.goto(`${m.base}/console/asks`);
    await page.getByRole('link', { name: CORPUS.question }).click();
    await page.getByRole('heading', { level: 1, name: 'One ask’s life' }).waitFor();
    await expect.poll(() => page.locator('blockquote.question').textContent()).toBe(CORPUS.question);
    const replies = page.getByRole('region', { name: /Replies/ });
    await expect.poll(() => replies.textContent()).toContain(CORPUS.reply);
    await expect.poll(() => replies.textContent()).toContain(CORPUS.name);
    expect(await page.locator('main img, main script, main svg, main a[href^="javascript"]').count()).toBe(0);
    await page.goto(`${m.base}/console`);
    await expect.poll(() => page.getByRole('heading', { name: new RegExp('Makers') }).textContent()).toContain(CORPUS.community);
    await page.goto(`${m.base}/console/communities`);
    await page.locator('#graph[data-drawn] canvas').first().waitFor();
    expect(await page.locator('main img, main script, main svg').count()).toBe(0);
    clean(watch);
    await page.context().close();
  });
});

/** Presses Tab until the focused element matches (at most `max` times); fails if it never does. */
async function tabTo(page: Page, match: (el: { id: string; text: string }) => boolean, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { activeElement: { id: string; textContent: string | null } | null } }).document;
      return { id: d.activeElement?.id ?? '', text: (d.activeElement?.textContent ?? '').trim() };
    });
    if (match(el)) return;
  }
  throw new Error('Tab never reached the element');
}
