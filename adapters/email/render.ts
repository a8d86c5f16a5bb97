import type { Button, Card } from '../../src/ports/index.js';

/**
 * A card as a mail: a plain-text part and an HTML part. Buttons become links (see links.ts);
 * a form's button too, its page asks for the text. Every string in the HTML part is escaped,
 * because names, asks and replies are other people's words: the markup corpus stays text.
 */
export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const SUBJECT_MAX = 120;

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** One line, no control characters: a header must not carry a line break from user text. */
export function subjectOf(card: Card): string {
  // A display name or subject goes into a header line: control characters (CR, LF) must not.
  // eslint-disable-next-line no-control-regex
  const s = (card.thread?.title ?? card.summary).replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return s.length > SUBJECT_MAX ? `${s.slice(0, SUBJECT_MAX - 1)}…` : s || 'feelers';
}

export function renderCard(card: Card, linkFor: (b: Button) => string): RenderedMail {
  const text: string[] = [];
  const html: string[] = [];
  for (const b of card.blocks) {
    if (b.type === 'text') {
      text.push(b.text, '');
      html.push(`<p>${lines(b.text)}</p>`);
    } else if (b.type === 'quote') {
      text.push(...b.text.split('\n').map((l) => `> ${l}`), ...(b.by ? [`— ${b.by}`] : []), '');
      html.push(`<blockquote><p>${lines(b.text)}</p>${b.by ? `<p>— ${escapeHtml(b.by)}</p>` : ''}</blockquote>`);
    } else if (b.type === 'buttons') {
      for (const x of b.buttons) text.push(`${x.label}: ${linkFor(x)}`);
      text.push('');
      html.push(`<p>${b.buttons.map((x) => `<a href="${escapeHtml(linkFor(x))}">${escapeHtml(x.label)}</a>`).join(' · ')}</p>`);
    } else {
      text.push('---', '');
      html.push('<hr>');
    }
  }
  if (card.blocks.length === 0) {
    text.push(card.summary);
    html.push(`<p>${lines(card.summary)}</p>`);
  }
  return {
    subject: subjectOf(card),
    text: text.join('\n').trim() + '\n',
    html: `<!doctype html><html><body>${html.join('\n')}</body></html>`,
  };
}

function lines(s: string): string {
  return s.split('\n').map(escapeHtml).join('<br>');
}
