import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { FeelersError } from '../../src/ports/errors.js';

/** FEELERS_CONSOLE_TOKEN turns the console on; a short one stops the start, without quoting it. */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'feelers-console-token-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('FEELERS_CONSOLE_TOKEN', () => {
  it('turns the console on with the token; unset or blank leaves it off', () => {
    const token = 'a-console-token-of-enough-length';
    expect(loadConfig({ FEELERS_CONSOLE_TOKEN: token }, { cwd: dir }).console).toEqual({ token });
    expect(loadConfig({}, { cwd: dir }).console).toBeUndefined();
    expect(loadConfig({ FEELERS_CONSOLE_TOKEN: '  ' }, { cwd: dir }).console).toBeUndefined();
  });

  it('refuses a token shorter than 24 characters with a sentence naming the variable, never the value', () => {
    let err: unknown;
    try {
      loadConfig({ FEELERS_CONSOLE_TOKEN: 'short-s3cret-value' }, { cwd: dir });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FeelersError);
    const message = (err as FeelersError).message;
    expect((err as FeelersError).code).toBe('config_invalid');
    expect(message).toContain('FEELERS_CONSOLE_TOKEN in environment');
    expect(message).toContain('at least 24 characters');
    expect(message).toContain('openssl rand -base64 32');
    expect(message).not.toContain('short-s3cret-value');
  });
});
