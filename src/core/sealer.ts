import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { FeelersError } from '../ports/errors.js';

/**
 * Secrets at rest: what feelers seals before the store sees it (a person's contact, every
 * adapter document such as a Slack bot token) and opens after reading it back. Sealed text is
 * `enc:v1:<keyId>:<iv b64>:<tag b64>:<ciphertext b64>`, AES-256-GCM with a random 12-byte IV
 * and the key id as additional authenticated data, so a value cannot be passed off as sealed
 * under another key. Without a key (FEELERS_SECRET_KEY unset) nothing is sealed.
 */
export interface Sealer {
  /** True when a key is configured: `seal` encrypts. False: `seal` returns the text as it is. */
  readonly sealing: boolean;
  seal(text: string): string;
  /** Sealed values are decrypted with the key their id names; plain values pass through (written before any key). */
  open(value: string): string;
}

export interface SecretKey {
  readonly id: string;
  /** 32 bytes. */
  readonly key: Uint8Array;
}

const PREFIX = 'enc:';
const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const KEY_BYTES = 32;
/** Key ids are short names without the separators of the sealed format or of FEELERS_SECRET_KEY. */
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
/** Standard base64 with its padding: what `randomBytes(32).toString('base64')` writes. */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A value this module wrote (sealed), as opposed to plain text written before a key was set. */
export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

/**
 * FEELERS_SECRET_KEY's value, `id:base64key[,id:base64key...]`, the first being current.
 * Undefined when it is malformed: a pair without a colon, a bad id, a repeated id, a key that
 * is not base64 or not 32 bytes. The config turns that into a sentence naming the variable.
 */
export function readSecretKeys(spec: string): SecretKey[] | undefined {
  const keys: SecretKey[] = [];
  for (const pair of spec.split(',')) {
    const at = pair.indexOf(':');
    if (at < 0) return undefined;
    const id = pair.slice(0, at).trim();
    const b64 = pair.slice(at + 1).trim();
    if (!KEY_ID.test(id) || !BASE64.test(b64) || keys.some((k) => k.id === id)) return undefined;
    const key = Buffer.from(b64, 'base64');
    if (key.length !== KEY_BYTES) return undefined;
    keys.push({ id, key });
  }
  return keys.length > 0 ? keys : undefined;
}

/** Seals with the first key; opens with whichever key a value names (the others are old keys, kept to read). */
export function createSealer(keys: readonly SecretKey[]): Sealer {
  const current = keys[0];
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  return {
    sealing: current !== undefined,
    seal: (text) => (current ? sealWith(current, text) : text),
    open: (value) => (isSealed(value) ? openWith(byId, value) : value),
  };
}

/** No key configured: nothing is sealed, and a sealed value met in the store says which key it needs. */
export const plainSealer: Sealer = createSealer([]);

function sealWith(k: SecretKey, text: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, k.key, iv);
  cipher.setAAD(Buffer.from(k.id, 'utf8'));
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [PREFIX + VERSION, k.id, iv.toString('base64'), tag.toString('base64'), body.toString('base64')].join(':');
}

function openWith(byId: ReadonlyMap<string, Uint8Array>, value: string): string {
  const parts = value.slice(PREFIX.length).split(':');
  const [version, id, iv, tag, body] = parts;
  if (parts.length !== 5 || version !== VERSION || id === undefined || iv === undefined || tag === undefined || body === undefined) {
    throw new FeelersError(
      'sealed_value_invalid',
      'A sealed value in the store is not in the enc:v1:<keyId>:<iv>:<tag>:<ciphertext> format this version reads; it was cut short or written by a newer feelers.',
    );
  }
  const key = byId.get(id);
  if (!key) {
    throw new FeelersError(
      'secret_key_missing',
      `A value in the store is sealed with key id "${id}", which FEELERS_SECRET_KEY does not hold. ` +
        `Add "${id}:<its base64 key>" to FEELERS_SECRET_KEY (after the current key) so it can be read; see docs/configuration.md.`,
    );
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(id, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  } catch (err) {
    // GCM refuses rather than return garbage: the key under this id is not the one that sealed it.
    throw new FeelersError(
      'secret_key_wrong',
      `A value in the store sealed with key id "${id}" does not open with the key FEELERS_SECRET_KEY gives for "${id}": ` +
        `the key was changed or the value was altered. Put back the original "${id}" key; a new key needs a new id.`,
      { cause: err },
    );
  }
}
