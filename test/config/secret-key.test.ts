import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type Env } from '../../src/config/load-config.js';
import { FeelersError } from '../../src/ports/errors.js';

/** FEELERS_SECRET_KEY: `id:base64key` pairs, the first current; anything else is refused at start, unquoted. */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'feelers-secret-key-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const b64 = (n: number) => randomBytes(n).toString('base64');

function errorOf(env: Env): FeelersError {
  try {
    loadConfig(env, { cwd: dir });
  } catch (err) {
    expect(err).toBeInstanceOf(FeelersError);
    return err as FeelersError;
  }
  throw new Error('expected loadConfig to throw');
}

describe('FEELERS_SECRET_KEY', () => {
  it('reads one or more keys, the first current; unset or blank means no key', () => {
    const one = b64(32);
    const two = b64(32);
    const keys = loadConfig({ FEELERS_SECRET_KEY: `k2:${two},k1:${one}` }, { cwd: dir }).secretKeys;
    expect(keys.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(Buffer.from(keys[1]?.key ?? []).toString('base64')).toBe(one);
    expect(loadConfig({}, { cwd: dir }).secretKeys).toEqual([]);
    expect(loadConfig({ FEELERS_SECRET_KEY: ' ' }, { cwd: dir }).secretKeys).toEqual([]);
  });

  it('refuses a malformed key with a sentence naming the variable and the format, never the value', () => {
    const short = b64(16);
    for (const bad of [short, `k1:${short}`, `k1:${b64(32)},k1:${b64(32)}`, 'k1:not-base64!!']) {
      const err = errorOf({ FEELERS_SECRET_KEY: bad });
      expect(err.code).toBe('config_invalid');
      expect(err.message).toContain('FEELERS_SECRET_KEY in environment');
      expect(err.message).toContain('id:base64key');
      expect(err.message).toContain('32 bytes');
      expect(err.message).toContain("randomBytes(32).toString('base64')");
      expect(err.message).not.toContain(short);
    }
  });
});
