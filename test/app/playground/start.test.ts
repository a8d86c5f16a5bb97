import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryAdapter, MemoryWorld } from '../../../adapters/memory/index.js';
import type { AdapterFactory } from '../../../src/app/adapter-registry.js';
import { startFeelers, type FeelersHandle } from '../../../src/app/main.js';
import type { ChatAdapter } from '../../../src/ports/chat-adapter.js';
import { playgroundDir } from '../../support/playground.js';

/** When `startFeelers` runs the playground, and what its start log says last. */

let where: ReturnType<typeof playgroundDir>;
let app: FeelersHandle | undefined;
let logs: string;
const logDestination = { write: (s: string) => void (logs += s) };

beforeEach(() => {
  where = playgroundDir();
  logs = '';
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  where.dispose();
});

function lines(): { msg: string; [k: string]: unknown }[] {
  return logs
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { msg: string });
}

const fakeSlack: ChatAdapter = {
  network: 'slack',
  start: async () => undefined,
  stop: async () => undefined,
  health: () => ({ connected: true, since: 0 }),
  post: async () => ({ network: 'slack', community: 'T', channel: 'C', id: '1' }),
  update: async () => undefined,
  directMessage: async () => ({ network: 'slack', community: 'T', channel: 'D', id: '1' }),
  notice: async () => undefined,
};

describe('starting feelers with no network', () => {
  it('starts the playground on loopback, and the start log ends with its address', async () => {
    // No host passed: the playground has no sign-in, so it picks loopback itself.
    app = await startFeelers({ PORT: '0', FEELERS_PLAYGROUND_STORE: where.storeUrl }, { cwd: where.dir, logDestination });
    const last = lines().at(-1);
    expect(last?.msg).toBe(`feelers playground: open http://127.0.0.1:${app.port}/`);
    const res = await fetch(`http://127.0.0.1:${app.port}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('feelers playground');
    expect((await fetch(`http://127.0.0.1:${app.port}/healthz`)).status).toBe(200);
    expect(logs).not.toContain('No chat network is connected');
  });

  it('listens where HOST says', async () => {
    app = await startFeelers(
      { PORT: '0', FEELERS_PLAYGROUND_STORE: where.storeUrl, HOST: '127.0.0.1' },
      { cwd: where.dir, logDestination },
    );
    expect(lines().find((l) => l.msg === 'feelers listening')).toMatchObject({ host: '127.0.0.1', playground: true });
  });

  it('stays off with FEELERS_PLAYGROUND=0: the old warning, and no page', async () => {
    app = await startFeelers(
      { PORT: '0', FEELERS_STORE: 'memory://', FEELERS_PLAYGROUND: '0' },
      { cwd: where.dir, host: '127.0.0.1', logDestination },
    );
    expect(logs).toContain('No chat network is connected');
    expect((await fetch(`http://127.0.0.1:${app.port}/`)).status).toBe(404);
  });

  it('refuses a playground store Reset could not wipe', async () => {
    const err = await startFeelers(
      { PORT: '0', FEELERS_PLAYGROUND_STORE: 'redis://localhost:6379' },
      { cwd: where.dir, logDestination },
    ).catch((e: unknown) => e);
    expect(String(err)).toContain('FEELERS_PLAYGROUND_STORE');
  });
});

describe('starting feelers with a network', () => {
  it('does not start the playground when an adapter is passed in', async () => {
    const world = new MemoryWorld();
    world.addCommunity('north', { id: 'T1', name: 'North' });
    app = await startFeelers(
      { PORT: '0', FEELERS_STORE: 'memory://' },
      { cwd: where.dir, host: '127.0.0.1', logDestination, adapters: [createMemoryAdapter({ world, network: 'north' })] },
    );
    expect((await fetch(`http://127.0.0.1:${app.port}/`)).status).toBe(404);
    expect(logs).not.toContain('feelers playground');
  });

  it('does not start the playground when Slack is configured', async () => {
    const slack: AdapterFactory = () => fakeSlack;
    app = await startFeelers(
      { PORT: '0', FEELERS_STORE: 'memory://', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'shh' },
      { cwd: where.dir, host: '127.0.0.1', logDestination, registry: new Map([['slack', slack]]) },
    );
    expect((await fetch(`http://127.0.0.1:${app.port}/`)).status).toBe(404);
    expect(logs).not.toContain('feelers playground');
  });

  it('starts the playground instead with FEELERS_PLAYGROUND=1, saying the networks stay off', async () => {
    const slack: AdapterFactory = () => {
      throw new Error('the playground must not start a configured network');
    };
    app = await startFeelers(
      {
        PORT: '0',
        FEELERS_PLAYGROUND: '1',
        FEELERS_PLAYGROUND_STORE: where.storeUrl,
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: 'shh',
      },
      { cwd: where.dir, host: '127.0.0.1', logDestination, registry: new Map([['slack', slack]]) },
    );
    expect(lines().find((l) => l.msg.includes('configured networks are not started'))).toMatchObject({ networks: ['slack'] });
    expect((await fetch(`http://127.0.0.1:${app.port}/`)).status).toBe(200);
    expect(logs).not.toContain('shh');
  });
});

describe('the process entry with no tokens', () => {
  it('prints the address last, serves the page there, and exits 0 on SIGTERM', { timeout: 60_000 }, async () => {
    const root = resolve(import.meta.dirname, '../../..');
    const yaml = join(where.dir, 'empty.yaml');
    writeFileSync(yaml, '{}\n');
    // What `npm start` runs, with nothing configured but where the playground keeps its file.
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/app/main.ts')], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', PORT: '0', CI: '1', FEELERS_CONFIG: yaml, FEELERS_PLAYGROUND_STORE: where.storeUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    await expect.poll(() => stdout, { timeout: 30_000 }).toContain('feelers playground: open');
    const last = stdout.trim().split('\n').at(-1) ?? '';
    const url = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(last)?.[1];
    expect(url).toBeDefined();
    const page = await fetch(url ?? '');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Acting as');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('feelers stopped');
  });
});
