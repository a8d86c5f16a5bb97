import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'feelers-lease-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function withYaml(text: string) {
  writeFileSync(join(dir, 'f.yaml'), text);
  return () => loadConfig({ FEELERS_CONFIG: 'f.yaml' }, { cwd: dir });
}

describe('connection.leaseSeconds', () => {
  it('defaults to 15 s and reads the YAML in seconds', () => {
    expect(loadConfig({}, { cwd: dir }).connectionLeaseMs).toBe(15_000);
    expect(withYaml('connection: { leaseSeconds: 4 }')().connectionLeaseMs).toBe(4_000);
  });

  it('refuses a lease shorter than 3 s (renewed every third of it), naming the key and the fix', () => {
    expect(withYaml('connection: { leaseSeconds: 1 }')).toThrow(/connection\.leaseSeconds in f\.yaml[\s\S]*leaseSeconds: 15/);
  });
});
