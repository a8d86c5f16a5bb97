import type { ModerationAction, ModerationActor, ModerationEntry, ModerationPage } from '../core/operator-api.js';
import { html, type SafeHtml } from '../web/html.js';
import { formatTime } from '../web/layout.js';
import { dataTable } from '../web/table.js';
import { consolePage, type ConsoleView } from './chrome.js';

export const MODERATION_PER_PAGE = 50;

const ACTIONS: Readonly<Record<ModerationAction, string>> = {
  'retract-ask': 'Retracted a question everywhere',
  'retract-reply': 'Retracted a reply',
  'remove-copy': 'Removed a copy from a channel',
  block: 'Blocked',
  unblock: 'Unblocked',
  report: 'Reported a copy',
  'close-ask': 'Closed a question',
  'disconnect-ground': 'Disconnected a channel',
  'pause-prods': 'Paused prods to someone',
  'resume-prods': 'Resumed prods to someone',
  'approve-community': 'Let a community into the network',
  'refuse-community': 'Kept a community out of the network',
  'change-sharing': "Changed a community's sharing",
};

/** The moderation record, newest first: who did what, when, to which question. One page read. */
export function moderationPage(p: ModerationPage, view: ConsoleView): SafeHtml {
  const first = (p.page - 1) * p.perPage + 1;
  const caption =
    p.entries.length === 0
      ? 'Moderation actions: none yet'
      : `Moderation actions, newest first: ${first}–${first + p.entries.length - 1} of ${p.total.toLocaleString('en')}`;
  return consolePage({
    title: 'Moderation',
    section: 'moderation',
    view,
    body: html`<p>
        Every retraction, removal, block and report, by the people of the communities or by an operator, and every operator action.
        Reports name the copy that was reported; look at the question to decide whether to retract it.
      </p>
      ${dataTable({
        caption,
        columns: ['When', 'Action', 'By', 'What'],
        rows: p.entries.map(row),
        empty: 'Nothing has been retracted, removed, blocked or reported.',
      })}
      ${pager(p)}`,
  });
}

function row(e: ModerationEntry): SafeHtml {
  return html`<tr>
    <td>${formatTime(e.at)}</td>
    <td>${ACTIONS[e.action]}</td>
    <td class="text">${byText(e.by)}</td>
    <td class="text">${what(e)}</td>
  </tr>`;
}

function byText(by: ModerationActor): string {
  if (by.role === 'operator') return `Operator (${by.operator})`;
  const role = by.role === 'member' ? '' : `, ${by.role}`;
  return `${by.person.name} (${by.person.communityName}${role})`;
}

function what(e: ModerationEntry): SafeHtml {
  const target = e.target ?? '';
  if (!e.askId) return html`${target}`;
  return html`<a href="/console/ask?id=${encodeURIComponent(e.askId)}">${target || 'the question'}</a>`;
}

function pager(p: ModerationPage): SafeHtml {
  const hasMore = p.page * p.perPage < p.total;
  if (p.page === 1 && !hasMore) return html``;
  return html`<nav aria-label="Pages of the moderation record" class="pager">
    <ul>
      ${p.page > 1 ? html`<li><a href="/console/moderation?page=${p.page - 1}" rel="prev">Newer</a></li>` : ''}
      ${hasMore ? html`<li><a href="/console/moderation?page=${p.page + 1}" rel="next">Older</a></li>` : ''}
    </ul>
  </nav>`;
}
