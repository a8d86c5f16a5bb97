import type { ServerResponse } from 'node:http';
import { html, type HtmlValue, type SafeHtml } from '../web/html.js';
import { page } from '../web/layout.js';
import { sendHtml } from '../web/respond.js';

/** What every signed-in page needs besides its data: the session's CSRF token and a notice left by the last action. */
export interface ConsoleView {
  readonly csrf: string;
  readonly notice?: string | undefined;
}

export type Section = 'overview' | 'asks' | 'communities' | 'moderation';

/** The hidden field every action form carries (checked by the action's route). */
export function csrfField(view: ConsoleView): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${view.csrf}" />`;
}

/** A signed-in page: the console's navigation, Sign out, the last action's notice, then the body. */
export function consolePage(o: {
  readonly title: string;
  readonly heading?: HtmlValue;
  readonly section?: Section | undefined;
  readonly view: ConsoleView;
  readonly body: HtmlValue;
  readonly scripts?: readonly string[];
}): SafeHtml {
  return page({
    title: `${o.title} · console`,
    heading: o.heading ?? o.title,
    nav: [
      ['Overview', '/console', o.section === 'overview'],
      ['Asks', '/console/asks', o.section === 'asks'],
      ['Communities', '/console/communities', o.section === 'communities'],
      ['Moderation', '/console/moderation', o.section === 'moderation'],
    ],
    headerEnd: html`<form class="sign-out" method="post" action="/console/sign-out">
      ${csrfField(o.view)}<button type="submit" class="secondary">Sign out</button>
    </form>`,
    body: html`${o.view.notice ? html`<p class="notice" role="status">${o.view.notice}</p>` : ''}${o.body}`,
    scripts: o.scripts,
  });
}

/**
 * A page that answers a refusal or a failure with a sentence saying what happened and what to
 * do; `signedIn` adds the console's navigation so the operator is never stuck on it.
 */
export function sendMessage(
  res: ServerResponse,
  status: number,
  m: { readonly title: string; readonly message: string; readonly view?: ConsoleView | undefined; readonly back?: string },
): void {
  const body = html`<p class="error">${m.message}</p>
    <p><a href="${m.back ?? '/console'}">${m.back ? 'Go back' : 'Go to the console'}</a></p>`;
  sendHtml(res, status, m.view ? consolePage({ title: m.title, view: m.view, body }) : page({ title: `${m.title} · console`, body }));
}
