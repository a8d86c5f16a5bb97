import { describe, expect, it } from 'vitest';
import { LinkSigner, type LinkPress } from '../../../adapters/email/links.js';

const press: LinkPress = {
  a: 'cons-1',
  l: 'Share my contact',
  c: 'potters',
  ch: 'dm:alice@test.example',
  u: 'alice@test.example',
  x: 2_000,
};

/** Every way of writing a token but the one feelers signed is refused. */
describe('signed link tokens', () => {
  const signer = new LinkSigner('link-secret');

  it('carry the press they were signed with until they expire', () => {
    const token = signer.sign(press);
    expect(signer.verify(token, 1_000)).toEqual({ ok: true, press });
    expect(signer.verify(token, 3_000)).toEqual({ ok: false, why: 'expired' });
    expect(new LinkSigner('another secret').verify(token, 1_000)).toEqual({ ok: false, why: 'invalid' });
  });

  it('refuse a changed character anywhere, the last of the signature included', () => {
    const token = signer.sign(press);
    // The signature's last base64url character holds two unused bits: a decoder reads A, B, C
    // and D there as the same bytes. The signature is compared as written, so none passes.
    const last = token.length - 1;
    for (let i = 0; i < token.length; i++) {
      for (const c of i === last ? 'ABCDEFabcd_-' : [token[i] === 'A' ? 'B' : 'A']) {
        if (c === token[i]) continue;
        const changed = token.slice(0, i) + c + token.slice(i + 1);
        expect(signer.verify(changed, 1_000).ok, `${i}: ${c}`).toBe(false);
      }
    }
    expect(signer.verify(`${token}A`, 1_000).ok).toBe(false);
    expect(signer.verify(token.slice(0, -1), 1_000).ok).toBe(false);
  });
});
