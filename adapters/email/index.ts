import {
  DeliveryError,
  placeKey,
  silentLogger,
  systemClock,
  type AdapterHealth,
  type AdapterState,
  type Button,
  type Capabilities,
  type Card,
  type ChatAdapter,
  type Clock,
  type DeliveryLimits,
  type EventSink,
  type Logger,
  type MessageRef,
  type PersonRef,
  type Place,
  type SendOptions,
} from '../../src/ports/index.js';
import { addressOfDm, dmChannel, Directory, domainOf, plusAddress, type EmailCommunity } from './addresses.js';
import { ImapReader } from './inbound.js';
import { LinkActions } from './link-actions.js';
import { LinkSigner, type LinkPress } from './links.js';
import { SmtpSender } from './outbound.js';
import { parseMail } from './parse.js';
import { renderCard, subjectOf } from './render.js';
import { Threads } from './threads.js';

export { LinkActions, type LinkInfo, type LinkInput, type LinkOutcome } from './link-actions.js';
export type { EmailCommunity } from './addresses.js';

export interface EmailAdapterOptions {
  readonly smtpUrl: string;
  readonly imapUrl: string;
  /** The bot's address; replies come back to it with a `+token`. */
  readonly from: string;
  readonly fromName?: string | undefined;
  /** Base of the links in mail (feelers' own HTTP server). */
  readonly publicUrl: string;
  /** Signs the links (HMAC); never logged. */
  readonly linkSecret: string;
  readonly communities: readonly EmailCommunity[];
  /** Mailing lists connected as grounds, with their community. */
  readonly lists: readonly { readonly address: string; readonly community: string }[];
  readonly state: AdapterState;
  /** Trust this receiving server's Authentication-Results (RFC 8601) and drop mail failing DMARC. */
  readonly authservId?: string | undefined;
  readonly logger?: Logger | undefined;
  readonly clock?: Clock | undefined;
  /** How often the mailbox is searched besides IDLE. */
  readonly pollMs?: number | undefined;
  /** An IMAP command taking longer is abandoned and the connection renewed (default 30 s). */
  readonly imapTimeoutMs?: number | undefined;
  /** How long a link in a mail works. */
  readonly linkTtlMs?: number | undefined;
  /** The relay's limits, declared to the deliverer like any network's. */
  readonly limits?: DeliveryLimits | undefined;
}

/**
 * Most relays meter per sending account, not per recipient: one budget for all of email.
 * 10 messages a second with a burst of 20 sits under the usual hosted-relay quotas (hundreds a
 * minute); FEELERS_EMAIL_RATE_PER_SEC raises it for a relay of one's own.
 */
export const DEFAULT_EMAIL_LIMITS: DeliveryLimits = { network: { ratePerSec: 10, burst: 20 }, concurrency: 10 };
/**
 * SMTP connections kept open to the relay. Twice as many sends may be in flight (the limits'
 * concurrency): the pool queues the extra ones, so a connection never idles while the
 * deliverer does its bookkeeping between two mails.
 */
export const SMTP_CONNECTIONS = 5;
const LINK_TTL_MS = 30 * 24 * 3600_000;

export function createEmailAdapter(opts: EmailAdapterOptions): EmailAdapter {
  return new EmailAdapter(opts);
}

export class EmailAdapter implements ChatAdapter {
  readonly network = 'email';
  /** A sent mail stays as sent: the engine follows up instead of editing. */
  readonly capabilities: Capabilities = { edits: false };
  readonly limits: DeliveryLimits;
  /** What the link pages (src/app/email-pages.ts) call. */
  readonly links: LinkActions;
  private readonly directory: Directory;
  private readonly threads: Threads;
  private readonly signer: LinkSigner;
  private readonly smtp: SmtpSender;
  private readonly reader: ImapReader;
  private readonly clock: Clock;
  private readonly log: Logger;
  private sink: EventSink | undefined;
  private since: number | undefined;

  constructor(private readonly opts: EmailAdapterOptions) {
    this.limits = opts.limits ?? DEFAULT_EMAIL_LIMITS;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger ?? silentLogger;
    this.directory = new Directory(opts.communities, opts.lists);
    this.threads = new Threads(opts.state);
    this.signer = new LinkSigner(opts.linkSecret);
    this.smtp = new SmtpSender(opts.smtpUrl, { address: opts.from, name: opts.fromName ?? 'feelers' }, SMTP_CONNECTIONS);
    this.reader = new ImapReader(
      opts.imapUrl,
      opts.state,
      (source) => this.receive(source),
      this.log,
      opts.pollMs ?? 30_000,
      opts.imapTimeoutMs ?? 30_000,
    );
    this.links = new LinkActions({
      signer: this.signer,
      directory: this.directory,
      threads: this.threads,
      network: this.network,
      clock: this.clock,
      ttlMs: opts.linkTtlMs ?? LINK_TTL_MS,
      sink: () => this.sink,
      mailLink: (to, press) => this.mailPersonalLink(to, press),
    });
  }

  readonly start = async (sink: EventSink): Promise<void> => {
    this.sink = sink;
    await this.reader.start();
    this.since = this.clock.now();
  };

  readonly stop = async (): Promise<void> => {
    this.sink = undefined;
    await this.reader.stop();
  };

  readonly health = (): AdapterHealth => ({
    connected: this.sink !== undefined && this.reader.connected,
    since: this.since,
    lastError: this.reader.lastError,
  });

  /** Reads the mailbox now instead of at the next IDLE notice or timer tick. */
  readonly poll = (): void => this.reader.wake();

  readonly post = async (to: Place, card: Card, opts: SendOptions): Promise<MessageRef> => {
    return this.send(to, card, opts.idempotencyKey, to.channel.startsWith('dm:') ? 'dm' : 'post');
  };

  readonly update = (): Promise<void> => {
    return Promise.reject(new DeliveryError('gone', 'email cannot change a sent mail (capabilities.edits is false)'));
  };

  readonly directMessage = async (to: PersonRef, card: Card, opts: SendOptions): Promise<MessageRef> => {
    return this.send({ network: this.network, community: to.community, channel: dmChannel(to.user) }, card, opts.idempotencyKey, 'dm');
  };

  readonly notice = async (to: PersonRef, _where: Place, text: string): Promise<void> => {
    const id = `<n-${this.signer.short('notice', to.user, text, String(this.clock.now()), String(Math.random()))}@${domainOf(this.opts.from)}>`;
    const r = renderCard({ summary: text, blocks: [{ type: 'text', text }] }, () => '');
    await this.smtp.send({
      to: to.user,
      subject: `feelers: ${r.subject}`,
      text: r.text,
      html: r.html,
      messageId: id,
      headers: { 'X-Feelers-Kind': 'notice' },
    });
  };

  /** Forget-me: the display name kept for link actions goes; tokens and message ids expire on their own. */
  readonly forget = async (person: PersonRef): Promise<void> => {
    await this.threads.forgetName(person.user);
  };

  private async send(place: Place, card: Card, key: string, kind: 'post' | 'dm'): Promise<MessageRef> {
    const done = await this.threads.sent(key);
    if (done) return done;
    const domain = domainOf(this.opts.from);
    // The same key always gives the same Message-ID: a resend after a crash is recognisable as the same mail.
    const messageId = `<f-${this.signer.short('message', key)}@${domain}>`;
    const root = place.thread !== undefined ? await this.threads.message(place.thread) : undefined;
    const thread = place.thread ?? (card.thread ? messageId : undefined);
    const threadPlace: Place = { ...place, thread };
    const person = addressOfDm(place.channel);
    const token = this.signer.short('reply', placeKey(threadPlace));
    const linkFor = (b: Button): string => this.links.urlFor(this.opts.publicUrl, this.pressOf(b, threadPlace, person));
    const r = renderCard(card, linkFor);
    const subject = root ? `Re: ${root.subject.replace(/^Re:\s*/i, '')}` : r.subject;
    const unsubscribe = person ? this.links.unsubscribeUrl(this.opts.publicUrl, place.community, person) : undefined;
    await this.smtp.send({
      to: person ?? place.channel,
      subject,
      text: r.text,
      html: r.html,
      messageId,
      replyTo: plusAddress(this.opts.from, token),
      inReplyTo: place.thread,
      references: place.thread ? [place.thread] : undefined,
      attachment: card.file,
      headers: {
        'X-Feelers-Kind': kind,
        // RFC 8058: mail a person did not ask for offers one-click unsubscribe; it is feelers' opt-out.
        ...(unsubscribe ? { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
      },
    });
    const ref: MessageRef = { network: this.network, community: place.community, channel: place.channel, id: messageId, thread };
    await this.threads.recordSend({
      key,
      ref,
      message: { place: thread ? threadPlace : place, subject: root?.subject ?? subjectOf(card) },
      token,
      reply: { place: threadPlace, user: person },
    });
    return ref;
  }

  private pressOf(b: Button, place: Place, person: string | undefined): LinkPress {
    const f = b.form;
    return {
      a: b.id,
      l: b.label,
      c: place.community,
      ch: place.channel,
      th: place.thread,
      u: person,
      f: f ? { k: f.kind === 'person' ? 'p' : 't', t: f.title, lb: f.label, mx: f.maxLength } : undefined,
      x: this.clock.now() + (this.opts.linkTtlMs ?? LINK_TTL_MS),
    };
  }

  /** A link that works for `to` only, mailed to `to`: following it proves the mailbox. */
  private async mailPersonalLink(to: string, press: LinkPress): Promise<void> {
    const url = this.links.urlFor(this.opts.publicUrl, press);
    const text = `Someone asked to press "${press.l}" as ${to} in feelers. If that was you, open this link and confirm:`;
    const r = renderCard(
      {
        summary: text,
        blocks: [
          { type: 'text', text },
          { type: 'buttons', buttons: [{ id: press.a, label: press.l }] },
        ],
      },
      () => url,
    );
    const id = `<c-${this.signer.short('confirm', to, press.a, String(press.x))}@${domainOf(this.opts.from)}>`;
    await this.smtp.send({
      to,
      subject: `feelers: confirm "${press.l}"`,
      text: r.text,
      html: r.html,
      messageId: id,
      headers: { 'X-Feelers-Kind': 'confirm' },
    });
  }

  private async receive(source: Buffer): Promise<'done' | 'retry'> {
    const sink = this.sink;
    if (!sink) return 'retry';
    let parsed;
    try {
      parsed = await parseMail(source, {
        network: this.network,
        bot: this.opts.from,
        directory: this.directory,
        threads: this.threads,
        authservId: this.opts.authservId,
      });
    } catch (err) {
      // One unreadable mail must not stop the mailbox: it is skipped, and said so (without its content).
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'email: a mail could not be parsed; skipped');
      return 'done';
    }
    if (parsed.kind === 'skip') {
      this.log.debug({ why: parsed.why }, 'email: mail not taken');
      return 'done';
    }
    const e = parsed.event;
    this.log.debug({ kind: e.kind, id: e.id }, 'email: mail taken');
    await this.threads.rememberName(parsed.from, parsed.fromName);
    if (e.kind === 'message' && e.place.thread !== undefined) {
      const root = await this.threads.message(e.place.thread);
      await this.threads.remember(e.messageId, { place: e.place, subject: root?.subject ?? '' });
    }
    if (parsed.attachments > 0 && !e.actor.isBot) {
      await this.notice(e.actor, e.place, 'Attachments are not passed on by feelers; only the text of your mail was taken.').catch(
        (err: unknown) =>
          this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'email: the note about attachments could not be sent'),
      );
    }
    return (await sink(e)) === 'retry' ? 'retry' : 'done';
  }
}
