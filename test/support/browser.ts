import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * The pages' tests run in Debian's chromium (installed by .ci/run), driven by playwright-core:
 * no browser download (it cannot work on these machines). One browser per test file; each
 * test opens its own context (cookies, storage) with `openPage`.
 */
export const CHROMIUM = process.env.FEELERS_CHROMIUM ?? '/usr/bin/chromium';

/** Where screenshots go: test artefacts, never committed (see .gitignore). */
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'screenshots');

export function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where chromium's sandbox cannot start.
  // --disable-dev-shm-usage: containers often give /dev/shm 64 MB, too little for a renderer.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** What a page did that a test should see: errors on its console, dialogs it opened, requests it made. */
export interface PageWatch {
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
  /** alert/confirm/prompt dialogs opened (each is dismissed). */
  readonly dialogs: string[];
  /** Every URL the page requested. */
  readonly requests: string[];
  /** Requests that went anywhere but the server under test. */
  offsite(): string[];
}

export async function openPage(
  browser: Browser,
  base: string,
  opts: { context?: BrowserContext } = {},
): Promise<{ page: Page; watch: PageWatch }> {
  const context = opts.context ?? (await browser.newContext());
  const page = await context.newPage();
  const origin = new URL(base).origin;
  const watch: PageWatch = {
    consoleErrors: [],
    pageErrors: [],
    dialogs: [],
    requests: [],
    offsite: () => watch.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('about:')),
  };
  page.on('console', (msg) => {
    if (msg.type() === 'error') watch.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => watch.pageErrors.push(err.message));
  page.on('dialog', (dialog) => {
    watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('request', (req) => watch.requests.push(req.url()));
  return { page, watch };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly string[];
}

/**
 * An axe-core scan of the page as it is now (WCAG 2.1 A and AA rules). axe is evaluated
 * through the DevTools protocol, which the page's Content-Security-Policy does not govern:
 * the policy stays on for everything the page itself does.
 */
export async function axeScan(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => {
      const x = v as { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] };
      return { id: x.id, impact: x.impact, help: x.help, nodes: x.nodes.map((n) => JSON.stringify(n.target)) };
    });
  });
}

/** Violations axe rates serious or critical: what the pages must not have. */
export function serious(violations: readonly AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A full-page screenshot under test-artifacts/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
