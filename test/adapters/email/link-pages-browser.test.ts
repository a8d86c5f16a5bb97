import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { ActionEvent, ChatEvent } from '../../../src/ports/events.js';
import { axeScan, launchBrowser, openPage, screenshot, serious } from '../../support/browser.js';
import { EmailBed } from '../../support/mail/email-bed.js';
import { linkFor } from '../../support/mail/links.js';
import { readMailbox } from '../../support/mail/mailbox.js';
import { delivered, describeWithMail } from '../../support/mail/servers.js';
import { until } from '../../support/wait.js';

/** The pages behind the links in mail (src/app/email-pages.ts) in chromium: keyboard only, axe, CSP. */
describeWithMail('email link pages in a browser', () => {
  let browser: Browser;
  let bed: EmailBed;
  let events: ChatEvent[];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());
  afterEach(() => bed.close());

  async function started(): Promise<void> {
    bed = new EmailBed();
    events = [];
    await (
      await bed.make()
    ).start(async (e) => {
      events.push(e);
    });
  }

  it('a personal link with a form: read, typed and sent by keyboard alone; one action, in the name of the person it was mailed to', async () => {
    await started();
    const alice = { network: 'email', community: bed.community, user: bed.address('alice') };
    const card = {
      summary: 'q',
      blocks: [
        {
          type: 'buttons' as const,
          buttons: [{ id: 'ans-1', label: 'Answer', form: { title: 'Answer', kind: 'text' as const, label: 'Your answer <b>here</b>' } }],
        },
      ],
    };
    const ref = await bed.adapter.directMessage(alice, card, { idempotencyKey: 'b1' });
    await delivered();
    const link = linkFor(
      (await readMailbox(alice.user)).find((m) => m.messageId === ref.id)!,
      'ans-1',
    );
    const { page, watch } = await openPage(browser, bed.publicUrl);
    const res = await page.goto(link.url);
    expect(res?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(await page.getByLabel('Your answer <b>here</b>').count()).toBe(1);
    expect(serious(await axeScan(page))).toEqual([]);
    await screenshot(page, 'email-link-form');
    expect(events.filter((e) => e.kind === 'action')).toEqual([]);

    // Tab reaches the text box (after the skip link), typing fills it, Enter on the button sends.
    const focused = () =>
      page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id);
    const tabs: string[] = [];
    for (let i = 0; i < 4 && (await focused()) !== 'text'; i++) {
      await page.keyboard.press('Tab');
      tabs.push((await focused()) ?? '');
    }
    expect(tabs.at(-1)).toBe('text');
    await page.keyboard.type('Ask the archivist.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('status').textContent()).toContain('Done');
    expect(serious(await axeScan(page))).toEqual([]);
    await until(() => events.some((e) => e.kind === 'action'), 'the action');
    expect(events.find((e): e is ActionEvent => e.kind === 'action')).toMatchObject({
      actionId: 'ans-1',
      form: { text: 'Ask the archivist.' },
      actor: { user: alice.user },
    });
    expect(watch.pageErrors).toEqual([]);
    expect(watch.offsite()).toEqual([]);
  });

  it("a list's link asks for an address and mails a personal link; a broken link says what to do", async () => {
    await started();
    const ref = await bed.adapter.post(
      bed.channel,
      { summary: 'q', blocks: [{ type: 'buttons', buttons: [{ id: 'fol-1', label: 'Follow' }] }] },
      { idempotencyKey: 'b2' },
    );
    await delivered();
    const link = linkFor(
      (await readMailbox(bed.address('bob'))).find((m) => m.messageId === ref.id)!,
      'fol-1',
    );
    const { page } = await openPage(browser, bed.publicUrl);
    await page.goto(link.url);
    expect(serious(await axeScan(page))).toEqual([]);
    await page.getByLabel('Your email address').focus();
    await page.keyboard.type(bed.address('bob'));
    await page.keyboard.press('Enter');
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('status').textContent()).toContain('a link for it is on its way');
    expect(events.filter((e) => e.kind === 'action')).toEqual([]);
    await delivered();
    expect((await readMailbox(bed.address('bob'))).filter((m) => m.header('x-feelers-kind') === 'confirm')).toHaveLength(1);

    const broken = await page.goto(`${bed.publicUrl}/email/link?t=${link.token.slice(0, -3)}`);
    expect(broken?.status()).toBe(400);
    expect(await page.getByRole('alert').textContent()).toContain('Open it from the mail again');
    expect(serious(await axeScan(page))).toEqual([]);
  });
});
