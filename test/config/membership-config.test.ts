import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { FeelersError } from '../../src/ports/errors.js';

/** `communities.allow` (docs/governance.md): which communities belong to the network, by network. */
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'feelers-config-'));
  mkdirSync(join(dir, 'config'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function load(yaml: string, env: Record<string, string> = {}) {
  writeFileSync(join(dir, 'config', 'feelers.yaml'), yaml);
  return loadConfig(env, { cwd: dir });
}

describe('communities.allow', () => {
  it('lists community ids by network, beside the display names', () => {
    const c = load(
      [
        'communities:',
        '  names:',
        '    - { network: slack, id: "T0123ABCD", name: Acme }',
        '  allow:',
        '    slack: ["T0123ABCD", "T0999"]',
        '    discord: ["123456789012345678"]',
      ].join('\n'),
    );
    expect(c.engine.membership.allow).toEqual({ slack: ['T0123ABCD', 'T0999'], discord: ['123456789012345678'] });
    expect(c.engine.communityNames).toEqual({ 'slack:T0123ABCD': 'Acme' });
    expect(c.engine.membership.approvals).toBe(false);
  });

  it('keeps the list form of communities (names only), with nobody listed', () => {
    const c = load('communities:\n  - { network: discord, id: "1", name: Rustaceans }\n');
    expect(c.engine.communityNames).toEqual({ 'discord:1': 'Rustaceans' });
    expect(c.engine.membership.allow).toEqual({});
  });

  it('lets operators approve pending communities when the console is on', () => {
    const c = load('limits: { asksPerDay: 5 }\n', { FEELERS_CONSOLE_TOKEN: 'x'.repeat(40) });
    expect(c.engine.membership.approvals).toBe(true);
  });

  it('refuses a number where an id belongs, naming the key', () => {
    let message = '';
    try {
      load('communities:\n  allow:\n    discord: [123456789012345678]\n');
    } catch (err) {
      expect(err).toBeInstanceOf(FeelersError);
      message = (err as FeelersError).message;
    }
    expect(message).toContain('communities.allow.discord[0]');
    expect(message).toContain('quote numbers');
  });

  it('names a wrong entry of the list form by the path written', () => {
    let message = '';
    try {
      load('communities:\n  - { network: slack, id: 5, name: Acme }\n');
    } catch (err) {
      message = (err as FeelersError).message;
    }
    expect(message).toContain('communities[0].id');
    expect(message).toContain('got 5');
  });
});
