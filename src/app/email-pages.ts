import type { ServerResponse } from 'node:http';
import { LINK_PATH, UNSUBSCRIBE_PATH, type LinkActions, type LinkOutcome } from '../../adapters/email/link-actions.js';
import { field, readForm } from '../web/forms.js';
import { html, type SafeHtml } from '../web/html.js';
import type { HttpRequest, Routes } from '../web/http.js';
import { page } from '../web/layout.js';
import { sendHtml } from '../web/respond.js';

/**
 * The pages behind the links in feelers' mail (adapters/email/link-actions.ts). GET only shows
 * the choice, because mail scanners and link previews fetch every link they see; the action is
 * the form's POST. RFC 8058's one-click unsubscribe is a POST too, sent by the mail client.
 */
export function mountEmailPages(routes: Pick<Routes, 'mount'>, links: LinkActions): void {
  routes.mount('GET', LINK_PATH, (req, res) => showLink(req, res, links));
  routes.mount('POST', LINK_PATH, (req, res) => followLink(req, res, links));
  routes.mount('GET', UNSUBSCRIBE_PATH, (req, res) => showUnsubscribe(req, res, links));
  routes.mount('POST', UNSUBSCRIBE_PATH, (req, res) => unsubscribe(req, res, links));
}

const WHY: Readonly<Record<string, string>> = {
  invalid: 'This link is not one feelers made, or it was cut short. Open it from the mail again.',
  expired: 'This link has expired. Ask feelers again from the latest mail.',
  missing_address: 'Write your email address, so feelers can mail you a link that works for you alone.',
  missing_text: 'Write something in the box first.',
  unknown_person: 'That address does not belong to a community connected to feelers.',
  unavailable: 'feelers is not reading mail right now. Try again in a minute.',
};

function showLink(req: HttpRequest, res: ServerResponse, links: LinkActions): void {
  const token = req.query.get('t') ?? '';
  const info = links.info(token);
  if (!info.ok) return refusal(res, info.why === 'expired' ? 410 : 400, info.why);
  const f = info.form;
  const body = html`
    <form method="post" action="${LINK_PATH}">
      <input type="hidden" name="t" value="${token}" />
      ${
        info.personal
          ? ''
          : html`<p>This link came in a mail to a list, so it cannot tell who you are. feelers will mail a link for you alone.</p>
            <p><label for="address">Your email address</label><br /><input id="address" name="address" type="email" autocomplete="email" required /></p>`
      }
      ${
        info.personal && f?.k === 't'
          ? html`<p><label for="text">${f.lb}</label><br /><textarea id="text" name="text" rows="6" cols="60" maxlength="${f.mx ?? 4000}" required></textarea></p>`
          : ''
      }
      ${
        info.personal && f?.k === 'p'
          ? html`<p><label for="person">${f.lb} (their email address)</label><br /><input id="person" name="person" type="email" required /></p>`
          : ''
      }
      <p><button type="submit">${info.personal ? info.label : 'Mail me the link'}</button></p>
    </form>`;
  sendHtml(res, 200, page({ title: info.label, body }));
}

async function followLink(req: HttpRequest, res: ServerResponse, links: LinkActions): Promise<void> {
  const form = readForm(req);
  if (!form) return refusal(res, 415, 'invalid');
  const outcome = await links.follow(field(form, 't', 8192) ?? '', {
    address: field(form, 'address', 320),
    text: field(form, 'text', 8000),
    person: field(form, 'person', 320),
  });
  answer(res, outcome);
}

function showUnsubscribe(req: HttpRequest, res: ServerResponse, links: LinkActions): void {
  const token = req.query.get('t') ?? '';
  const info = links.info(token);
  if (!info.ok) return refusal(res, info.why === 'expired' ? 410 : 400, info.why);
  const body = html`<p>Stop feelers mailing you questions you did not ask for? You can allow them again with /feelers optin.</p>
    <form method="post" action="${UNSUBSCRIBE_PATH}?t=${token}"><p><button type="submit">Unsubscribe</button></p></form>`;
  sendHtml(res, 200, page({ title: 'Unsubscribe', body }));
}

/** The mail client's one-click POST (body `List-Unsubscribe=One-Click`) or the page's button. */
async function unsubscribe(req: HttpRequest, res: ServerResponse, links: LinkActions): Promise<void> {
  answer(res, await links.follow(req.query.get('t') ?? '', {}));
}

function answer(res: ServerResponse, outcome: LinkOutcome): void {
  if (outcome.kind === 'refused')
    return refusal(res, outcome.why === 'unavailable' ? 503 : outcome.why === 'expired' ? 410 : 400, outcome.why);
  const text: SafeHtml =
    outcome.kind === 'done'
      ? html`<p role="status">Done. feelers has it; you can close this page.</p>`
      : html`<p role="status">If that address belongs to a community connected to feelers, a link for it is on its way. Open it from that mailbox.</p>`;
  sendHtml(res, 200, page({ title: outcome.kind === 'done' ? 'Done' : 'Check your mail', body: text }));
}

function refusal(res: ServerResponse, status: number, why: string): void {
  sendHtml(res, status, page({ title: 'That did not work', body: html`<p role="alert">${WHY[why] ?? WHY['invalid']}</p>` }));
}
