/**
 * Neutralises Discord mention syntax in every string feelers sends.
 *
 * Discord turns `@everyone`, `@here`, `<@id>`, `<@!id>`, `<@&role>` and `<#channel>` into live
 * mentions in message content (and renders them as pills in embeds). `allowed_mentions:
 * {parse: []}` already stops the pings; this is the second guard, so a relayed text can never
 * ping even if a request forgets it, and so names do not render as someone else's pill.
 *
 * The rule: every `@` and every `<` is followed by one zero-width space (U+200B), the same
 * break Discord's own clients and discord.js's `cleanContent` rely on. Characters that NFKC
 * folds to `@` or `<` (full-width ＠ ＜, small ﹫ ﹤) are folded first, and invisible format
 * characters right after them are dropped, so no look-alike or zero-width variant survives
 * (matterbridge was beaten by characters Discord strips; see its issues 476 and 541).
 */

const AT_LIKE = /[@\uFF20\uFE6B]/g;
const LT_LIKE = /[<\uFF1C\uFE64]/g;
/** Invisible format characters: soft hyphen, joiners, bidi marks, word joiner, BOM, fillers. */
const INVISIBLE =
  '\\u00AD\\u034F\\u061C\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u206F\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0';
// The class holds combining and variation marks on purpose: each is dropped on its own.
// eslint-disable-next-line no-misleading-character-class
const MARK_THEN_INVISIBLES = new RegExp(`([@<])[${INVISIBLE}]*`, 'g');

export const ZWSP = '\u200B';

export function neutralise(text: string): string {
  return text.replace(AT_LIKE, '@').replace(LT_LIKE, '<').replace(MARK_THEN_INVISIBLES, `$1${ZWSP}`);
}

/** Cuts to `max` UTF-16 units without splitting a surrogate pair, marking the cut with an ellipsis. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
