import type { Card } from '../ports/cards.js';

/**
 * Cleaning what people type. Control characters (other than newline and tab), bidi overrides
 * and zero-width characters are removed before anything is stored: they hide text from
 * readers and break mention neutralising downstream.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

export function cleanText(raw: string): string {
  return raw.replace(/\r\n?/g, '\n').replace(CONTROL, '').trim();
}

/** `#learning #L&D-culture` → ['learning', 'l-d-culture']. Topics are lowercase words with dashes. */
export function hashtags(text: string): string[] {
  const found = text.match(/(?:^|\s)#([\p{L}\p{N}][\p{L}\p{N}_&-]*)/gu) ?? [];
  return unique(found.map((t) => normaliseTopic(t.trim().slice(1))).filter((t) => t.length > 0));
}

/** 'learning, #HR  culture' → ['learning', 'hr', 'culture']. */
export function topicList(text: string): string[] {
  return unique(
    text
      .split(/[\s,;]+/)
      .map((t) => normaliseTopic(t.replace(/^#/, '')))
      .filter((t) => t.length > 0),
  );
}

export function normaliseTopic(t: string): string {
  return t
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

export function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** First words of a question, for titles and short references. */
export function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

/** A card of one sentence by feelers. */
export function textCard(text: string): Card {
  return { summary: text, blocks: [{ type: 'text', text }] };
}

/**
 * What a network's error said, fit to keep and show an operator: one line, at most `max`
 * characters, with anything shaped like a credential masked (a URL's password or query, a Slack
 * or Discord token, a bearer token). Platform errors rarely carry one, but the message of a
 * failed HTTP call can quote its URL.
 */
export function reasonText(message: string, max = 200): string {
  const masked = message
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s/@:]*):[^\s/@]+@/gi, '$1:***@')
    .replace(/(https?:\/\/[^\s?#]+)\?\S*/gi, '$1?***')
    .replace(/\bxox[a-z]-[A-Za-z0-9-]+/g, 'xox*-***')
    .replace(/\bxapp-[A-Za-z0-9-]+/g, 'xapp-***')
    .replace(/\b(Bearer|Bot)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 ***')
    .replace(/\b[A-Za-z0-9_-]{23,}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}\b/g, '***');
  return excerpt(masked, max);
}
