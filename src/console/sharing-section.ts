import type { CommunitySharing } from '../core/operator-api.js';
import { html, type SafeHtml } from '../web/html.js';
import { dataTable } from '../web/table.js';
import { csrfField, type ConsoleView } from './chrome.js';

/**
 * Each community's sharing policy (docs/governance.md#sharing), and one form to change one, in
 * the words its admins use with `/feelers share`. Outside the live part of the overview, so a
 * refresh never takes the text from under the operator's typing.
 */
export function sharingSection(rows: readonly CommunitySharing[], view: ConsoleView): SafeHtml {
  return html`<section aria-labelledby="sharing-h">
    <h2 id="sharing-h">Sharing</h2>
    <p>What each community shares, as its admins set it with <code>/feelers share</code>. An operator can change it here for them.</p>
    ${
      rows.length === 0
        ? html`<p class="muted">No community is known yet.</p>`
        : html`${dataTable({
            caption: 'Sharing policy of each community',
            captionHidden: true,
            columns: ['Community', 'Policy'],
            rows: rows.map(
              (r) => html`<tr>
                  <th scope="row" class="text">${r.name} <span class="muted">(${r.network})</span></th>
                  <td class="text">${r.summary}</td>
                </tr>`,
            ),
          })}
            <form method="post" action="/console/communities/sharing" class="row">
              ${csrfField(view)}
              <div class="field">
                <label for="sharing-community">Community</label>
                <select id="sharing-community" name="where" required>
                  ${rows.map((r) => html`<option value="${r.network}:${r.community}">${r.name} (${r.network})</option>`)}
                </select>
              </div>
              <div class="field">
                <label for="sharing-setting">Setting</label>
                <input
                  id="sharing-setting"
                  name="setting"
                  required
                  maxlength="300"
                  autocomplete="off"
                  aria-describedby="sharing-hint"
                />

              </div>
              <div class="field"><button type="submit">Apply</button></div>
            </form>
            <p id="sharing-hint" class="muted">
              The setting uses the words of /feelers share, for example: send only Acme, Globex · send all · receive only Acme · receive
              all · names hidden · names shown.
            </p>`
    }
  </section>`;
}
