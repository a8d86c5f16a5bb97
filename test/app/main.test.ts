import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdapterFactory } from '../../src/app/adapter-registry.js';
import { FeelersError } from '../../src/ports/errors.js';
import { startFeelers, type FeelersHandle } from '../../src/app/main.js';
import type { ChatAdapter } from '../../src/ports/chat-adapter.js';

const ROOT = resolve(import.meta.dirname, '../..');

let dir: string;
let app: FeelersHandle | undefined;
let logs: string;
const logDestination = { write: (s: string) => void (logs += s) };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'feelers-main-'));
  logs = '';
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  rmSync(dir, { recursive: true, force: true });
});

// The composition with real networks (or none): the playground, which starts when no network is configured, stays off.
const baseEnv = { FEELERS_STORE: 'memory://', PORT: '0', FEELERS_PLAYGROUND: '0' };

function start(env: Record<string, string>, extra: Parameters<typeof startFeelers>[1] = {}): Promise<FeelersHandle> {
  return startFeelers(env, { cwd: dir, host: '127.0.0.1', logDestination, ...extra });
}

describe('startFeelers', () => {
  it('runs with no tokens and the playground off: serves /healthz and says what to set', async () => {
    app = await start(baseEnv);
    expect(app.port).toBeGreaterThan(0);
    const health = await fetch(`http://127.0.0.1:${app.port}/healthz`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { ok: boolean }).ok).toBe(true);
    expect((await fetch(`http://127.0.0.1:${app.port}/livez`)).status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${app.port}/metrics`)).text()).toContain('feelers_asks_total');

    const warning = logs.split('\n').find((l) => l.includes('No chat network is connected'));
    expect(warning).toBeDefined();
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'DISCORD_TOKEN', '/healthz']) {
      expect(warning).toContain(name);
    }
  });

  it('stops cleanly and frees the port', async () => {
    const handle = await start(baseEnv);
    await handle.stop();
    await handle.stop();
    await expect(fetch(`http://127.0.0.1:${handle.port}/livez`)).rejects.toThrow();
  });

  it('rejects bad configuration with config_invalid, before opening anything', async () => {
    const err = await start({ ...baseEnv, PORT: 'eighty' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeelersError);
    expect((err as FeelersError).code).toBe('config_invalid');
    expect((err as FeelersError).message).toContain('PORT in environment');
  });

  it('rejects an unknown store scheme with store_url_unsupported', async () => {
    const err = await start({ ...baseEnv, FEELERS_STORE: 'mongo://x' }).catch((e: unknown) => e);
    expect((err as FeelersError).code).toBe('store_url_unsupported');
  });

  it('loads a configured network through the registry by name', async () => {
    const calls: unknown[] = [];
    const fake: ChatAdapter = {
      network: 'slack',
      start: async () => undefined,
      stop: async () => undefined,
      health: () => ({ connected: true, since: 0 }),
      post: async () => ({ network: 'slack', community: 'T', channel: 'C', id: '1' }),
      update: async () => undefined,
      directMessage: async () => ({ network: 'slack', community: 'T', channel: 'D', id: '1' }),
      notice: async () => undefined,
    };
    const slack: AdapterFactory = (ctx) => {
      calls.push(ctx.config.slack);
      ctx.http.mount('POST', '/slack/events', (_req, res) => res.end('ack'));
      return fake;
    };
    app = await start({ ...baseEnv, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'shh' }, { registry: new Map([['slack', slack]]) });
    expect(calls).toEqual([expect.objectContaining({ botToken: 'xoxb-test', signingSecret: 'shh' })]);
    expect(logs).not.toContain('No chat network is connected');
    // Secrets handed to the adapter never reach the logs.
    expect(logs).not.toContain('shh');
    const res = await fetch(`http://127.0.0.1:${app.port}/slack/events`, { method: 'POST', body: '{}' });
    expect(await res.text()).toBe('ack');
  });

  it('says so when a network is configured but this build has no adapter for it', async () => {
    app = await start({ ...baseEnv, DISCORD_TOKEN: 'd' }, { registry: new Map() });
    expect(logs).toContain('discord is configured, but this build has no discord adapter yet');
  });
});

describe('the process entry', () => {
  function run(env: Record<string, string>): {
    done: Promise<{ code: number | null; stderr: string; stdout: string }>;
    kill: () => void;
    stdout: () => string;
  } {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/app/main.ts')], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<{ code: number | null; stderr: string; stdout: string }>((res) =>
      child.on('exit', (code) => res({ code, stderr, stdout })),
    );
    return { done, kill: () => child.kill('SIGTERM'), stdout: () => stdout };
  }

  it('prints the configuration error and exits 1', async () => {
    const { done } = run({ PORT: 'eighty', FEELERS_STORE: 'memory://' });
    const { code, stderr } = await done;
    expect(code).toBe(1);
    expect(stderr).toContain('config_invalid');
    expect(stderr).toContain('PORT in environment: expected a TCP port');
  });

  it('stops on SIGTERM and exits 0', async () => {
    const yaml = join(dir, 'empty.yaml');
    writeFileSync(yaml, '{}\n');
    const proc = run({ PORT: '0', FEELERS_STORE: 'memory://', FEELERS_CONFIG: yaml, CI: '1', FEELERS_PLAYGROUND: '0' });
    await expect.poll(() => proc.stdout(), { timeout: 20_000 }).toContain('feelers listening');
    proc.kill();
    const { code, stdout } = await proc.done;
    expect(code).toBe(0);
    expect(stdout).toContain('feelers stopped');
  });
});
