import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import { Repo } from '../../src/core/repo.js';
import type { Store } from '../../src/ports/store.js';
import { createStore } from '../../src/store/create-store.js';

/**
 * A throwaway Redis for tests. `FEELERS_TEST_REDIS_URL` points the shared tests at an existing
 * server instead; otherwise a private redis-server is spawned on a free 127.0.0.1 port.
 *
 * A missing binary is an error, never a skip: a suite that skips itself on CI proves nothing.
 */
export const REDIS_SERVER_BIN = process.env['FEELERS_REDIS_SERVER'] ?? '/usr/bin/redis-server';

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface OwnedRedis extends TestRedis {
  /** Starts it again on the same port (and data folder) after `stop`. */
  start(): Promise<void>;
  /** `stop` then `start`; with `persistent`, the data written before is back. */
  restart(): Promise<void>;
  /** Stops it and removes its data folder. */
  dispose(): Promise<void>;
  /** Its data folder (the append-only files of a persistent one). */
  readonly dir: string;
}

export interface SpawnOptions {
  /** Append-only file in a temp folder, so data survives `restart`. */
  persistent?: boolean;
}

/** The env's Redis if given, else a spawned one (not persistent). */
export async function startTestRedis(): Promise<TestRedis> {
  const url = process.env['FEELERS_TEST_REDIS_URL'];
  if (url !== undefined && url !== '') {
    await waitForPing(url, 5_000);
    return { url, port: Number(new URL(url).port || 6379), stop: async () => {} };
  }
  const owned = await spawnTestRedis();
  return { url: owned.url, port: owned.port, stop: () => owned.dispose() };
}

/** Always a private redis-server this process controls (for stop/restart tests). */
export async function spawnTestRedis(opts: SpawnOptions = {}): Promise<OwnedRedis> {
  assertInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'feelers-redis-'));
  let child: ChildProcess | undefined;
  let port = 0;

  const start = async (): Promise<void> => {
    if (child !== undefined) return;
    // Another worker can take a free port between our probe and redis binding it: try again.
    for (let attempt = 0; ; attempt++) {
      const wanted = port === 0 ? await freePort() : port;
      try {
        child = await launch(wanted, dir, opts.persistent === true);
        port = wanted;
        return;
      } catch (err) {
        if (port !== 0 || attempt >= 4) throw err;
      }
    }
  };
  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (c !== undefined) await terminate(c);
  };

  await start();
  return {
    dir,
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    start,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function assertInstalled(): void {
  if (!existsSync(REDIS_SERVER_BIN)) {
    throw new Error(
      `redis-server is not installed (looked for ${REDIS_SERVER_BIN}). The Redis store tests need it: ` +
        'run `apt-get install redis-server`, or set FEELERS_TEST_REDIS_URL=redis://host:port to use a running Redis.',
    );
  }
}

async function launch(port: number, dir: string, persistent: boolean): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    persistent ? 'yes' : 'no',
    '--appendfsync',
    'always',
    // Plain commands in the append-only files (no compressed RDB preamble), so tests can read them.
    '--aof-use-rdb-preamble',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
  ];
  const child = spawn(REDIS_SERVER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server on port ${port} exited with ${code}: ${output.trim()}`)));
  });
  exited.catch(() => {});
  try {
    await Promise.race([waitForPing(`redis://127.0.0.1:${port}`, 10_000), exited]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return child;
}

/** SIGTERM lets Redis flush its append-only file before it exits. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await gone;
  clearTimeout(timer);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port === 0 ? reject(new Error('no free port')) : resolve(port)));
    });
  });
}

/** Resolves once the server answers PING with PONG, over a bare socket (no client library). */
export async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  const { hostname, port } = new URL(url);
  const giveUpAt = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < giveUpAt) {
    try {
      if (await pingOnce(hostname, Number(port || 6379))) return;
      last = 'unexpected reply';
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Redis at ${url} did not answer PING within ${timeoutMs} ms: ${last}`);
}

function pingOnce(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let reply = '';
    socket.setTimeout(1_000, () => socket.destroy(new Error('timed out')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d: Buffer) => {
      reply += d.toString();
      if (!reply.includes('\r\n')) return;
      socket.end();
      // "-LOADING" while an append-only file is read back counts as not ready yet.
      resolve(reply.startsWith('+PONG'));
    });
  });
}

// ---- Redis, seen from the test --------------------------------------------------------------

/** Empties one Redis database, so a test starts from nothing whatever ran before on it. */
export async function flushDb(url: string): Promise<void> {
  const client = createClient({ url });
  await client.connect();
  try {
    await client.flushDb();
  } finally {
    await client.close();
  }
}

/** The test's own view of the shared store, through the same key layout the engine uses. */
export async function openInspector(url: string): Promise<{ store: Store; repo: Repo }> {
  const store = await createStore(url);
  return { store, repo: new Repo(store) };
}

/** A Redis URL with a database number (the part after the port). */
export function withDb(url: string, db: number): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}
