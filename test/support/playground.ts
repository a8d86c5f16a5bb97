/**
 * The playground started in this process, as `npm start` with no tokens starts it, on a store
 * file of its own in a temp folder; the browser tests drive it through test/support/browser.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startFeelers, type FeelersHandle } from '../../src/app/main.js';
import { launchBrowser, openPage, type PageWatch } from './browser.js';

export interface PlaygroundRun {
  readonly app: FeelersHandle;
  readonly base: string;
  /** Every log line so far. */
  logs(): string;
  /** Stops the app (the store file stays, for a restart). */
  stop(): Promise<void>;
}

/** A temp folder holding one playground store file; `dispose` removes it. */
export function playgroundDir(): { dir: string; storeUrl: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'feelers-playground-'));
  return { dir, storeUrl: `sqlite://${join(dir, 'pg.sqlite')}`, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startPlayground(dir: string, storeUrl: string, env: Record<string, string> = {}): Promise<PlaygroundRun> {
  let logs = '';
  const app = await startFeelers(
    { PORT: '0', FEELERS_PLAYGROUND: '1', FEELERS_PLAYGROUND_STORE: storeUrl, ...env },
    { cwd: dir, host: '127.0.0.1', logDestination: { write: (s: string) => void (logs += s) } },
  );
  return { app, base: `http://127.0.0.1:${app.port}`, logs: () => logs, stop: () => app.stop() };
}

/** A test file's playground and the one browser page on it (set before its tests run). */
export interface PlaygroundPage {
  browser: Browser;
  run: PlaygroundRun;
  page: Page;
  watch: PageWatch;
}

/**
 * One playground on a fresh store and one chromium page on it for the whole test file: started in
 * the file's beforeAll, stopped (and its folder removed) in its afterAll.
 */
export function playgroundPage(): PlaygroundPage {
  const pg = {} as PlaygroundPage;
  let where: ReturnType<typeof playgroundDir> | undefined;
  beforeAll(async () => {
    pg.browser = await launchBrowser();
    where = playgroundDir();
    pg.run = await startPlayground(where.dir, where.storeUrl);
    ({ page: pg.page, watch: pg.watch } = await openPage(pg.browser, pg.run.base));
  });
  afterAll(async () => {
    await pg.page?.context().close();
    await pg.browser?.close();
    await pg.run?.stop();
    where?.dispose();
  });
  return pg;
}

/** Text as a person reads it: the memory platform's zero-width spaces (mention safety) removed. */
export function plain(text: string): string {
  return text.replace(/\u200b/g, '');
}

/** The region of one community, by its name. */
export function community(page: Page, name: string): Locator {
  return page.getByRole('region', { name, exact: true });
}

/** The message articles in `scope` whose text contains `piece` (zero-width spaces ignored). */
export function articlesWith(scope: Locator, piece: string): Locator {
  return scope.getByRole('article').filter({ hasText: piece });
}

/** Acting as `name`: pick them and press Switch, as a visitor does. */
export async function actAs(page: Page, name: string): Promise<void> {
  await page.getByLabel('Acting as').selectOption({ label: name });
  await page.getByRole('button', { name: 'Switch' }).click();
  await page.waitForURL(/as=/);
}
