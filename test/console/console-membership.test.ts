import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, launchBrowser, openPage, screenshot, serious } from '../support/browser.js';
import { ConsoleApp } from '../support/console.js';

/**
 * Membership on the console (issue 12): L&D Guild and Makers (network "south", which admits
 * nobody on its own, as a Slack app installed through OAuth) wait as pending until an operator
 * approves or refuses them on the overview.
 */
const NOBODY = { south: { every: false, communities: [] } } as const;

async function pendingGuild(): Promise<ConsoleApp> {
  const a = await ConsoleApp.start({}, { admission: NOBODY });
  await a.connectAll();
  await a.settle();
  return a;
}

describe('membership over HTTP', () => {
  let a: ConsoleApp | undefined;
  afterEach(async () => {
    await a?.stop();
    a = undefined;
  });

  it('lists pending communities; Approve connects the channel that waited and the next ask reaches it', async () => {
    a = await pendingGuild();
    const cookie = await a.signIn();
    const overview = await (await a.get('/console', cookie)).text();
    expect(overview).toContain('Membership');
    expect(overview).toMatch(/L&amp;D Guild <span class="muted">\(south G1\)<\/span>/);
    expect(overview).toContain('Waiting for approval');
    const csrf = ConsoleApp.csrfOf(overview);

    const res = await a.post(
      '/console/communities/decide',
      { csrf, network: 'south', community: 'G1', label: 'L&D Guild', decision: 'approved' },
      cookie,
    );
    expect(res.status).toBe(303);
    const flash = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const next = await (await a.get('/console', `${cookie}; ${flash}`)).text();
    expect(next).toContain('L&amp;D Guild (south) is approved');
    await a.settle();
    expect(a.lastBot(a.cast.askAround).text).toContain('L&D Guild has joined the feelers network');
    await a.ask('Who runs peer mentoring well?');
    expect(a.lastBot(a.cast.askAround).text).toContain('Who runs peer mentoring well?');
    // Makers still waits: nothing reached it.
    expect(a.world.messagesIn(a.cast.makersHelp).filter((m) => m.byBot)).toEqual([]);
  });

  it('refuses a bad decision with a 400 and an unknown community with a notice; nothing changes', async () => {
    a = await pendingGuild();
    const cookie = await a.signIn();
    const csrf = ConsoleApp.csrfOf(await (await a.get('/console', cookie)).text());
    expect(
      (await a.post('/console/communities/decide', { csrf, network: 'south', community: 'G1', decision: 'maybe' }, cookie)).status,
    ).toBe(400);
    expect((await a.post('/console/communities/decide', { csrf, network: 'south', decision: 'approved' }, cookie)).status).toBe(400);
    const unknown = await a.post('/console/communities/decide', { csrf, network: 'south', community: 'G9', decision: 'approved' }, cookie);
    const flash = (unknown.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(await (await a.get('/console', `${cookie}; ${flash}`)).text()).toContain('feelers has not met G9 (south); nothing changed.');
    // Without the CSRF token, the gate refuses it.
    expect((await a.post('/console/communities/decide', { network: 'south', community: 'G1', decision: 'approved' }, cookie)).status).toBe(
      403,
    );
    expect((await a.app.engine.operator.memberships()).map((m) => m.state)).toEqual(['pending', 'pending']);
  });
});

describe('sharing over HTTP', () => {
  let a: ConsoleApp | undefined;
  afterEach(async () => {
    await a?.stop();
    a = undefined;
  });

  it("shows each community's policy and changes one with the words of /feelers share; bad words change nothing", async () => {
    a = await ConsoleApp.start();
    await a.connectAll();
    await a.settle();
    const cookie = await a.signIn();
    const overview = await (await a.get('/console', cookie)).text();
    expect(overview).toContain('Sharing');
    expect(overview).toContain('Our members&#39; asks go to every community.');
    const csrf = ConsoleApp.csrfOf(overview);
    const notice = async (res: Response) =>
      (await a!.get('/console', `${cookie}; ${(res.headers.get('set-cookie') ?? '').split(';')[0] ?? ''}`)).text();

    const saved = await a.post('/console/communities/sharing', { csrf, where: 'south:G2', setting: 'receive only L&D Guild' }, cookie);
    expect(saved.status).toBe(303);
    expect(await notice(saved)).toContain(
      'Saved for G2 (south). Our members&#39; asks go to every community. We receive asks from only L&amp;D Guild.',
    );
    await a.ask('Who runs peer mentoring well?');
    expect(a.lastBot(a.cast.askAround).text).toContain('Who runs peer mentoring well?');
    expect(a.world.messagesIn(a.cast.makersHelp).some((m) => m.text.includes('peer mentoring'))).toBe(false);

    const bad = await a.post('/console/communities/sharing', { csrf, where: 'south:G2', setting: 'receive only Atlantis' }, cookie);
    expect(await notice(bad)).toContain('I don&#39;t know a community called &quot;Atlantis&quot;');
    expect((await a.post('/console/communities/sharing', { csrf, where: 'south', setting: 'names hidden' }, cookie)).status).toBe(400);
    expect((await a.app.engine.operator.sharing()).find((r) => r.community === 'G2')?.summary).toContain('only L&D Guild');
  });
});

describe('membership in chromium', () => {
  let browser: Browser;
  let a: ConsoleApp;
  beforeAll(async () => {
    browser = await launchBrowser();
    a = await pendingGuild();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await a?.stop();
  });

  it('approves and refuses by keyboard alone, with a clean accessibility scan', async () => {
    const { page } = await openPage(browser, a.base);
    await a.signInIn(page);
    expect(serious(await axeScan(page)), 'overview with pending communities').toEqual([]);
    await screenshot(page, 'console-membership');
    await tabTo(page, (el) => el.text === 'Approve L&D Guild');
    await page.keyboard.press('Enter');
    await page.getByText('L&D Guild (south) is approved').waitFor();
    await tabTo(page, (el) => el.text === 'Refuse Makers');
    await page.keyboard.press('Enter');
    await page.getByText('Makers (south) is refused').waitFor();
    expect(serious(await axeScan(page)), 'overview after the decisions').toEqual([]);
    expect(Object.fromEntries((await a.app.engine.operator.memberships()).map((m) => [m.name, m.state]))).toEqual({
      'L&D Guild': 'approved',
      Makers: 'refused',
    });
    await page.context().close();
  });
});

/** Presses Tab until the focused element's text matches; fails if it never does. */
async function tabTo(page: Page, match: (el: { text: string }) => boolean, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const text = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document;
      return (d.activeElement?.textContent ?? '').replace(/\s+/g, ' ').trim();
    });
    if (match({ text })) return;
  }
  throw new Error('Tab never reached the element');
}
