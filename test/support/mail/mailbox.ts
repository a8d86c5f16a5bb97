import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { MAIL_PASSWORD, servers } from './servers.js';

/** A mail as its reader sees it. */
export interface ReadMail {
  readonly uid: number;
  readonly messageId: string;
  readonly from: string;
  readonly to: string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly inReplyTo: string | undefined;
  readonly references: string[];
  readonly header: (name: string) => string | undefined;
  readonly attachments: { name: string; text: string }[];
  readonly source: Buffer;
}

export interface SendAs {
  readonly to: string | string[];
  readonly cc?: string | string[];
  readonly subject?: string;
  readonly text?: string;
  readonly html?: string;
  readonly messageId?: string;
  readonly inReplyTo?: string;
  readonly references?: string[];
  readonly headers?: Record<string, string>;
  readonly name?: string;
  readonly attachments?: { filename: string; content: string }[];
}

let seq = 0;

/** A person's mail client: sends through the test Postfix, reads their mailbox in Dovecot. */
export async function sendAs(from: string, m: SendAs): Promise<string> {
  const t = nodemailer.createTransport({ url: servers().smtpUrl, logger: false });
  const messageId = m.messageId ?? `<t-${Date.now().toString(36)}-${++seq}-${Math.random().toString(36).slice(2, 8)}@test.example>`;
  try {
    await t.sendMail({
      from: m.name ? { name: m.name, address: from } : from,
      to: m.to,
      ...(m.cc ? { cc: m.cc } : {}),
      subject: m.subject ?? 'a mail',
      ...(m.text !== undefined ? { text: m.text } : {}),
      ...(m.html !== undefined ? { html: m.html } : {}),
      messageId,
      ...(m.inReplyTo ? { inReplyTo: m.inReplyTo } : {}),
      ...(m.references ? { references: m.references } : {}),
      ...(m.headers ? { headers: m.headers } : {}),
      ...(m.attachments ? { attachments: m.attachments } : {}),
    });
  } finally {
    t.close();
  }
  return messageId;
}

/** Every mail in `address`'s INBOX, oldest first. */
export async function readMailbox(address: string): Promise<ReadMail[]> {
  return withImap(address, async (c) => {
    const raw: { uid: number; source: Buffer }[] = [];
    if ((c.mailbox && c.mailbox.exists) === 0) return [];
    for await (const m of c.fetch('1:*', { uid: true, source: true })) if (m.source) raw.push({ uid: m.uid, source: m.source });
    const out: ReadMail[] = [];
    for (const r of raw) out.push(await parse(r.uid, r.source));
    return out;
  });
}

/** Puts a raw mail in `address`'s INBOX again (a redelivery, or a mailbox filled for a benchmark). */
export async function appendTo(address: string, sources: readonly Buffer[]): Promise<void> {
  await withImap(address, async (c) => {
    for (const s of sources) await c.append('INBOX', s);
  });
}

export async function withImap<T>(address: string, f: (c: ImapFlow) => Promise<T>): Promise<T> {
  const u = new URL(servers().imapUrl);
  const c = new ImapFlow({
    host: u.hostname,
    port: Number(u.port),
    secure: false,
    auth: { user: address, pass: MAIL_PASSWORD },
    logger: false,
  });
  await c.connect();
  try {
    await c.mailboxOpen('INBOX');
    return await f(c);
  } finally {
    await c.logout().catch(() => undefined);
  }
}

async function parse(uid: number, source: Buffer): Promise<ReadMail> {
  const p = await simpleParser(source);
  const list = (a: typeof p.to): string[] =>
    [a ?? []]
      .flat()
      .flatMap((o) => o.value)
      .map((v) => (v.address ?? '').toLowerCase());
  const lines = new Map<string, string>();
  for (const h of p.headerLines)
    if (!lines.has(h.key))
      lines.set(
        h.key,
        h.line
          .slice(h.line.indexOf(':') + 1)
          .replace(/\r?\n[ \t]+/g, ' ')
          .trim(),
      );
  return {
    uid,
    messageId: p.messageId ?? '',
    from: (p.from?.value[0]?.address ?? '').toLowerCase(),
    to: [...list(p.to), ...list(p.cc)],
    subject: p.subject ?? '',
    text: p.text ?? '',
    html: typeof p.html === 'string' ? p.html : '',
    inReplyTo: p.inReplyTo,
    references: [p.references ?? []].flat(),
    header: (n) => lines.get(n.toLowerCase()),
    attachments: p.attachments.map((a) => ({ name: a.filename ?? '', text: a.content.toString('utf8') })),
    source,
  };
}
