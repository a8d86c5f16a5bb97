import type { CommunityStanding } from '../core/operator-api.js';
import { html, type SafeHtml } from '../web/html.js';
import { formatTime } from '../web/layout.js';
import { dataTable } from '../web/table.js';
import { csrfField, type ConsoleView } from './chrome.js';

const STATE: Record<CommunityStanding['state'], SafeHtml> = {
  pending: html`<span class="bad">Waiting for approval</span>`,
  approved: html`<span class="ok">Approved</span>`,
  refused: html`<span class="muted">Refused</span>`,
};

/**
 * Communities feelers met that are not on `communities.allow` (docs/governance.md): each with
 * Approve and Refuse. Outside the live part of the overview, like the prods form, so a refresh
 * never moves a button from under the operator's keyboard.
 */
export function membershipSection(rows: readonly CommunityStanding[], view: ConsoleView): SafeHtml {
  return html`<section aria-labelledby="membership-h">
    <h2 id="membership-h">Membership</h2>
    <p>
      Communities that installed feelers or ran a command without being on the configured list. A pending one sends and receives
      nothing until approved; a refused one stops at once, including what was queued for it.
    </p>
    ${
      rows.length === 0
        ? html`<p class="muted">No community is waiting: every one feelers met is on the list or admitted by its network.</p>`
        : dataTable({
            caption: 'Communities outside the configured list',
            captionHidden: true,
            columns: [
              'Community',
              'Status',
              'First seen',
              'Decided',
              'Channels waiting',
              html`<span class="visually-hidden">Actions</span>`,
            ],
            rows: rows.map((r) => row(r, view)),
          })
    }
  </section>`;
}

function row(r: CommunityStanding, view: ConsoleView): SafeHtml {
  const decided = r.decidedAt === undefined ? '—' : html`${formatTime(r.decidedAt)} <span class="text">by ${r.decidedBy ?? ''}</span>`;
  return html`<tr>
    <th scope="row" class="text">${r.name} <span class="muted">(${r.network} ${r.community})</span></th>
    <td>${STATE[r.state]}</td>
    <td>${formatTime(r.since)}</td>
    <td>${decided}</td>
    <td>${r.waitingChannels.toLocaleString('en')}</td>
    <td>
      <form method="post" action="/console/communities/decide" class="row">
        ${csrfField(view)}
        <input type="hidden" name="network" value="${r.network}" />
        <input type="hidden" name="community" value="${r.community}" />
        <input type="hidden" name="label" value="${r.name}" />
        ${
          r.state === 'approved'
            ? ''
            : html`<button type="submit" name="decision" value="approved">Approve<span class="visually-hidden"> ${r.name}</span></button>`
        }
        ${
          r.state === 'refused'
            ? ''
            : html`<button type="submit" name="decision" value="refused" class="secondary">
                Refuse<span class="visually-hidden"> ${r.name}</span>
              </button>`
        }
      </form>
    </td>
  </tr>`;
}
