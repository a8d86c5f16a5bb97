import type { Overview, OverviewCommunity, OverviewGround, OverviewNetwork } from '../core/operator-api.js';
import { html, type SafeHtml } from '../web/html.js';
import { dataTable } from '../web/table.js';
import { formatTime } from '../web/layout.js';
import { consolePage, csrfField, type ConsoleView } from './chrome.js';

/** The overview: figures, networks and grounds refresh live; the prods form stays put (someone may be typing in it). */
export function overviewPage(o: Overview, view: ConsoleView, since: string, membership: SafeHtml = html``): SafeHtml {
  return consolePage({
    title: 'Overview',
    section: 'overview',
    view,
    body: html`<div
        id="overview-live"
        data-live-stream="/console/events?view=overview&amp;since=${since}"
        data-live-src="/console/overview/live"
      >
        ${overviewFragment(o, view)}
      </div>
      ${membership} ${prodsForm(o, view)}`,
  });
}

export function overviewFragment(o: Overview, view: ConsoleView): SafeHtml {
  const store = o.health.parts['store'];
  return html`<section aria-labelledby="now-h">
      <h2 id="now-h">Now</h2>
      <dl class="figures">
        ${figure('Open asks', o.openAsks)} ${figure('Asks today (UTC)', o.asksToday)} ${figure('Outbox backlog', o.outboxBacklog)}
        ${figure('Rate-limit waits', o.rateLimitWaits)} ${figure('429s from the networks', o.rateLimited)}
      </dl>
      <p class="muted">Rate-limit waits and 429s are counted since this process started.</p>
    </section>
    <section aria-labelledby="health-h">
      <h2 id="health-h">Health</h2>
      ${dataTable({
        caption: 'Health of the store and of each network',
        captionHidden: true,
        columns: ['Part', 'Status', 'Connected since', 'Rate-limit waits', '429s', 'Detail'],
        rows: [
          ...(store
            ? [
                html`<tr>
                <th scope="row">Store</th>
                <td>${okOrDown(store.ok)}</td>
                <td>—</td>
                <td>—</td>
                <td>—</td>
                <td class="text">${store.detail ?? ''}</td>
              </tr>`,
              ]
            : []),
          ...o.networks.map(network),
        ],
      })}
    </section>
    <section aria-labelledby="communities-h">
      <h2 id="communities-h">Communities and their grounds</h2>
      ${o.communities.length === 0 ? html`<p class="muted">No community is known yet.</p>` : o.communities.map((c) => community(c, view))}
    </section>`;
}

function figure(label: string, n: number): SafeHtml {
  return html`<div>
    <dt>${label}</dt>
    <dd>${n.toLocaleString('en')}</dd>
  </div>`;
}

function okOrDown(ok: boolean): SafeHtml {
  return ok ? html`<span class="ok">OK</span>` : html`<span class="bad">Down</span>`;
}

function network(n: OverviewNetwork): SafeHtml {
  return html`<tr>
    <th scope="row">Network ${n.network}</th>
    <td>${okOrDown(n.connected)}${n.role === 'standby' ? html` <span class="muted">(standby: another instance holds the connection)</span>` : ''}</td>
    <td>${formatTime(n.since)}</td>
    <td>${n.rateLimitWaits.toLocaleString('en')}</td>
    <td>${n.rateLimited.toLocaleString('en')}</td>
    <td class="text">${n.detail ?? ''}</td>
  </tr>`;
}

function community(c: OverviewCommunity, view: ConsoleView): SafeHtml {
  return html`<h3>${c.name} <span class="muted">(${c.network})</span></h3>
    ${
      c.grounds.length === 0
        ? html`<p class="muted">No connected channel.</p>`
        : dataTable({
            caption: `Grounds of ${c.name}`,
            captionHidden: true,
            columns: ['Channel', 'Topics', 'Last copy', 'Status', html`<span class="visually-hidden">Action</span>`],
            rows: c.grounds.map((g) => ground(c, g, view)),
          })
    }`;
}

function ground(c: OverviewCommunity, g: OverviewGround, view: ConsoleView): SafeHtml {
  return html`<tr>
    <th scope="row" class="text">#${g.label}</th>
    <td class="text">${g.topics.length ? g.topics.join(', ') : html`<span class="muted">every ask</span>`}</td>
    <td>${formatTime(g.lastCopyAt)}</td>
    <td>
      ${
        g.unreachableSince === undefined
          ? html`<span class="ok">Reachable</span>`
          : html`<span class="bad">Unreachable</span> since ${formatTime(g.unreachableSince)}${
              g.unreachableReason ? html`: <span class="text">${g.unreachableReason}</span>` : ''
            }`
      }
    </td>
    <td>
      <form method="post" action="/console/grounds/disconnect">
        ${csrfField(view)}
        <input type="hidden" name="network" value="${g.place.network}" />
        <input type="hidden" name="community" value="${g.place.community}" />
        <input type="hidden" name="channel" value="${g.place.channel}" />
        <input type="hidden" name="label" value="${g.label}" />
        <button type="submit" class="secondary">Disconnect<span class="visually-hidden"> #${g.label} in ${c.name}</span></button>
      </form>
    </td>
  </tr>`;
}

/** Pause or resume prods for one person who asked for it; the community comes from a list, the user id is typed. */
function prodsForm(o: Overview, view: ConsoleView): SafeHtml {
  return html`<section aria-labelledby="prods-h">
    <h2 id="prods-h">Prods for a person</h2>
    <p>
      When someone asks to get no more prods or referrals from feelers, pause them here; resume when they ask again. Their own
      asks and replies are not affected.
    </p>
    ${
      o.communities.length === 0
        ? html`<p class="muted">No community is known yet.</p>`
        : html`<form method="post" action="/console/people/prods" class="row">
          ${csrfField(view)}
          <div class="field">
            <label for="prods-community">Community</label>
            <select id="prods-community" name="where" required>
              ${o.communities.map((c) => html`<option value="${c.network}:${c.community}">${c.name} (${c.network})</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="prods-user">User id</label>
            <input id="prods-user" name="user" required maxlength="200" autocomplete="off" />
          </div>
          <div class="field">
            <button type="submit" name="paused" value="yes">Pause prods</button>
          </div>
          <div class="field">
            <button type="submit" name="paused" value="no" class="secondary">Resume prods</button>
          </div>
        </form>`
    }
  </section>`;
}
