import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a console session lasts: a working day. After it, the operator signs in again. */
export const SESSION_TTL_MS = 12 * 3600_000;
/** How long a notice waits for the page after a form's 303 (the browser follows at once). */
export const FLASH_TTL_MS = 60_000;

/** A signed-in browser: a random id and when it stops being valid. Never logged. */
export interface Session {
  readonly id: string;
  readonly expiresAt: number;
}

/**
 * Everything the console derives from its token. Sessions are stateless signed values (HMAC
 * with a key derived from the token), so any instance that knows the token accepts a session
 * another instance issued, nothing is written to the store, and changing the token signs
 * everyone out. The token itself is kept only as a digest, to compare against.
 */
export class ConsoleKeys {
  private readonly tokenDigest: Buffer;
  private readonly key: Buffer;

  constructor(token: string) {
    this.tokenDigest = digest(token);
    // HKDF rather than the token itself: the signing key is a uniform 32 bytes whatever the token's shape.
    this.key = Buffer.from(hkdfSync('sha256', token, 'feelers-console', 'session-signing-v1', 32));
  }

  /**
   * Whether `given` is the token, in constant time: both sides are hashed to 32 bytes first,
   * so neither the length nor the first differing character changes how long this takes.
   */
  tokenMatches(given: string): boolean {
    return timingSafeEqual(digest(given), this.tokenDigest);
  }

  issue(now: number): { session: Session; cookie: string } {
    const session: Session = { id: randomBytes(18).toString('base64url'), expiresAt: now + SESSION_TTL_MS };
    const body = `${session.id}.${session.expiresAt.toString(36)}`;
    return { session, cookie: `${body}.${this.mac('session', body)}` };
  }

  /** The session a cookie value holds, or undefined when it is malformed, forged or expired. */
  verify(value: string | undefined, now: number): Session | undefined {
    const parts = value?.split('.');
    if (parts?.length !== 3) return undefined;
    const [id = '', exp = '', mac = ''] = parts;
    if (!/^[\w-]{24}$/.test(id) || !/^[0-9a-z]{1,12}$/.test(exp)) return undefined;
    if (!this.macMatches('session', `${id}.${exp}`, mac)) return undefined;
    const expiresAt = parseInt(exp, 36);
    return expiresAt > now ? { id, expiresAt } : undefined;
  }

  /** The CSRF token every action form of this session carries: tied to the session, unusable without it. */
  csrfFor(session: Session): string {
    return this.mac('csrf', session.id);
  }

  csrfMatches(session: Session, given: string | undefined): boolean {
    return given !== undefined && this.macMatches('csrf', session.id, given);
  }

  /** A short name for the session in the log: who did what can be followed, but the id cannot be rebuilt from it. */
  label(session: Session): string {
    return `console-${this.mac('label', session.id).slice(0, 8)}`;
  }

  /** A one-time notice carried by a cookie across a 303, signed so no other site can plant words on our pages. */
  sealFlash(text: string, now: number): string {
    const body = `${Buffer.from(text, 'utf8').toString('base64url')}.${(now + FLASH_TTL_MS).toString(36)}`;
    return `${body}.${this.mac('flash', body)}`;
  }

  openFlash(value: string | undefined, now: number): string | undefined {
    const parts = value?.split('.');
    if (parts?.length !== 3) return undefined;
    const [text = '', exp = '', mac = ''] = parts;
    if (!this.macMatches('flash', `${text}.${exp}`, mac)) return undefined;
    return parseInt(exp, 36) > now ? Buffer.from(text, 'base64url').toString('utf8') : undefined;
  }

  private mac(purpose: string, body: string): string {
    return createHmac('sha256', this.key).update(`${purpose}\u0000${body}`).digest('base64url');
  }

  private macMatches(purpose: string, body: string, given: string): boolean {
    const want = Buffer.from(this.mac(purpose, body));
    const got = Buffer.from(given);
    return got.length === want.length && timingSafeEqual(got, want);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
