import { afterEach, expect, it } from 'vitest';
import type { ActionEvent, ChatEvent, MessageEvent } from '../../../src/ports/events.js';
import { threadOf } from '../../../src/ports/places.js';
import { EmailBed } from '../../support/mail/email-bed.js';
import { linkFor, postForm } from '../../support/mail/links.js';
import { readMailbox, sendAs } from '../../support/mail/mailbox.js';
import { delivered, describeWithMail } from '../../support/mail/servers.js';
import { until } from '../../support/wait.js';

const CORPUS = [
  '<script>alert("script")</script>',
  '<img src=x onerror="alert(\'img\')">',
  '<a href="javascript:alert(\'link\')">click</a>',
  '<!channel> <@U123> @everyone ＠here',
  '<iframe src="https://example.com/x"></iframe>',
];

/** Safety rules of email (adapters/email: parse.ts, loops.ts, link-actions.ts), against the real servers. */
describeWithMail('email adapter safety', () => {
  let bed: EmailBed;
  let events: ChatEvent[];
  afterEach(() => bed.close());

  async function started(extra: Parameters<EmailBed['make']>[0] = {}): Promise<void> {
    bed = new EmailBed();
    events = [];
    await (
      await bed.make(extra)
    ).start(async (e) => {
      events.push(e);
    });
  }
  const messageWith = async (text: string): Promise<MessageEvent> => {
    await until(() => events.some((e) => e.kind === 'message' && e.text.includes(text)), `a message with "${text}"`);
    return events.find((e): e is MessageEvent => e.kind === 'message' && e.text.includes(text))!;
  };
  /**
   * After a marker mail arrives, everything sent before it has been handled: the queue is empty
   * first (Postfix delivers concurrently, not in the order mail was sent), so the earlier mails
   * are in the mailbox below the marker, and the adapter handles a mailbox in UID order.
   */
  const afterMarker = async (): Promise<void> => {
    await delivered();
    await sendAs(bed.address('bob'), { to: bed.bot, text: 'marker' });
    bed.adapter.poll();
    await messageWith('marker');
  };

  it("a reply to the thread's plus-address threads without References or In-Reply-To", async () => {
    await started();
    const ref = await bed.adapter.post(
      bed.channel,
      { summary: 'q', blocks: [{ type: 'text', text: 'q' }], thread: { title: 'q' } },
      { idempotencyKey: 'k1' },
    );
    await delivered();
    const copy = (await readMailbox(bed.address('alice'))).find((m) => m.messageId === ref.id)!;
    const replyTo = copy.header('reply-to')!.replace(/.*<|>.*/g, '');
    expect(replyTo).toMatch(/^feelers-[a-z0-9]+\+[a-z0-9]+@test\.example$/);
    await sendAs(bed.address('alice'), { to: replyTo, subject: 'my answer', text: 'Try the archive.\n\nOn Tue, Jane wrote:\n> q' });
    const e = await messageWith('Try the archive.');
    expect(e.place).toEqual(threadOf(ref));
    expect(e.text).toBe('Try the archive.');
  });

  it("a forged From on someone's private reply address does nothing", async () => {
    await started();
    const alice = { network: 'email', community: bed.community, user: bed.address('alice') };
    const ref = await bed.adapter.directMessage(
      alice,
      { summary: 'prod', blocks: [{ type: 'text', text: 'prod' }] },
      { idempotencyKey: 'k2' },
    );
    await delivered();
    const dm = (await readMailbox(alice.user)).find((m) => m.messageId === ref.id)!;
    const replyTo = dm.header('reply-to')!.replace(/.*<|>.*/g, '');
    await sendAs(bed.address('mallory'), { to: replyTo, inReplyTo: ref.id, references: [ref.id], text: 'forged: share my contact' });
    await sendAs(alice.user, { to: replyTo, text: 'the real alice' });
    bed.adapter.poll();
    const real = await messageWith('the real alice');
    expect(real.actor.user).toBe(alice.user);
    await afterMarker();
    expect(events.some((e) => e.kind === 'message' && e.text.includes('forged'))).toBe(false);
  });

  it('opening a link (GET, as mail scanners do) changes nothing; its POST acts, for the person it was mailed to', async () => {
    await started();
    const alice = { network: 'email', community: bed.community, user: bed.address('alice') };
    const card = { summary: 'consent?', blocks: [{ type: 'buttons' as const, buttons: [{ id: 'cons-1', label: 'Share my contact' }] }] };
    const ref = await bed.adapter.directMessage(alice, card, { idempotencyKey: 'k3' });
    await delivered();
    const link = linkFor(
      (await readMailbox(alice.user)).find((m) => m.messageId === ref.id)!,
      'cons-1',
    );
    for (let i = 0; i < 3; i++) expect((await fetch(link.url)).status).toBe(200);
    expect((await fetch(link.url, { method: 'HEAD' })).status).toBe(200);
    await afterMarker();
    expect(events.filter((e) => e.kind === 'action')).toEqual([]);
    // A changed token is refused with a 4xx and nothing happens.
    const tampered = await postForm(link.url, { t: link.token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) });
    expect(tampered.status).toBe(400);
    expect((await postForm(link.url, { t: link.token })).status).toBe(200);
    await until(() => events.some((e) => e.kind === 'action'), 'the action');
    const action = events.find((e): e is ActionEvent => e.kind === 'action')!;
    expect(action).toMatchObject({ actionId: 'cons-1', actor: { user: alice.user } });
  });

  it('bounces are dropped, auto-replies and bulk arrive as a bot, and nothing is mailed back', async () => {
    await started();
    const to = bed.bot;
    await sendAs('mailer-daemon@test.example', { to, subject: 'Undelivered Mail', text: 'bounce: delivery failed' });
    await sendAs(bed.address('alice'), {
      to,
      subject: 'report',
      text: 'bounce: report',
      headers: { 'Content-Type': 'multipart/report; report-type=delivery-status; boundary="x"' },
    });
    await sendAs(bed.address('alice'), {
      to,
      subject: 'Out of office',
      text: 'auto: away until Monday',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    await sendAs(bed.address('carol'), { to, text: 'bulk: newsletter', headers: { Precedence: 'bulk' } });
    bed.adapter.poll();
    await afterMarker();
    const texts = events.flatMap((e) => (e.kind === 'message' ? [e.text] : []));
    expect(texts.filter((t) => t.startsWith('bounce'))).toEqual([]);
    const auto = events.filter((e): e is MessageEvent => e.kind === 'message' && /^(auto|bulk):/.test(e.text));
    expect(auto).toHaveLength(2);
    expect(auto.every((e) => e.actor.isBot)).toBe(true);
    await delivered();
    expect((await readMailbox(bed.address('alice'))).filter((m) => m.from === bed.bot)).toEqual([]);
  });

  it('with FEELERS_EMAIL_AUTHSERV_ID, mail our server found failing DMARC is dropped; a result written by anyone else is ignored', async () => {
    await started({ authservId: 'mx.test.example' });
    const from = bed.address('alice');
    await sendAs(from, {
      to: bed.bot,
      text: 'spoofed one',
      headers: { 'Authentication-Results': 'mx.test.example; dmarc=fail (p=reject) header.from=test.example' },
    });
    await sendAs(from, { to: bed.bot, text: 'self-vouched', headers: { 'Authentication-Results': 'evil.example; dmarc=fail' } });
    await sendAs(from, {
      to: bed.bot,
      text: 'genuine one',
      headers: { 'Authentication-Results': 'mx.test.example; dmarc=pass header.from=test.example' },
    });
    bed.adapter.poll();
    await messageWith('genuine one');
    await messageWith('self-vouched');
    await afterMarker();
    expect(events.some((e) => e.kind === 'message' && e.text.includes('spoofed'))).toBe(false);
  });

  it('a restart between two mails loses none and repeats none', async () => {
    await started();
    await sendAs(bed.address('alice'), { to: bed.bot, text: 'first mail' });
    bed.adapter.poll();
    await messageWith('first mail');
    await bed.adapter.stop();
    await sendAs(bed.address('alice'), { to: bed.bot, text: 'second mail' });
    await delivered();
    // A new process: a new adapter on the same store.
    await (
      await bed.make()
    ).start(async (e) => {
      events.push(e);
    });
    await messageWith('second mail');
    await afterMarker();
    const texts = events.flatMap((e) => (e.kind === 'message' ? [e.text] : []));
    expect(texts.filter((t) => t === 'first mail')).toHaveLength(1);
    expect(texts.filter((t) => t === 'second mail')).toHaveLength(1);
  });

  it('the markup corpus in an HTML mail arrives as text, and relayed into a mail it stays text', async () => {
    await started();
    const escaped = CORPUS.map((c) => c.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    await sendAs(bed.address('alice'), {
      to: bed.list,
      html: `<p>Markup test: ${escaped.join(' ')}</p><script>alert('live')</script><p><b>bold</b></p>`,
    });
    bed.adapter.poll();
    const e = await messageWith('Markup test');
    for (const c of CORPUS) expect(e.text).toContain(c);
    expect(e.text).not.toContain("alert('live')");
    await bed.adapter.post(
      bed.channel,
      { summary: 'digest', blocks: [{ type: 'quote', text: e.text, by: '<b>Alice</b>' }] },
      { idempotencyKey: 'k4' },
    );
    await delivered();
    const relayed = (await readMailbox(bed.archive)).find((m) => m.from === bed.bot)!;
    expect(relayed.text).toContain(CORPUS[0]);
    for (const tag of ['<script', '<img', '<iframe', '<a href="javascript', '<!channel', '<b>']) expect(relayed.html).not.toContain(tag);
    expect(relayed.html).toContain('&lt;script&gt;');
  });

  it('attachments are dropped with a note to the sender', async () => {
    await started();
    await sendAs(bed.address('alice'), {
      to: bed.bot,
      text: 'see attached',
      attachments: [{ filename: 'cv.txt', content: 'private things' }],
    });
    bed.adapter.poll();
    const e = await messageWith('see attached');
    expect(JSON.stringify(e)).not.toContain('private things');
    await delivered();
    await until(
      async () => (await readMailbox(bed.address('alice'))).some((m) => m.text.includes('Attachments are not passed on')),
      'the note',
    );
  });
});
