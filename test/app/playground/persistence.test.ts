import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/core/engine.js';
import { launchBrowser, openPage } from '../../support/browser.js';
import { actAs, community, playgroundDir, startPlayground, type PlaygroundRun } from '../../support/playground.js';

/**
 * The world lives in memory, the engine's records in SQLite; the playground keeps the world
 * in the same file, so a restart finds the two agreeing, and Reset empties both.
 */

const QUESTION = 'Has anyone replaced annual reviews with something better?';

let browser: Browser;
let where: ReturnType<typeof playgroundDir>;
let run: PlaygroundRun | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
  where = playgroundDir();
});
afterAll(async () => {
  await run?.stop();
  await browser?.close();
  where?.dispose();
});

async function open(p: PlaygroundRun): Promise<Page> {
  const { page } = await openPage(browser, p.base);
  await page.goto(p.base);
  return page;
}

function engineOf(p: PlaygroundRun): Engine {
  return p.app.engine as Engine;
}

describe('the playground across a restart and a reset', () => {
  it('keeps the world and the store consistent across a restart', { timeout: 90_000 }, async () => {
    run = await startPlayground(where.dir, where.storeUrl);
    let page = await open(run);
    await page.getByLabel('Question').fill(QUESTION);
    await page.getByLabel('Topics').fill('culture');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await community(page, 'L&D Guild').getByRole('article').filter({ hasText: QUESTION }).first().waitFor();
    await page.context().close();
    await run.stop();

    // Started again on the same file: the ask card is there, and its buttons still work.
    run = await startPlayground(where.dir, where.storeUrl);
    expect(await engineOf(run).ctx.repo.openAskIds()).toHaveLength(1);
    page = await open(run);
    const card = community(page, 'TrainingZone').getByRole('article').filter({ hasText: QUESTION }).first();
    await card.waitFor();
    await card.getByRole('button', { name: 'Follow' }).click();
    await page.getByRole('status').getByText("You're following this question").waitFor();

    // A reply in a copy's thread after the restart still reaches Jane's thread: the copy's thread binding survived.
    await actAs(page, 'Harold');
    const copy = community(page, 'L&D Guild').getByRole('article').filter({ hasText: QUESTION }).first();
    await copy.getByLabel('Reply').fill('Quarterly conversations, no ratings.');
    await copy.getByRole('button', { name: 'Send' }).click();
    await actAs(page, 'Jane');
    await page.getByRole('button', { name: 'Run digest now' }).click();
    await community(page, 'TrainingZone').getByRole('article').filter({ hasText: 'Quarterly conversations' }).first().waitFor();
    // New messages carry on the world's numbering: nothing overwrote a message from before.
    const ids = await page.locator('article').evaluateAll((els: unknown[]) => els.map((e) => (e as { id: string }).id));
    expect(new Set(ids).size).toBe(ids.length);
    await page.context().close();
  });

  it('Reset empties the store and the world, after a confirmation', { timeout: 60_000 }, async () => {
    run ??= await startPlayground(where.dir, where.storeUrl);
    const page = await open(run);
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByRole('button', { name: 'Yes, reset everything' }).click();
    await page.getByRole('status').getByText('The playground was reset').waitFor();
    expect(await community(page, 'TrainingZone').getByRole('article').count()).toBe(0);
    expect(await engineOf(run).ctx.repo.openAskIds()).toEqual([]);
    // The seed is back: people's topics and contacts, the connected channels.
    await actAs(page, 'Harold');
    await page.getByText('Knows about #learning #culture').waitFor();
    expect(await engineOf(run).ctx.repo.allGrounds()).toHaveLength(5);
    // And the fresh world works: an ask goes out again.
    await page.getByLabel('Question').fill('After the reset: who is here?');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await community(page, 'L&D Guild').getByRole('article').filter({ hasText: 'After the reset' }).first().waitFor();
    await page.context().close();
  });
});
