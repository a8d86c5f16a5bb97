import type { IncomingMessage, ServerResponse } from 'node:http';

/** The session cookie. Its value is a signed session (session.ts), never a secret on its own. */
export const SESSION_COOKIE = 'feelers_console';
/** A one-time notice after an action (session.ts's flash). */
export const FLASH_COOKIE = 'feelers_console_notice';
/** Both cookies go back only to the console's own paths. */
export const COOKIE_PATH = '/console';

/** One cookie's value from the request's Cookie header (RFC 6265 §5.4), or undefined. */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

export interface CookieOptions {
  /** Seconds; 0 removes the cookie. */
  readonly maxAge: number;
  /** Set when the browser reached us over HTTPS, so the cookie never travels in clear. */
  readonly secure: boolean;
}

/**
 * HttpOnly: no script reads it (an injected one included). SameSite=Strict: the browser never
 * sends it with a request another site started, a link included, which is the first guard
 * against cross-site forgery; the CSRF token and the Origin check are the others.
 */
export function addCookie(res: ServerResponse, name: string, value: string, o: CookieOptions): void {
  const cookie = [`${name}=${value}`, `Max-Age=${o.maxAge}`, `Path=${COOKIE_PATH}`, 'HttpOnly', 'SameSite=Strict'];
  if (o.secure) cookie.push('Secure');
  const had = res.getHeader('Set-Cookie');
  const list = Array.isArray(had) ? had : typeof had === 'string' ? [had] : [];
  res.setHeader('Set-Cookie', [...list, cookie.join('; ')]);
}
