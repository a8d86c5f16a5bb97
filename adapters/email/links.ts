import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A button in mail is a link to feelers' own HTTP server: the press, written down and signed
 * (HMAC-SHA256) so nobody can make one up or change what it does, and expiring. The link only
 * opens a page; the action is the page's POST, because mail scanners fetch every link they see.
 */
export interface LinkPress {
  /** The button's opaque key in the card. */
  readonly a: string;
  /** The button's label, shown on the page. */
  readonly l: string;
  /** Where the card was: community, channel (list address or dm:<address>), thread. */
  readonly c: string;
  readonly ch: string;
  readonly th?: string | undefined;
  /** Whose link this is: set on a link mailed to one person (proves their mailbox); absent on a list's. */
  readonly u?: string | undefined;
  /** A form behind the button: 't' free text, 'p' an address of the person picked. */
  readonly f?: { readonly k: 't' | 'p'; readonly t: string; readonly lb: string; readonly mx?: number | undefined } | undefined;
  /** Expiry, epoch ms. */
  readonly x: number;
}

export class LinkSigner {
  private readonly key: Buffer;

  constructor(secret: string | Buffer) {
    // A separate key for links, derived, so a link's MAC never equals a MAC made elsewhere with the secret.
    this.key = createHmac('sha256', secret).update('feelers email links v1').digest();
  }

  sign(press: LinkPress): string {
    const body = Buffer.from(JSON.stringify(press)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The press a token carries, or why not. */
  verify(token: string, now: number): { ok: true; press: LinkPress } | { ok: false; why: 'invalid' | 'expired' } {
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 4096) return { ok: false, why: 'invalid' };
    const body = token.slice(0, dot);
    // Compared as written, not decoded: base64url's last character carries unused bits, so
    // decoding would let four spellings of one signature pass.
    const given = Buffer.from(token.slice(dot + 1), 'utf8');
    const want = Buffer.from(this.mac(body), 'utf8');
    if (given.length !== want.length || !timingSafeEqual(given, want)) return { ok: false, why: 'invalid' };
    let press: LinkPress;
    try {
      press = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LinkPress;
    } catch {
      return { ok: false, why: 'invalid' };
    }
    if (typeof press.x !== 'number' || press.x < now) return { ok: false, why: 'expired' };
    return { ok: true, press };
  }

  /** A short stable token for a plus-address or a message id (not secret: only unguessable). */
  short(...parts: string[]): string {
    return createHmac('sha256', this.key)
      .update(parts.join('\u0000'))
      .digest('base64url')
      .slice(0, 16)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, 'x');
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
