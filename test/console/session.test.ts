import { describe, expect, it } from 'vitest';
import { ConsoleKeys, FLASH_TTL_MS, SESSION_TTL_MS } from '../../src/console/session.js';

const TOKEN = 'console-token-for-the-session-tests-0123';
const keys = new ConsoleKeys(TOKEN);
const NOW = Date.UTC(2026, 11, 4, 12);

/** The same value with one character changed at `i`. */
function flip(value: string, i: number): string {
  const c = value[i] === 'a' ? 'b' : 'a';
  return value.slice(0, i) + c + value.slice(i + 1);
}

describe('console sessions', () => {
  it('accepts the token and nothing else, whatever its length', () => {
    expect(keys.tokenMatches(TOKEN)).toBe(true);
    for (const wrong of ['', TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase(), 'x'.repeat(5000)]) {
      expect(keys.tokenMatches(wrong)).toBe(false);
    }
  });

  it('issues a session that verifies until it expires, 12 hours later', () => {
    const { session, cookie } = keys.issue(NOW);
    expect(keys.verify(cookie, NOW + 1)).toEqual(session);
    expect(session.expiresAt).toBe(NOW + SESSION_TTL_MS);
    expect(keys.verify(cookie, NOW + SESSION_TTL_MS)).toBeUndefined();
  });

  it('refuses a cookie changed anywhere, a malformed one, and one signed under another token', () => {
    const { cookie } = keys.issue(NOW);
    for (let i = 0; i < cookie.length; i++) {
      if (cookie[i] !== '.') expect(keys.verify(flip(cookie, i), NOW)).toBeUndefined();
    }
    for (const bad of [undefined, '', 'a.b', `${cookie}.x`, cookie.replace(/\.[0-9a-z]+\./, '.zzzzzzzzzzzz.')]) {
      expect(keys.verify(bad, NOW)).toBeUndefined();
    }
    // A new token signs everyone out.
    expect(new ConsoleKeys(`${TOKEN}-rotated`).verify(cookie, NOW)).toBeUndefined();
    // Another instance with the same token accepts it (sessions are stateless).
    expect(new ConsoleKeys(TOKEN).verify(cookie, NOW)).toBeDefined();
  });

  it("ties a CSRF token to its session: another session's token is refused", () => {
    const a = keys.issue(NOW).session;
    const b = keys.issue(NOW).session;
    expect(keys.csrfMatches(a, keys.csrfFor(a))).toBe(true);
    expect(keys.csrfMatches(a, keys.csrfFor(b))).toBe(false);
    expect(keys.csrfMatches(a, undefined)).toBe(false);
    expect(keys.csrfMatches(a, '')).toBe(false);
    expect(keys.label(a)).toMatch(/^console-[\w-]{8}$/);
    expect(keys.label(a)).not.toContain(a.id);
  });

  it('carries a notice across a redirect, signed and short-lived', () => {
    const sealed = keys.sealFlash('Closed <b>it</b> ✓', NOW);
    expect(keys.openFlash(sealed, NOW + 1)).toBe('Closed <b>it</b> ✓');
    expect(keys.openFlash(sealed, NOW + FLASH_TTL_MS)).toBeUndefined();
    expect(keys.openFlash(flip(sealed, 2), NOW)).toBeUndefined();
    expect(new ConsoleKeys(`${TOKEN}-other`).openFlash(sealed, NOW)).toBeUndefined();
  });
});
