import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, screenshot, type PageWatch } from '../../support/browser.js';
import { actAs, community, playgroundDir, startPlayground, type PlaygroundRun } from '../../support/playground.js';

/**
 * The seed's story in a real browser, on the real engine: ask as Jane in TrainingZone, watch
 * the copies land in the other communities, answer in a copy's thread as Harold, run the
 * digest, request an introduction, consent as Harold, and find his contact in Jane's direct
 * messages. Then the same story replayed by the page's own guide, to its end.
 */

const QUESTION = 'Which organisations have a successful culture of collaborative learning?';
const ANSWER = 'Peer-learning circles worked for us: six people, one topic, an hour every fortnight.';

let browser: Browser;
let run: PlaygroundRun;
let where: ReturnType<typeof playgroundDir>;
let page: Page;
let watch: PageWatch;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  where = playgroundDir();
  run = await startPlayground(where.dir, where.storeUrl);
  ({ page, watch } = await openPage(browser, run.base));
});
afterEach(async () => {
  await page?.context().close();
  await run?.stop();
  where?.dispose();
});

/** The top-level message of a channel in a community region whose text holds `piece`. */
function post(region: string, channel: string, piece: string) {
  return community(page, region)
    .getByRole('region', { name: `#${channel}`, exact: true })
    .locator(':scope > ol > li > article')
    .filter({ hasText: piece });
}

/** The labels of a message's own buttons (its thread's Send excluded). */
function cardButtons(article: Locator): Promise<string[]> {
  return article.locator(':scope > .buttons').getByRole('button').allTextContents();
}

describe('the playground in a browser', () => {
  it('walks the seed story from an ask to a consented introduction', { timeout: 90_000 }, async () => {
    await page.goto(run.base);
    expect(await page.getByLabel('Acting as').inputValue()).toBe('workspace:TZ:U-jane');
    await page.getByLabel('Question').fill(QUESTION);
    await page.getByLabel('Topics').fill('learning');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();

    // The ask card in Jane's channel, with the asker's buttons.
    const card = post('TrainingZone', 'any-answers', QUESTION);
    await card.waitFor();
    expect(await cardButtons(card)).toEqual(['Follow', 'Close', 'Retract']);
    // The copies land in the other communities, with the buttons people use there.
    const copy = post('L&D Guild', 'ask-around', QUESTION);
    await copy.waitFor();
    expect(await cardButtons(copy)).toEqual(['I can help', 'I know someone', 'Answer', 'Follow', 'Report', 'Remove']);
    await post('Coaching Forum', 'questions', QUESTION).waitFor();
    await screenshot(page, 'playground');

    // Harold answers in the thread of the copy in his community.
    await actAs(page, 'Harold');
    const harolds = post('L&D Guild', 'ask-around', QUESTION);
    await harolds.getByLabel('Reply').fill(ANSWER);
    await harolds.getByRole('button', { name: 'Send' }).click();
    await harolds.getByRole('article').filter({ hasText: ANSWER }).waitFor();

    // Jane runs the digest: Harold's answer reaches her thread with Request intro.
    await actAs(page, 'Jane');
    await page.getByRole('button', { name: 'Run digest now' }).click();
    const digest = post('TrainingZone', 'any-answers', QUESTION).getByRole('article').filter({ hasText: ANSWER });
    await digest.waitFor();
    await digest.getByRole('button', { name: 'Request intro' }).click();

    // Harold is asked first, in his direct messages, and says yes.
    await actAs(page, 'Harold');
    const haroldsDms = page.getByRole('region', { name: 'Direct messages' });
    const request = haroldsDms.getByRole('article').filter({ has: page.getByRole('button', { name: 'Share my contact' }) });
    await request.waitFor();
    expect(await cardButtons(request)).toEqual(['Share my contact', 'Not now', 'Decline']);
    await request.getByRole('button', { name: 'Share my contact' }).click();

    // Jane now has Harold's contact, and only in her direct messages.
    await actAs(page, 'Jane');
    const janesDms = page.getByRole('region', { name: 'Direct messages' });
    await janesDms.getByRole('article').filter({ hasText: 'harold@ldguild.example' }).waitFor();
    expect(await community(page, 'TrainingZone').textContent()).not.toContain('harold@ldguild.example');
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  });

  it('replays the story step by step to its end', { timeout: 120_000 }, async () => {
    await page.goto(run.base);
    const story = page.getByRole('region', { name: 'Replay the story' });
    await story.getByRole('button', { name: 'Replay the story' }).click();
    await story.getByText('Step 1 of 10').waitFor();
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      seen.push((await story.getByRole('heading', { level: 3 }).textContent()) ?? '');
      const next = story.getByRole('button', { name: 'Next step' });
      if ((await next.count()) === 0) break;
      await next.click();
      await story.getByText(`Step ${i + 2} of 10`).waitFor();
    }
    expect(seen).toEqual([
      'Jane asks in TrainingZone',
      'Feelers go out',
      'Harold answers in the copy’s thread',
      'Maria offers to help',
      'Karyn follows the question',
      'The digest arrives in Jane’s thread',
      'Jane accepts Maria’s offer',
      'Jane asks Harold for an introduction',
      'Harold shares his contact',
      'Jane closes the question',
    ]);
    // The last step shows Karyn, the follower, told the outcome by DM; the copies say the question is closed.
    expect(page.url()).toContain('U-karyn');
    const karynsDms = page.getByRole('region', { name: 'Direct messages' });
    await karynsDms.getByRole('article').filter({ hasText: 'collaborative learning' }).first().waitFor();
    await post('L&D Guild', 'ask-around', 'closed this question').waitFor();
    await screenshot(page, 'playground-story');
    // Jane has both contacts: Maria's (she offered) and Harold's (he consented).
    await actAs(page, 'Jane');
    const janesDms = page.getByRole('region', { name: 'Direct messages' });
    await janesDms.getByRole('article').filter({ hasText: 'maria@coachingforum.example' }).waitFor();
    await janesDms.getByRole('article').filter({ hasText: 'harold@ldguild.example' }).waitFor();
    expect(watch.consoleErrors).toEqual([]);
  });
});
