import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { DeliveryError } from '../../src/ports/index.js';
import { composable, composeMail, type MimeMail } from './mime.js';

/** One mail as the adapter composes it: a composed mail without its sender and date, perhaps with a file. */
export interface OutgoingMail extends Omit<MimeMail, 'from' | 'date'> {
  readonly attachment?: { readonly name: string; readonly mime: string; readonly text: string } | undefined;
}

/**
 * SMTP through nodemailer's pooled transport: a few long-lived connections to the relay, many
 * messages each, rather than a handshake per mail. It carries the mails mime.ts composes, and
 * composes itself only those outside their shape (a card with a file). Credentials come in the
 * URL (`smtp://user:pass@host:port`) and never reach a log.
 */
export class SmtpSender {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: { address: string; name: string },
    maxConnections: number,
  ) {
    const u = new URL(smtpUrl);
    this.transport = nodemailer.createTransport({
      pool: true,
      maxConnections,
      // A pooled connection sends at most this many before it is renewed (Postfix closes at 100 by default: smtpd_recipient_limit is per message, this is per session).
      maxMessages: 100,
      host: u.hostname,
      port: Number(u.port || (u.protocol === 'smtps:' ? 465 : 587)),
      secure: u.protocol === 'smtps:',
      ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
      logger: false,
    });
  }

  async send(m: OutgoingMail): Promise<void> {
    const mime: MimeMail = { ...m, from: this.from, date: new Date() };
    try {
      // The envelope sender is the bot: bounces come back to its mailbox, where they are recognised and dropped.
      if (!m.attachment && composable(mime)) {
        await this.transport.sendMail({ envelope: { from: this.from.address, to: [m.to] }, raw: composeMail(mime) });
        return;
      }
      await this.transport.sendMail({
        from: { address: this.from.address, name: this.from.name },
        envelope: { from: this.from.address, to: [m.to] },
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        messageId: m.messageId,
        ...(m.replyTo ? { replyTo: m.replyTo } : {}),
        ...(m.inReplyTo ? { inReplyTo: m.inReplyTo } : {}),
        ...(m.references && m.references.length > 0 ? { references: [...m.references] } : {}),
        headers: { 'Auto-Submitted': 'auto-generated', ...(m.headers ?? {}) },
        ...(m.attachment
          ? {
              attachments: [
                { filename: m.attachment.name, content: m.attachment.text, contentType: `${m.attachment.mime}; charset=utf-8` },
              ],
            }
          : {}),
      });
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** A 5xx is the relay's final no (unknown recipient, refused); a 4xx or a dropped connection is worth another try. */
function toDeliveryError(err: unknown): DeliveryError {
  const e = err as { responseCode?: number; code?: string; message?: string };
  const what = `smtp: ${e.code ?? 'error'} ${e.responseCode ?? ''}`.trim();
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) return new DeliveryError('gone', what, { cause: err });
  if (e.responseCode === 421 || e.responseCode === 450 || e.responseCode === 451) {
    return new DeliveryError('rate_limited', what, { cause: err, retryAfterMs: 60_000 });
  }
  return new DeliveryError('transient', what, { cause: err });
}
