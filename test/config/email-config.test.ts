import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configuredNetworks } from '../../src/app/adapter-registry.js';
import { loadConfig, type Env } from '../../src/config/load-config.js';
import { FeelersError } from '../../src/ports/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'feelers-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const SERVERS = {
  FEELERS_EMAIL_SMTP_URL: 'smtp://bot:s3cret-smtp@127.0.0.1:2525',
  FEELERS_EMAIL_IMAP_URL: 'imap://bot:s3cret-imap@127.0.0.1:1143',
  FEELERS_EMAIL_FROM: 'feelers@test.example',
  FEELERS_EMAIL_LINK_SECRET: 'a-long-enough-link-secret',
};

function errorOf(env: Env): string {
  try {
    loadConfig(env, { cwd: dir });
  } catch (err) {
    expect((err as FeelersError).code).toBe('config_invalid');
    return (err as FeelersError).message;
  }
  throw new Error('expected loadConfig to throw');
}

describe('email configuration', () => {
  it("reads the servers, the YAML's email communities with members and its list grounds", () => {
    mkdirSync(join(dir, 'config'));
    writeFileSync(
      join(dir, 'config', 'feelers.yaml'),
      [
        'communities:',
        '  - { network: email, id: potters, name: Potters List, members: [lists.test.example, test.example] }',
        'grounds:',
        '  - { network: email, community: potters, channel: potters@lists.test.example, topics: [] }',
      ].join('\n'),
    );
    const c = loadConfig({ ...SERVERS, PORT: '4100' }, { cwd: dir });
    expect(c.email).toMatchObject({
      from: 'feelers@test.example',
      publicUrl: 'http://127.0.0.1:4100',
      communities: [{ id: 'potters', name: 'Potters List', members: ['lists.test.example', 'test.example'] }],
      lists: [{ address: 'potters@lists.test.example', community: 'potters' }],
    });
    expect(configuredNetworks(c)).toContain('email');
    expect(c.engine.grounds).toContainEqual(expect.objectContaining({ network: 'email', channel: 'potters@lists.test.example' }));
  });

  it('half-configured email stops the start naming what is missing, without quoting a password', () => {
    const { FEELERS_EMAIL_IMAP_URL: _imap, ...noImap } = SERVERS;
    const message = errorOf(noImap);
    expect(message).toContain('FEELERS_EMAIL_IMAP_URL in environment: missing');
    expect(message).not.toContain('s3cret');
    expect(errorOf({ FEELERS_EMAIL_FROM: 'feelers@test.example' })).toContain('FEELERS_EMAIL_SMTP_URL in environment: missing');
    expect(errorOf({ FEELERS_EMAIL_AUTHSERV_ID: 'mx.test.example' })).toContain('FEELERS_EMAIL_SMTP_URL');
  });

  it('needs a key for links: FEELERS_EMAIL_LINK_SECRET, or FEELERS_SECRET_KEY to derive one from', () => {
    const { FEELERS_EMAIL_LINK_SECRET: _s, ...noSecret } = SERVERS;
    expect(errorOf(noSecret)).toContain('FEELERS_EMAIL_LINK_SECRET in environment: missing');
    const key = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
    expect(loadConfig({ ...noSecret, FEELERS_SECRET_KEY: key }, { cwd: dir }).email?.linkSecret).toBeDefined();
  });

  it('a bad value names the variable and shows how to write it', () => {
    expect(errorOf({ ...SERVERS, FEELERS_EMAIL_SMTP_URL: 'http://relay' })).toContain('FEELERS_EMAIL_SMTP_URL');
    expect(errorOf({ ...SERVERS, FEELERS_EMAIL_FROM: 'not an address' })).toContain('FEELERS_EMAIL_FROM');
  });
});
