import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpServer } from '../../src/app/http-server.js';
import { Assets } from '../../src/web/assets.js';
import { html } from '../../src/web/html.js';
import { page } from '../../src/web/layout.js';
import { sendHtml } from '../../src/web/respond.js';
import { silentLogger } from '../../src/ports/logger.js';
import { axeScan, launchBrowser, openPage, serious } from '../support/browser.js';

/** The corpus every page must show as text: markup, script, look-alike mentions. */
const CORPUS = [
  '<script>alert("script")</script>',
  '<img src=x onerror="alert(\'img\')">',
  '<a href="javascript:alert(\'link\')">click</a>',
  '<!channel> <@U123> @everyone ＠here',
];

let browser: Browser;
let server: HttpServer;
let base: string;

beforeAll(async () => {
  browser = await launchBrowser();
  server = new HttpServer({ health: async () => ({ ok: true, parts: {} }), logger: silentLogger });
  const assets = new Assets();
  server.mountPrefix('GET', '/assets/', (req, res) => assets.serve(req.path.slice('/assets/'.length), req, res));
  server.mount('GET', '/', (_req, res) =>
    sendHtml(
      res,
      200,
      page({
        title: 'Corpus',
        body: html`<ul>
          ${CORPUS.map((c) => html`<li class="text">${c}</li>`)}
        </ul>`,
      }),
    ),
  );
  base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the page shell in a real browser', () => {
  it('shows the markup corpus as text and runs none of it', async () => {
    const { page: p, watch } = await openPage(browser, base);
    const res = await p.goto(base);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    const shown = await p.locator('li').allTextContents();
    expect(shown).toEqual(CORPUS);
    expect(await p.locator('main img, main script, main a').count()).toBe(0);
    expect(watch.dialogs).toEqual([]);
    expect(watch.offsite()).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
    expect(watch.consoleErrors).toEqual([]);
    await p.context().close();
  });

  it('serves only the listed assets, and the shell passes an accessibility scan', async () => {
    expect((await fetch(`${base}/assets/feelers.css`)).status).toBe(200);
    expect((await fetch(`${base}/assets/../package.json`)).status).toBe(404);
    expect((await fetch(`${base}/assets/package.json`)).status).toBe(404);
    const { page: p } = await openPage(browser, base);
    await p.goto(base);
    expect(serious(await axeScan(p))).toEqual([]);
    await p.keyboard.press('Tab');
    expect(
      await p.evaluate(
        () => (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement.textContent,
      ),
    ).toBe('Skip to content');
    await p.context().close();
  });
});
