import type { AskPage, AskSummary } from '../core/operator-api.js';
import type { AskState } from '../core/model.js';
import { html, type HtmlValue, type SafeHtml } from '../web/html.js';
import { dataTable } from '../web/table.js';
import { formatTime } from '../web/layout.js';
import { consolePage, type ConsoleView } from './chrome.js';

export const PER_PAGE = 25;
export const ASK_STATES: readonly AskState[] = ['open', 'closed', 'expired', 'retracted'];
/** Longest search read; the operator API matches words, so more is never useful. */
export const MAX_SEARCH = 200;
/** Page numbers shown either side of the current one. */
const AROUND = 2;

export interface AsksFilter {
  readonly state?: AskState | undefined;
  readonly q?: string | undefined;
  readonly page: number;
}

/** The query string of a filtered, paged list (empty parts left out, so links stay short). */
export function asksHref(f: AsksFilter): string {
  const q = new URLSearchParams();
  if (f.state) q.set('state', f.state);
  if (f.q) q.set('q', f.q);
  if (f.page > 1) q.set('page', String(f.page));
  return q.size ? `/console/asks?${q}` : '/console/asks';
}

/** One page of asks, newest first: only this page is read (operator.asks with page and perPage), whatever the total. */
export function asksPage(p: AskPage, f: AsksFilter, view: ConsoleView): SafeHtml {
  return consolePage({
    title: 'Asks',
    section: 'asks',
    view,
    body: html`${filterForm(f)}
      ${dataTable({
        caption: caption(p, f),
        columns: ['Question', 'Asker', 'Community', 'State', 'Created'],
        rows: p.asks.map(row),
        empty: 'No ask matches.',
      })}
      ${pager(p, f)}`,
  });
}

function filterForm(f: AsksFilter): SafeHtml {
  return html`<form method="get" action="/console/asks" class="row" role="search" aria-label="Asks">
    <div class="field">
      <label for="asks-state">State</label>
      <select id="asks-state" name="state">
        <option value="" ${f.state ? '' : html`selected`}>Any</option>
        ${ASK_STATES.map((s) => html`<option value="${s}" ${f.state === s ? html`selected` : ''}>${s}</option>`)}
      </select>
    </div>
    <div class="field">
      <label for="asks-q">Search</label>
      <input id="asks-q" name="q" type="search" value="${f.q ?? ''}" maxlength="${MAX_SEARCH}" />
    </div>
    <div class="field"><button type="submit">Show</button></div>
  </form>`;
}

function caption(p: AskPage, f: AsksFilter): string {
  const which = f.state ? `${f.state} asks` : 'Asks';
  const matching = f.q ? ` matching “${f.q}”` : '';
  // A search reads the newest asks up to a limit: say so when it stopped before the oldest.
  const capped = p.capped ? ` (searched the newest ${p.total.toLocaleString('en')} asks; older ones may match too)` : '';
  if (p.asks.length === 0) return `${which}${matching}: none${capped}`;
  const first = (p.page - 1) * p.perPage + 1;
  const last = first + p.asks.length - 1;
  // With a search the total is how many were looked through, not how many match: say only what is known.
  const of = f.q ? '' : ` of ${p.total.toLocaleString('en')}`;
  return `${which}${matching}, newest first: ${first}–${last}${of}${capped}`;
}

function row(a: AskSummary): SafeHtml {
  return html`<tr>
    <td class="text"><a href="/console/ask?id=${encodeURIComponent(a.id)}">${a.text}</a></td>
    <td class="text">${a.askerName}</td>
    <td class="text">${a.communityName} <span class="muted">(${a.network})</span></td>
    <td><span class="pill state-${a.state}">${a.state}</span></td>
    <td>${formatTime(a.createdAt)}</td>
  </tr>`;
}

/** Newer / page numbers (when the total is known) / Older. */
function pager(p: AskPage, f: AsksFilter): SafeHtml {
  const pages = f.q ? undefined : Math.max(1, Math.ceil(p.total / p.perPage));
  if (p.page === 1 && !p.hasMore) return html``;
  const link = (page: number, label: HtmlValue, rel?: string): SafeHtml =>
    html`<a href="${asksHref({ ...f, page })}" ${rel ? html`rel="${rel}"` : ''}>${label}</a>`;
  const numbers: SafeHtml[] = [];
  if (pages !== undefined) {
    let gap = false;
    for (let n = 1; n <= pages; n++) {
      const shown = n === 1 || n === pages || Math.abs(n - p.page) <= AROUND;
      if (!shown) {
        if (!gap) numbers.push(html`<li aria-hidden="true">…</li>`);
        gap = true;
        continue;
      }
      gap = false;
      numbers.push(
        n === p.page
          ? html`<li><a href="${asksHref({ ...f, page: n })}" aria-current="page"><span class="visually-hidden">Page </span>${n}</a></li>`
          : html`<li>${link(n, html`<span class="visually-hidden">Page </span>${n}`)}</li>`,
      );
    }
  }
  return html`<nav aria-label="Pages of asks" class="pager">
    <ul>
      ${p.page > 1 ? html`<li>${link(p.page - 1, 'Newer', 'prev')}</li>` : ''} ${numbers}
      ${p.hasMore ? html`<li>${link(p.page + 1, 'Older', 'next')}</li>` : ''}
    </ul>
  </nav>`;
}
