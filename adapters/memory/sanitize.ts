import type { Block, Button, Card } from '../../src/ports/index.js';

/**
 * Mention safety for the memory platform. Its rule, modelled on Slack and Discord: after NFKC
 * folding (so a fullwidth "＠" counts as "@"), "@" at the start of a word followed by a letter,
 * digit or "_" pings someone ("@everyone", "@jane"), and "<" followed by "@", "!" or "#" is a
 * Slack-style mention token ("<@U1>", "<!here>", "<#C1>"). "jane@example.com" pings nobody.
 *
 * Every string of a card is user input somewhere (names, topics, quoted replies), so every
 * string is neutralised, not only quotes. Filtering known words by regex is what matterbridge
 * did and lost to look-alike characters (its issues 476 and 541); here every character that
 * folds to "@" or "<" is defused with a zero-width space, whatever word follows.
 */

const ZWSP = '\u200b';
const WORD_CHAR = /^[\p{L}\p{N}_]$/u;

/** Every BMP character whose NFKC form contains `needle` ("@", "＠", "﹫"; "<", "＜", "﹤", "≮"). */
function foldsTo(needle: string): ReadonlySet<string> {
  const found = new Set<string>();
  for (let cp = 0; cp <= 0xffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCharCode(cp);
    if (ch.normalize('NFKC').includes(needle)) found.add(ch);
  }
  return found;
}

const AT_LIKE = foldsTo('@');
const LT_LIKE = foldsTo('<');

function endsWithWordChar(ch: string): boolean {
  const folded = [...ch.normalize('NFKC')];
  const last = folded[folded.length - 1];
  return last !== undefined && WORD_CHAR.test(last);
}

/** Neutralises every mention the memory platform would make live; other text is unchanged. */
export function neutraliseMentions(text: string): string {
  let out = '';
  let prev = '';
  for (const ch of text) {
    out += ch;
    if (LT_LIKE.has(ch)) out += ZWSP;
    else if (AT_LIKE.has(ch) && !endsWithWordChar(prev)) out += ZWSP;
    prev = ch;
  }
  return out;
}

/** The memory platform's own check: would this shown text ping anyone? */
export function isLiveMention(shown: string): boolean {
  const folded = shown.normalize('NFKC');
  return /(?<![\p{L}\p{N}_])@[\p{L}\p{N}_]/u.test(folded) || /<[@!#]/u.test(folded);
}

const clean = neutraliseMentions;
const cleanOpt = (s: string | undefined): string | undefined => (s === undefined ? undefined : clean(s));

function sanitizeButton(b: Button): Button {
  return {
    // The id is our opaque store key, never shown: it must come back unchanged on a press.
    id: b.id,
    label: clean(b.label),
    style: b.style,
    form: b.form && {
      ...b.form,
      title: clean(b.form.title),
      label: clean(b.form.label),
      placeholder: cleanOpt(b.form.placeholder),
      submitLabel: cleanOpt(b.form.submitLabel),
    },
  };
}

function sanitizeBlock(b: Block): Block {
  switch (b.type) {
    case 'text':
      return { type: 'text', text: clean(b.text) };
    case 'quote':
      return { type: 'quote', text: clean(b.text), by: cleanOpt(b.by) };
    case 'buttons':
      return { type: 'buttons', buttons: b.buttons.map(sanitizeButton) };
    case 'divider':
      return b;
  }
}

/** A copy of the card with every shown string neutralised. */
export function sanitizeCard(card: Card): Card {
  return {
    summary: clean(card.summary),
    blocks: card.blocks.map(sanitizeBlock),
    thread: card.thread && { title: clean(card.thread.title) },
    // A file is the reader's own data, kept exact: files never ping (see Card.file).
    file: card.file,
  };
}
