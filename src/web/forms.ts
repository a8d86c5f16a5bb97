import type { IncomingMessage } from 'node:http';

/**
 * The fields of an HTML form's POST (application/x-www-form-urlencoded), or undefined when the
 * request is not one: the caller answers 415 rather than guessing.
 */
export function readForm(req: IncomingMessage & { rawBody: Buffer }): URLSearchParams | undefined {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return undefined;
  return new URLSearchParams(req.rawBody.toString('utf8'));
}

/** One field, trimmed; undefined when missing or blank. Longer than `max` characters is cut. */
export function field(form: URLSearchParams, name: string, max = 4000): string | undefined {
  const v = form.get(name)?.trim();
  return v === undefined || v === '' ? undefined : v.slice(0, max);
}
