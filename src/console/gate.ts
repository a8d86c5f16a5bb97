import type { ServerResponse } from 'node:http';
import type { HttpRequest, RouteHandler } from '../web/http.js';
import type { OperatorRef } from '../core/operator-api.js';
import { asFeelersError } from '../ports/errors.js';
import { readForm } from '../web/forms.js';
import { redirect } from '../web/respond.js';
import { isSameOrigin, setSecurityHeaders } from '../web/security.js';
import { sendMessage, type ConsoleView } from './chrome.js';
import { addCookie, FLASH_COOKIE, readCookie, SESSION_COOKIE } from './cookies.js';
import type { ConsoleDeps } from './deps.js';
import type { Session } from './session.js';
import { showSignIn } from './sign-in.js';

/** A signed-in request. */
export interface Visit {
  readonly req: HttpRequest;
  readonly res: ServerResponse;
  readonly session: Session;
  readonly view: ConsoleView;
  /** Who acts, for the operator API and the log: the session's label, never its id. */
  readonly by: OperatorRef;
}

/**
 * Every console route goes through one of these gates, so none can forget the session check:
 * `pageRoute` for pages (no session: the sign-in form), `dataRoute` for what scripts fetch
 * (no session: 401), `actionRoute` for POSTs (session, same origin, form, CSRF token).
 */
export class Gate {
  constructor(private readonly d: ConsoleDeps) {}

  session(req: HttpRequest): Session | undefined {
    return this.d.keys.verify(readCookie(req, SESSION_COOKIE), this.d.now());
  }

  pageRoute(fn: (v: Visit) => Promise<void>): RouteHandler {
    return (req, res) => {
      const session = this.session(req);
      if (!session) {
        if (req.path === '/console') return showSignIn(this.d, req, res);
        // Back here once signed in: the path and query are ours, checked again by safeNext.
        return redirect(res, `/console?next=${encodeURIComponent(`${req.path}${req.query.size ? `?${req.query}` : ''}`)}`);
      }
      return this.guarded(this.visit(req, res, session, true), fn);
    };
  }

  dataRoute(fn: (v: Visit) => Promise<void>): RouteHandler {
    return (req, res) => {
      const session = this.session(req);
      if (!session) return plain(res, 401, 'sign in to the console first\n');
      return this.guarded(this.visit(req, res, session, false), fn);
    };
  }

  actionRoute(fn: (v: Visit, form: URLSearchParams) => Promise<void>): RouteHandler {
    return (req, res) => {
      const session = this.session(req);
      if (!session) {
        return sendMessage(res, 401, { title: 'Signed out', message: 'Your console session has ended: sign in again, then redo this.' });
      }
      const v = this.visit(req, res, session, false);
      // Nothing is done on a refusal: these checks come before any read of the form's fields.
      const refuse = (): void =>
        sendMessage(res, 403, {
          title: 'Refused',
          message: 'This form was out of date or came from another page, so nothing was done. Reload the page and try again.',
          view: v.view,
        });
      if (!isSameOrigin(req)) return refuse();
      const form = readForm(req);
      if (!form) return sendMessage(res, 415, { title: 'Not a form', message: 'Use the console’s own forms.', view: v.view });
      if (!this.d.keys.csrfMatches(session, form.get('csrf') ?? undefined)) {
        this.d.log.warn({ session: v.by.operator, path: req.path }, 'console: action refused (missing or wrong CSRF token)');
        return refuse();
      }
      return this.guarded(v, (visit) => fn(visit, form));
    };
  }

  /** The notice for the page after an action's 303 (a cookie set by `notify`). */
  notify(v: Visit, text: string): void {
    addCookie(v.res, FLASH_COOKIE, this.d.keys.sealFlash(text, this.d.now()), { maxAge: 60, secure: this.d.secure(v.req) });
  }

  private visit(req: HttpRequest, res: ServerResponse, session: Session, takeNotice: boolean): Visit {
    let notice: string | undefined;
    if (takeNotice) {
      notice = this.d.keys.openFlash(readCookie(req, FLASH_COOKIE), this.d.now());
      if (notice !== undefined) addCookie(res, FLASH_COOKIE, '', { maxAge: 0, secure: this.d.secure(req) });
    }
    return { req, res, session, view: { csrf: this.d.keys.csrfFor(session), notice }, by: { operator: this.d.keys.label(session) } };
  }

  /** A store that does not answer is a 503 with a sentence, not the server's bare 500. */
  private async guarded(v: Visit, fn: (v: Visit) => Promise<void>): Promise<void> {
    try {
      await fn(v);
    } catch (err) {
      const e = asFeelersError(err);
      this.d.log.error({ err: e, code: e.code, path: v.req.path }, 'console: a page failed');
      if (v.res.headersSent) return void v.res.destroy();
      sendMessage(v.res, 503, {
        title: 'Not available',
        message: 'feelers could not read or change its data just now (the log says why). Try again in a moment.',
        view: v.view,
      });
    }
  }
}

export function plain(res: ServerResponse, status: number, text: string): void {
  setSecurityHeaders(res);
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(text);
}
