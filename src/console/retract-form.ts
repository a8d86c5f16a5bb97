import type { AskLife } from '../core/operator-api.js';
import { html, type SafeHtml } from '../web/html.js';
import { csrfField, type ConsoleView } from './chrome.js';

/** Retract everywhere, for an operator: shown on an ask's page until it is retracted. */
export function retractForm(life: AskLife, view: ConsoleView): SafeHtml {
  if (life.ask.state === 'retracted') return html``;
  return html`<section aria-labelledby="retract-h">
    <h2 id="retract-h">Retract this ask everywhere</h2>
    <p id="retract-help">
      Retracting deletes every copy of the question in other communities and every direct message it went out as (where a network
      cannot delete, the copy is replaced by a note that it was retracted), cancels what is still waiting to be sent, and stops digests
      and follow-up messages, as the asker’s own Retract everywhere would. It is recorded in the moderation record and cannot be undone.
    </p>
    <form method="post" action="/console/ask/retract">
      ${csrfField(view)}
      <input type="hidden" name="id" value="${life.ask.id}" />
      <button type="submit" class="danger" aria-describedby="retract-help">Retract this ask everywhere</button>
    </form>
  </section>`;
}
