import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { valueMessage } from '../../src/config/format-issues.js';
import { loadConfig, type Env } from '../../src/config/load-config.js';
import { FeelersError } from '../../src/ports/errors.js';

/**
 * A configuration error is printed at start, to a terminal or a deployment's log: it names the
 * key and what was found, but never a password inside a URL or the value of a secret.
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'feelers-config-errors-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(env: Env): string {
  try {
    loadConfig(env, { cwd: dir });
  } catch (err) {
    expect(err).toBeInstanceOf(FeelersError);
    return (err as FeelersError).message;
  }
  throw new Error('expected loadConfig to throw');
}

describe('configuration errors show no credentials', () => {
  it('a store URL the schema rejects is named, with its password masked', () => {
    const message = errorOf({ FEELERS_STORE: 'redis:/:hunter2@db.internal:6379/3' });
    expect(message).toContain('FEELERS_STORE');
    expect(message).toContain('db.internal:6379');
    expect(message).not.toContain('hunter2');
  });

  it('a Redis URL with user and password, beside a bad value elsewhere', () => {
    const message = errorOf({ FEELERS_STORE: 'redis://feelers:hunter2@db:6379/x', PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(message).toContain('PORT');
    expect(message).not.toContain('hunter2');
  });

  it('an API URL with credentials in it', () => {
    const message = errorOf({ SLACK_API_URL: 'ftp://bot:p%40ss-hunter3@fake.example/api/' });
    expect(message).toContain('SLACK_API_URL');
    expect(message).not.toContain('hunter3');
  });

  it("a YAML syntax error's quoted lines", () => {
    mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'config', 'feelers.yaml'), 'limits:\n  x: [redis://u:hunter4@db:6379\n  y: 1\n');
    const message = errorOf({});
    expect(message).toContain('YAML');
    expect(message).not.toContain('hunter4');
  });

  it('the value of a key named as a secret or a token, whatever it holds', () => {
    for (const key of ['SLACK_CLIENT_SECRET', 'SLACK_BOT_TOKEN', 'DISCORD_TOKEN', 'password']) {
      const message = valueMessage([key], { label: 'environment', hints: {}, input: { [key]: 'plain-s3cr3t' } }, 'Invalid input');
      expect(message).toContain(key);
      expect(message).not.toContain('plain-s3cr3t');
    }
  });
});
