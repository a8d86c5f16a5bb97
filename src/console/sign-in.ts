import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRequest } from '../web/http.js';
import { field, readForm } from '../web/forms.js';
import { html, type SafeHtml } from '../web/html.js';
import { page } from '../web/layout.js';
import { redirect, sendHtml } from '../web/respond.js';
import { isSameOrigin } from '../web/security.js';
import { sendMessage } from './chrome.js';
import { addCookie, FLASH_COOKIE, readCookie, SESSION_COOKIE } from './cookies.js';
import type { ConsoleDeps } from './deps.js';
import { SESSION_TTL_MS } from './session.js';
import type { SignInLimiter } from './sign-in-limit.js';

/** Longest token field read: far past any real token, short enough that hashing it costs nothing. */
const MAX_TOKEN_FIELD = 1024;

/**
 * Where to go after signing in: a console path only. Anything else (another site, `//host`,
 * a scheme) would make the sign-in form an open redirect.
 */
export function safeNext(v: string | undefined): string {
  if (v === undefined || !/^\/console(?:[/?]|$)/.test(v) || /[\\\s]/.test(v) || v.includes('//')) return '/console';
  return v;
}

export function signInPage(o: { next: string; error?: string | undefined; notice?: string | undefined }): SafeHtml {
  return page({
    title: 'Sign in · console',
    heading: 'Sign in to the console',
    body: html`${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}
      ${o.error ? html`<p class="error" role="alert" id="token-error">${o.error}</p>` : ''}
      <form class="sign-in" method="post" action="/console/sign-in">
        <input type="hidden" name="next" value="${o.next}" />
        <div class="field">
          <label for="token">Console token</label>
          <input
            id="token"
            name="token"
            type="password"
            autocomplete="current-password"
            required
            aria-describedby="token-help${o.error ? ' token-error' : ''}"
            ${o.error ? html`aria-invalid="true"` : ''}
          />
          <p id="token-help" class="muted">The value of FEELERS_CONSOLE_TOKEN where feelers runs.</p>
        </div>
        <button type="submit">Sign in</button>
      </form>`,
  });
}

/** Signs this browser in: a fresh signed session in an HttpOnly, SameSite=Strict cookie, then 303 to `next`. */
export function startSession(d: ConsoleDeps, req: IncomingMessage, res: ServerResponse, next: string): void {
  const { session, cookie } = d.keys.issue(d.now());
  addCookie(res, SESSION_COOKIE, cookie, { maxAge: Math.floor(SESSION_TTL_MS / 1000), secure: d.secure(req) });
  d.log.info({ session: d.keys.label(session) }, 'console: signed in');
  redirect(res, safeNext(next));
}

/** GET /console without a session: the form, with the notice a sign-out left. */
export function showSignIn(d: ConsoleDeps, req: HttpRequest, res: ServerResponse): void {
  const notice = d.keys.openFlash(readCookie(req, FLASH_COOKIE), d.now());
  if (notice !== undefined) addCookie(res, FLASH_COOKIE, '', { maxAge: 0, secure: d.secure(req) });
  sendHtml(res, 200, signInPage({ next: safeNext(req.query.get('next') ?? undefined), notice }));
}

/** POST /console/sign-in: rate-limited, compared in constant time; the token is never logged. */
export function handleSignIn(d: ConsoleDeps, limiter: SignInLimiter, req: HttpRequest, res: ServerResponse): void {
  const address = req.socket.remoteAddress ?? 'unknown';
  if (!isSameOrigin(req)) {
    return sendMessage(res, 403, { title: 'Refused', message: 'Sign in from the console’s own page: this form came from elsewhere.' });
  }
  const wait = limiter.take(address, d.now());
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    d.log.warn({ address, retryAfterSeconds: seconds }, 'console: sign-in attempts over the limit');
    res.setHeader('Retry-After', String(seconds));
    return sendMessage(res, 429, {
      title: 'Too many attempts',
      message: `Too many sign-in attempts. Wait ${seconds} seconds, then try again.`,
    });
  }
  const form = readForm(req);
  if (!form) return sendMessage(res, 415, { title: 'Not a form', message: 'Sign in with the form on the console’s page.' });
  const next = safeNext(field(form, 'next', 2000));
  if (!d.keys.tokenMatches(form.get('token')?.slice(0, MAX_TOKEN_FIELD) ?? '')) {
    d.log.warn({ address }, 'console: sign-in refused (wrong token)');
    return sendHtml(
      res,
      401,
      signInPage({ next, error: 'That is not the console token, so you are not signed in. Check FEELERS_CONSOLE_TOKEN and try again.' }),
    );
  }
  startSession(d, req, res, next);
}

/** POST /console/sign-out (through the action gate, so with a valid CSRF token): the cookie goes, the sign-in page says so. */
export function signOut(d: ConsoleDeps, req: IncomingMessage, res: ServerResponse, label: string): void {
  const secure = d.secure(req);
  addCookie(res, SESSION_COOKIE, '', { maxAge: 0, secure });
  addCookie(res, FLASH_COOKIE, d.keys.sealFlash('You are signed out.', d.now()), { maxAge: 60, secure });
  d.log.info({ session: label }, 'console: signed out');
  redirect(res, '/console');
}
