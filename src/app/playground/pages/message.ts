import type { StoredMessage } from '../../../../adapters/memory/world.js';
import type { Block, Button } from '../../../ports/cards.js';
import { html, type SafeHtml } from '../../../web/html.js';

/**
 * One message as a chat client shows it: an `<article id="<messageId>">` (the memory adapter's
 * links point at that id), its author, its text or card, and the card's buttons under the
 * labels the engine gave them. Every string is the world's own, escaped by `html`: a card's
 * strings are already mention-neutralised by the adapter (zero-width spaces), and shown so.
 */

export interface MessageContext {
  /** The acting person's key, carried by every form. */
  readonly as: string;
  /** The author's display name. */
  readonly authorName: (m: StoredMessage) => string;
}

/** "14:03:27", UTC, inside a <time> with the full instant. */
export function timeOf(ms: number): SafeHtml {
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}">${iso.slice(11, 19)} UTC</time>`;
}

export function messageArticle(m: StoredMessage, ctx: MessageContext, extra: SafeHtml | '' = ''): SafeHtml {
  return html`<article id="${m.id}" class="msg${m.byBot ? ' bot' : ''}">
    <p class="meta"><span class="author">${ctx.authorName(m)}</span> ${timeOf(m.at)}${m.history.length > 0 ? html` <span class="muted">(edited)</span>` : ''}</p>
    ${m.card ? m.card.blocks.map((b) => block(b, m, ctx)) : html`<p class="text">${m.text}</p>`}
    ${m.file ? html`<details class="file"><summary>File: ${m.file.name}</summary><pre class="text">${m.file.text}</pre></details>` : ''}
    ${extra}
  </article>`;
}

function block(b: Block, m: StoredMessage, ctx: MessageContext): SafeHtml {
  switch (b.type) {
    case 'text':
      return html`<p class="text">${b.text}</p>`;
    case 'quote':
      return html`<blockquote class="text">${b.text}${b.by ? html`<footer>— ${b.by}</footer>` : ''}</blockquote>`;
    case 'divider':
      return html`<hr />`;
    case 'buttons':
      return html`<div class="buttons">${b.buttons.map((x) => buttonForm(x, m, ctx))}</div>`;
  }
}

/**
 * A button is a form of its own, so it works without script and by keyboard. A press is a
 * POST; a button whose card opens a form (Answer, I know someone) first GETs a page with
 * that form, as a platform opens a modal.
 */
function buttonForm(b: Button, m: StoredMessage, ctx: MessageContext): SafeHtml {
  const cls = b.style === 'danger' ? 'danger' : b.style === 'primary' ? '' : 'secondary';
  return html`<form method="${b.form ? 'get' : 'post'}" action="/playground/press">
    <input type="hidden" name="as" value="${ctx.as}" />
    <input type="hidden" name="message" value="${m.id}" />
    <input type="hidden" name="button" value="${b.id}" />
    <button type="submit" class="${cls}">${b.label}</button>
  </form>`;
}
