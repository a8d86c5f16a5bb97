import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSealer, plainSealer, readSecretKeys, type SecretKey } from '../../src/core/sealer.js';
import { FeelersError } from '../../src/ports/errors.js';

const key = (id: string): SecretKey => ({ id, key: randomBytes(32) });
const K1 = key('k1');
const K2 = key('k2');

function thrown(f: () => unknown): FeelersError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(FeelersError);
    return err as FeelersError;
  }
  throw new Error('expected a FeelersError');
}

/** Sealing secrets at rest (src/core/sealer.ts): AES-256-GCM, a key id, rotation, plain values read as they are. */
describe('sealer', () => {
  it('seals as enc:v1:<keyId>:<iv>:<tag>:<ciphertext> with a fresh IV, and opens it again', () => {
    const s = createSealer([K1]);
    const a = s.seal('harold@guild.example');
    const b = s.seal('harold@guild.example');
    expect(a).toMatch(/^enc:v1:k1:[A-Za-z0-9+/=]{16}:[A-Za-z0-9+/=]{24}:[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('harold');
    expect(s.open(a)).toBe('harold@guild.example');
    expect(s.open(b)).toBe('harold@guild.example');
  });

  it('rotation: reads k1 values with [k2, k1], and seals new ones with k2', () => {
    const old = createSealer([K1]).seal('written under k1');
    const rotated = createSealer([K2, K1]);
    expect(rotated.open(old)).toBe('written under k1');
    expect(rotated.seal('new')).toMatch(/^enc:v1:k2:/);
  });

  it('passes plain values (written before any key) through, with or without a key', () => {
    expect(createSealer([K1]).open('plain contact')).toBe('plain contact');
    expect(plainSealer.open('plain contact')).toBe('plain contact');
    expect(plainSealer.seal('plain contact')).toBe('plain contact');
    expect(plainSealer.sealing).toBe(false);
  });

  it('a missing key id is a clear error naming it', () => {
    const sealed = createSealer([K1]).seal('x');
    for (const s of [plainSealer, createSealer([K2])]) {
      const err = thrown(() => s.open(sealed));
      expect(err.code).toBe('secret_key_missing');
      expect(err.message).toContain('key id "k1"');
      expect(err.message).toContain('FEELERS_SECRET_KEY');
    }
  });

  it('a different key under the same id, or an altered value, is refused, never garbage', () => {
    const sealed = createSealer([K1]).seal('harold@guild.example');
    const err = thrown(() => createSealer([key('k1')]).open(sealed));
    expect(err.code).toBe('secret_key_wrong');
    expect(err.message).toContain('"k1"');
    // The key id is authenticated: relabelling a k1 value as k2 does not open it with k2's key.
    const relabelled = sealed.replace('enc:v1:k1:', 'enc:v1:k2:');
    expect(thrown(() => createSealer([{ id: 'k2', key: K1.key }]).open(relabelled)).code).toBe('secret_key_wrong');
    expect(thrown(() => createSealer([K1]).open('enc:v1:k1:short')).code).toBe('sealed_value_invalid');
  });

  it('reads FEELERS_SECRET_KEY: id:base64 pairs, the first current; refuses anything else', () => {
    const b64 = randomBytes(32).toString('base64');
    const b64b = randomBytes(32).toString('base64');
    expect(readSecretKeys(`k2:${b64b}, k1:${b64}`)?.map((k) => k.id)).toEqual(['k2', 'k1']);
    for (const bad of [b64, `k1:${randomBytes(16).toString('base64')}`, `k1:${b64},k1:${b64b}`, `k 1:${b64}`, `k1:not base64!`, ',']) {
      expect(readSecretKeys(bad)).toBeUndefined();
    }
  });
});
