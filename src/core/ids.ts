import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A random id of `length` base62 characters (12 gives ~71 bits: no collisions in practice). */
export function newId(length = 12): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[(bytes[i] ?? 0) % 62];
  return out;
}

/**
 * A short id derived from its parts: the same parts give the same id, so work that is
 * redone after a crash (a digest of the same replies) lands on the same outbox entry.
 */
export function stableId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 20);
}
