import type { AskLife, CopyLife, IntroLife, ReplyLife } from '../core/operator-api.js';
import { html, safeHref, type SafeHtml } from '../web/html.js';
import { dataTable } from '../web/table.js';
import { formatTime } from '../web/layout.js';
import { consolePage, csrfField, type ConsoleView } from './chrome.js';
import { retractForm } from './retract-form.js';

/** Longest id read from a query: ask ids are short; anything longer is no ask. */
export const MAX_ASK_ID = 100;

/** One ask's life; the facts, copies, replies, digests and intros refresh live, the Close form stays put. */
export function askPage(life: AskLife, view: ConsoleView, since: string): SafeHtml {
  const id = encodeURIComponent(life.ask.id);
  return consolePage({
    title: `Ask ${life.ask.id}`,
    heading: 'One ask’s life',
    section: 'asks',
    view,
    body: html`<div id="ask-live" data-live-stream="/console/events?ask=${id}&amp;since=${since}" data-live-src="/console/ask/live?id=${id}">
        ${askFragment(life)}
      </div>
      ${life.ask.state === 'open' ? closeForm(life, view) : ''} ${retractForm(life, view)}`,
  });
}

export function askFragment(life: AskLife): SafeHtml {
  const a = life.ask;
  return html`<section aria-labelledby="question-h">
      <h2 id="question-h">Question</h2>
      <blockquote class="text question">${a.text}</blockquote>
      <dl class="facts">
        ${fact('State', html`<span class="pill state-${a.state}">${a.state}</span>`)} ${fact('Asker', a.askerName)}
        ${fact('Community', `${a.communityName} (${a.network})`)} ${fact('Topics', a.topics.length ? a.topics.join(', ') : '—')}
        ${fact('Created', formatTime(a.createdAt))}
        ${a.closedAt === undefined ? fact('Expires', formatTime(a.expiresAt)) : fact('Ended', formatTime(a.closedAt))}
        ${fact('Followers', String(life.followers))}
        ${fact('Ask card', life.card ? html`${life.card.state ?? 'sent (record expired)'} ${messageLink(life.card.link, 'the ask card')}` : '—')}
      </dl>
    </section>
    ${copies(life.copies)} ${replies(life)} ${digests(life)} ${intros(life.intros)}`;
}

function fact(label: string, value: string | SafeHtml): SafeHtml {
  return html`<div>
    <dt>${label}</dt>
    <dd class="text">${value}</dd>
  </div>`;
}

/** A link to a message on its network, only when it is an http(s) link (safeHref); else nothing. */
function messageLink(link: string | undefined, what: string): SafeHtml {
  const href = safeHref(link);
  return href ? html`<a href="${href}" rel="noreferrer">Open<span class="visually-hidden"> ${what}</span></a>` : html``;
}

function copies(list: readonly CopyLife[]): SafeHtml {
  return html`<section aria-labelledby="copies-h">
    <h2 id="copies-h">Copies (${list.length})</h2>
    ${
      list.length === 0
        ? html`<p class="muted">No copy went out.</p>`
        : dataTable({
            caption: 'Where each copy went, and its state',
            captionHidden: true,
            columns: ['Where', 'Community', 'Kind', 'State', 'Message', 'Via'],
            rows: list.map(
              (c) => html`<tr>
                <th scope="row" class="text">${c.kind === 'ground' ? `#${c.where}` : c.where}</th>
                <td class="text">${c.communityName} <span class="muted">(${c.network})</span></td>
                <td>${c.kind}</td>
                <td>
                  <span class="pill copy-${c.shown}">${c.shown}</span>${
                    c.lastError ? html` <span class="muted text">${c.lastError}</span>` : ''
                  }
                </td>
                <td>${messageLink(c.link, `the copy in ${c.where}`)}</td>
                <td class="text">${c.via.length ? c.via.join(' ← ') : '—'}</td>
              </tr>`,
            ),
          })
    }
  </section>`;
}

function replies(life: AskLife): SafeHtml {
  const count = life.replies.reduce((n, g) => n + g.replies.length, 0);
  return html`<section aria-labelledby="replies-h">
    <h2 id="replies-h">Replies (${count})</h2>
    ${
      count === 0
        ? html`<p class="muted">No reply yet.</p>`
        : life.replies.map(
            (g) => html`<h3>From ${g.communityName}</h3>
            <ul class="replies">
              ${g.replies.map(reply)}
            </ul>`,
          )
    }
  </section>`;
}

function reply(r: ReplyLife): SafeHtml {
  return html`<li>
    <p class="meta">
      <strong class="text">${r.authorName}</strong> · ${formatTime(r.at)}${r.state === 'live' ? '' : html` · <em>${r.state}</em>`}${
        r.via.length ? html` · <span class="text">via ${r.via.join(' ← ')}</span>` : ''
      }
    </p>
    <p class="text">${r.text}</p>
  </li>`;
}

function digests(life: AskLife): SafeHtml {
  return html`<section aria-labelledby="digests-h">
    <h2 id="digests-h">Digests (${life.digests.length})</h2>
    ${
      life.digests.length === 0
        ? html`<p class="muted">No digest yet.</p>`
        : dataTable({
            caption: 'Digests sent to the asker’s thread',
            captionHidden: true,
            columns: ['When', 'State', 'Message'],
            rows: life.digests.map(
              (d) => html`<tr>
                <td>${formatTime(d.at)}</td>
                <td>${d.state ?? '—'}</td>
                <td>${messageLink(d.link, `the digest of ${formatTime(d.at)}`)}</td>
              </tr>`,
            ),
          })
    }
  </section>`;
}

function intros(list: readonly IntroLife[]): SafeHtml {
  return html`<section aria-labelledby="intros-h">
    <h2 id="intros-h">Introductions (${list.length})</h2>
    ${
      list.length === 0
        ? html`<p class="muted">No introduction yet.</p>`
        : dataTable({
            caption: 'Introductions and their state',
            captionHidden: true,
            columns: ['Asker', 'Responder', 'Responder’s community', 'Who started it', 'State', 'Started', 'Decided'],
            rows: list.map(
              (i) => html`<tr>
                <td class="text">${i.askerName}</td>
                <td class="text">${i.responderName}</td>
                <td class="text">${i.responderCommunity}</td>
                <td>${i.direction === 'requested' ? 'the asker asked' : 'the responder offered'}</td>
                <td><span class="pill intro-${i.state}">${i.state}</span></td>
                <td>${formatTime(i.createdAt)}</td>
                <td>${formatTime(i.decidedAt)}</td>
              </tr>`,
            ),
          })
    }
  </section>`;
}

function closeForm(life: AskLife, view: ConsoleView): SafeHtml {
  const followers =
    life.followers === 0 ? 'its followers (none yet)' : life.followers === 1 ? 'its follower' : `its ${life.followers} followers`;
  return html`<section aria-labelledby="close-h">
    <h2 id="close-h">Close this ask</h2>
    <p id="close-help">
      Closing posts the final summary in the asker’s thread, tells ${followers}, and marks every copy as closed, as the asker’s own
      Close button would. It cannot be undone.
    </p>
    <form method="post" action="/console/ask/close">
      ${csrfField(view)}
      <input type="hidden" name="id" value="${life.ask.id}" />
      <button type="submit" class="danger" aria-describedby="close-help">Close this ask</button>
    </form>
  </section>`;
}
