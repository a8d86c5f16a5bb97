/**
 * What mail feelers must never answer, decided from headers before anything else:
 * - a failed DMARC check from the receiving server we trust (its authserv-id in
 *   Authentication-Results, RFC 8601): the From is forged, the mail is dropped;
 * - bounces (RFC 3464 multipart/report, a null envelope sender as Return-Path: <>,
 *   MAILER-DAEMON): dropped, never answered (answering a bounce is how mail loops start);
 * - Auto-Submitted other than "no" (RFC 3834) and Precedence bulk/junk, and a list's mail about
 *   itself: delivered as a bot's message, which the core never answers and never counts as a reply.
 */
export type MailClass = { kind: 'ok' } | { kind: 'bot'; why: string } | { kind: 'drop'; why: string };

export interface Headers {
  get(name: string): string | undefined;
  all(name: string): string[];
}

export function classify(h: Headers, authservId: string | undefined, isConfiguredList: (address: string) => boolean): MailClass {
  if (authservId !== undefined && dmarcFailed(h.all('authentication-results'), authservId)) {
    return { kind: 'drop', why: 'dmarc_fail' };
  }
  const type = (h.get('content-type') ?? '').toLowerCase();
  if (type.startsWith('multipart/report')) return { kind: 'drop', why: 'bounce' };
  const returnPath = (h.get('return-path') ?? '').trim();
  if (returnPath === '<>') return { kind: 'drop', why: 'bounce' };
  const from = (h.get('from') ?? '').toLowerCase();
  if (/mailer-daemon@|postmaster@/.test(from)) return { kind: 'drop', why: 'bounce' };

  const auto = (h.get('auto-submitted') ?? '').trim().toLowerCase();
  if (auto !== '' && !auto.startsWith('no')) return { kind: 'bot', why: 'auto_submitted' };
  const precedence = (h.get('precedence') ?? '').trim().toLowerCase();
  if (precedence === 'bulk' || precedence === 'junk' || precedence === 'auto_reply') return { kind: 'bot', why: 'bulk' };
  if (h.get('x-autoreply') !== undefined || h.get('x-autorespond') !== undefined) return { kind: 'bot', why: 'auto_reply' };
  // Precedence: list is what a list manager stamps on every member's post, so it is a person's
  // mail on a connected list; but a list's own notices (From the list itself) are not.
  const listId = listAddressOf(h.get('list-id'));
  if (precedence === 'list' && !(listId !== undefined && isConfiguredList(listId))) return { kind: 'bot', why: 'list' };
  if (listId !== undefined && from.includes(listId)) return { kind: 'bot', why: 'list_to_itself' };
  return { kind: 'ok' };
}

/** `List-Id: Potters <potters.lists.example.org>` names the list as a dotted id; turn it back to its address. */
function listAddressOf(listId: string | undefined): string | undefined {
  const m = /<([^>]+)>/.exec(listId ?? '');
  if (!m?.[1]) return undefined;
  const id = m[1].toLowerCase();
  const dot = id.indexOf('.');
  return dot > 0 ? `${id.slice(0, dot)}@${id.slice(dot + 1)}` : undefined;
}

/**
 * Authentication-Results: <authserv-id>; dmarc=fail ... Only the header our own receiving
 * server wrote counts: anyone can put an Authentication-Results in the mail they send.
 */
function dmarcFailed(results: readonly string[], authservId: string): boolean {
  const want = authservId.toLowerCase();
  return results.some((r) => {
    const id = r.split(';')[0]?.trim().split(/\s+/)[0]?.toLowerCase();
    return id === want && /\bdmarc\s*=\s*fail\b/i.test(r);
  });
}
