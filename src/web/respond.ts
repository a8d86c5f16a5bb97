import type { ServerResponse } from 'node:http';
import type { SafeHtml } from './html.js';
import { setSecurityHeaders } from './security.js';

/** A page or fragment, never cached (it shows live state and may carry a CSRF token). */
export function sendHtml(res: ServerResponse, status: number, body: SafeHtml): void {
  setSecurityHeaders(res);
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(body.value);
}

/** 303 See Other: after a form's POST the browser GETs the next page (no resubmit on reload). */
export function redirect(res: ServerResponse, location: string): void {
  setSecurityHeaders(res);
  res.statusCode = 303;
  res.setHeader('Location', location);
  res.setHeader('Cache-Control', 'no-store');
  res.end();
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  setSecurityHeaders(res);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}
