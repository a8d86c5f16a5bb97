import { randomBytes } from 'node:crypto';

/**
 * feelers' mails composed as RFC 5322 text, for nodemailer to carry over SMTP as it is (`raw`).
 * Every mail has the same shape (headers, a text part, an HTML part), so composing it here costs
 * a fraction of nodemailer's general MIME tree: at fan-out to hundreds of lists, composition was
 * half of the process's CPU per mail. A mail outside that shape (an attachment) goes through
 * nodemailer's composer instead: `composable` says which.
 *
 * Safety: a header never carries a line break from its value (RFC 5322 §2.2: CR and LF end a
 * header; one in a subject would let a person's words add headers). Text that is not plain
 * printable ASCII goes in RFC 2047 encoded words; addresses and message ids must already be
 * plain, or the mail is not composable here.
 */
export interface MimeMail {
  readonly from: { readonly address: string; readonly name: string };
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly messageId: string;
  readonly date: Date;
  readonly replyTo?: string | undefined;
  readonly inReplyTo?: string | undefined;
  readonly references?: readonly string[] | undefined;
  /** Further headers, names and values plain ASCII (X-Feelers-Kind, List-Unsubscribe...). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** An address as SMTP and a header carry it: no spaces, brackets, quotes or line breaks, ASCII only. */
const PLAIN_ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$/;
const MESSAGE_ID = /^<[\x21-\x3b\x3d\x3f-\x7e]+>$/;
const HEADER_NAME = /^[A-Za-z0-9-]+$/;
/** Printable ASCII without line breaks: goes into a header unencoded. */
const PLAIN_VALUE = /^[\x20-\x7e]*$/;
/** Characters that need a quoted string in a display name (RFC 5322 specials). */
const SPECIALS = /[()<>[\]:;@\\,."]/;
/** Bytes per encoded word: 45 bytes are 60 base64 characters, within the 75 of RFC 2047 §2. */
const WORD_BYTES = 45;
/** Header lines are folded before this (RFC 5322 §2.1.1 asks for 78). */
const LINE = 78;

/** Whether `m` fits the shape this module composes; otherwise nodemailer composes it. */
export function composable(m: MimeMail): boolean {
  const ids = [m.messageId, ...(m.inReplyTo ? [m.inReplyTo] : []), ...(m.references ?? [])];
  const addresses = [m.from.address, m.to, ...(m.replyTo ? [m.replyTo] : [])];
  const extra = Object.entries(m.headers ?? {});
  return (
    addresses.every((a) => PLAIN_ADDRESS.test(a)) &&
    ids.every((id) => MESSAGE_ID.test(id)) &&
    extra.every(([k, v]) => HEADER_NAME.test(k) && PLAIN_VALUE.test(v) && k.length + v.length < 900)
  );
}

/** The mail as RFC 5322 text with CRLF line ends. Call only when `composable(m)`. */
export function composeMail(m: MimeMail): string {
  const boundary = `=_feelers_${randomBytes(12).toString('hex')}`;
  const h: string[] = [
    `From: ${displayName(m.from.name)} <${m.from.address}>`,
    `To: ${m.to}`,
    ...(m.replyTo ? [`Reply-To: ${m.replyTo}`] : []),
    `Subject: ${headerText(m.subject, 'Subject: '.length)}`,
    `Message-ID: ${m.messageId}`,
    ...(m.inReplyTo ? [`In-Reply-To: ${m.inReplyTo}`] : []),
    ...(m.references && m.references.length > 0 ? [`References: ${m.references.join('\r\n ')}`] : []),
    `Date: ${rfc5322Date(m.date)}`,
    'MIME-Version: 1.0',
    // RFC 3834: mail a machine sends on its own is marked so auto-responders leave it alone.
    'Auto-Submitted: auto-generated',
    ...Object.entries(m.headers ?? {})
      .filter(([k]) => k.toLowerCase() !== 'auto-submitted')
      .map(([k, v]) => `${k}: ${v}`),
    `Content-Type: multipart/alternative;\r\n boundary="${boundary}"`,
  ];
  return [
    ...h,
    '',
    `--${boundary}`,
    ...part('text/plain', m.text),
    `--${boundary}`,
    ...part('text/html', m.html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

function part(type: string, body: string): string[] {
  // Text is sent in canonical form (CRLF line ends, RFC 2046 §4.1.1) before it is encoded.
  const bytes = Buffer.from(body.replace(/\r?\n/g, '\r\n'), 'utf8').toString('base64');
  const lines: string[] = [];
  // Base64 lines of 76 characters (RFC 2045 §6.8).
  for (let i = 0; i < bytes.length; i += 76) lines.push(bytes.slice(i, i + 76));
  return [`Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '', ...lines];
}

/** A display name: as it is when plain, quoted when it has specials, encoded words otherwise. */
function displayName(name: string): string {
  const oneLine = name.replace(/[\r\n]+/g, ' ');
  if (PLAIN_VALUE.test(oneLine) && oneLine.length <= 60) {
    return SPECIALS.test(oneLine) ? `"${oneLine.replace(/(["\\])/g, '\\$1')}"` : oneLine;
  }
  return encodedWords(oneLine).join(' ');
}

/** Unstructured header text (a subject): plain when it is short printable ASCII, else encoded words, folded. */
function headerText(value: string, used: number): string {
  const oneLine = value.replace(/[\r\n]+/g, ' ');
  if (PLAIN_VALUE.test(oneLine) && used + oneLine.length <= LINE && !/=\?/.test(oneLine)) return oneLine;
  return encodedWords(oneLine).join('\r\n ');
}

/** RFC 2047 B encoding, split on character boundaries so no word holds half a UTF-8 sequence. */
function encodedWords(value: string): string[] {
  const words: string[] = [];
  let chunk = '';
  let bytes = 0;
  for (const ch of value) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > WORD_BYTES) {
      words.push(word(chunk));
      chunk = '';
      bytes = 0;
    }
    chunk += ch;
    bytes += n;
  }
  if (chunk || words.length === 0) words.push(word(chunk));
  return words;
}

function word(s: string): string {
  return `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Fri, 04 Dec 2026 21:10:17 +0000` (RFC 5322 §3.3), in UTC. */
function rfc5322Date(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}
