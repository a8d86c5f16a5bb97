/**
 * Strings that try to ping, and a strict checker: a text is unsafe when, after NFKC folding
 * (full-width look-alikes) and removing invisible characters other than U+200B (the break
 * Discord honours), it still contains mention syntax.
 */
export const MENTION_CORPUS: readonly string[] = [
  '@everyone',
  '@here',
  '<@&123456789012345678>',
  '<@123456789012345678>',
  '<@!123456789012345678>',
  '<#123456789012345678>',
  '@\u2060everyone',
  '@\u200Beveryone',
  '@\u00ADhere',
  '\uFF20everyone',
  '\uFE6Bhere',
  '\uFF1C@123456789012345678>',
  '<\u200C@&123456789012345678>',
  '\uFF1C\uFF20\uFF06123456789012345678\uFF1E',
  'hi @everyone and <@123456789012345678>, see <#123456789012345678>',
];

// Combining and joining marks belong in the class one by one.
// eslint-disable-next-line no-misleading-character-class
const INVISIBLE_EXCEPT_ZWSP = /[\u00AD\u034F\u061C\u180E\u200C-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g;
const LIVE = /@(everyone|here)|<@!?&?\d+>|<#\d+>/;

export function hasLiveMention(text: string): boolean {
  return LIVE.test(text.normalize('NFKC').replace(INVISIBLE_EXCEPT_ZWSP, ''));
}

/** Every string inside a JSON value. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}
