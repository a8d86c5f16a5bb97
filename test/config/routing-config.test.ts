import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { FeelersError } from '../../src/ports/errors.js';

/** The YAML keys of learned routing and escalation (docs/routing.md): read, and refused with the fix. */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'feelers-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function withYaml(text: string): ReturnType<typeof loadConfig> {
  mkdirSync(join(dir, 'config'), { recursive: true });
  writeFileSync(join(dir, 'config', 'feelers.yaml'), text);
  return loadConfig({}, { cwd: dir });
}

function errorOf(text: string): string {
  try {
    withYaml(text);
  } catch (err) {
    expect(err).toBeInstanceOf(FeelersError);
    return (err as FeelersError).message;
  }
  throw new Error('expected loadConfig to throw');
}

describe('routing and escalation in the YAML', () => {
  it('reads them over the defaults', () => {
    const c = withYaml('routing:\n  learned: false\n  pauseAfterUnanswered: 0\nescalation:\n  afterHours: 6\n');
    expect(c.engine.routing).toEqual({ learned: false, firstPerWeek: 3, pauseAfterUnanswered: 0 });
    expect(c.engine.escalation).toEqual({ afterHours: 6, communities: {} });
  });

  it("reads a community's own wait, or off", () => {
    const c = withYaml(
      'escalation:\n  communities:\n    - { network: slack, id: "T0123", afterHours: 12 }\n    - { network: discord, id: "123456789012345678", afterHours: off }\n',
    );
    expect(c.engine.escalation).toEqual({ afterHours: 24, communities: { 'slack:T0123': 12, 'discord:123456789012345678': null } });
  });

  it('refuses a bad value, naming the key and what to write', () => {
    expect(errorOf('escalation:\n  afterHours: 0\n')).toContain('escalation.afterHours');
    expect(errorOf('escalation:\n  afterHours: 0\n')).toContain('afterHours: 24');
    expect(errorOf('routing:\n  firstPerWeek: many\n')).toContain('routing.firstPerWeek');
    expect(errorOf('routing:\n  sometimes: true\n')).toContain('routing');
    expect(errorOf('escalation:\n  communities:\n    - { network: slack, id: "T1", afterHours: soon }\n')).toContain(
      'a whole number of hours >= 1, or off',
    );
  });
});
