import type { CommunityGraph } from '../core/operator-api.js';
import { html, type SafeHtml } from '../web/html.js';
import { dataTable } from '../web/table.js';
import { consolePage, type ConsoleView } from './chrome.js';

/** The periods offered; any whole number of days up to the last one is accepted in the query. */
export const PERIODS: readonly number[] = [7, 30, 90, 365];
export const DEFAULT_DAYS = 30;

/**
 * Who helps whom: a graph drawn by console.js with cytoscape (served from /assets/, no CDN),
 * from /console/graph.json, and the same figures as a table, which is what works without
 * script and what a screen reader reads.
 */
export function communitiesPage(g: CommunityGraph, view: ConsoleView): SafeHtml {
  const name = new Map(g.nodes.map((n) => [n.id, `${n.name} (${n.network})`]));
  const edges = [...g.edges].sort((a, b) => b.replies + b.intros - (a.replies + a.intros));
  return consolePage({
    title: 'Communities',
    heading: 'Who helps whom',
    section: 'communities',
    view,
    scripts: ['cytoscape.min.js', 'console.js'],
    body: html`<form method="get" action="/console/communities" class="row">
        <div class="field">
          <label for="period">Period</label>
          <select id="period" name="days">
            ${withCurrent(g.days).map((d) => html`<option value="${d}" ${d === g.days ? html`selected` : ''}>Last ${d} days</option>`)}
          </select>
        </div>
        <div class="field"><button type="submit">Show</button></div>
      </form>
      <p>
        An arrow goes from the community whose people helped to the community whose member asked; the thicker, the more replies and
        introductions.
      </p>
      <div
        id="graph"
        class="graph"
        data-graph-src="/console/graph.json?days=${g.days}"
        role="img"
        aria-label="Graph of who helps whom over the last ${g.days} days; the table below has the same figures"
      ></div>
      ${dataTable({
        caption: html`Who helped whom over the last ${g.days} days`,
        columns: ['Helping community', 'Asking community', 'Replies', 'Introductions'],
        rows: edges.map(
          (e) => html`<tr>
                  <td class="text">${name.get(e.from) ?? e.from}</td>
                  <td class="text">${name.get(e.to) ?? e.to}</td>
                  <td>${e.replies}</td>
                  <td>${e.intros}</td>
                </tr>`,
        ),
        empty: 'No replies or introductions across communities in this period.',
      })}`,
  });
}

function withCurrent(days: number): number[] {
  return PERIODS.includes(days) ? [...PERIODS] : [...PERIODS, days].sort((a, b) => a - b);
}
