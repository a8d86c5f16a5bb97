/**
 * The console's asks page over HTTP: GET /console/asks with a signed-in session, on the real
 * HttpServer and OperatorConsole over an engine whose SQLite file holds 100,000 asks, against
 * the same with 10 asks in the same run. Server time is from the handler's start to the
 * response's finish (what the operator waits for, minus the network); each page is asked for
 * 200 times: the first page, a deep page (page 2,000 of 25), and the first page of the closed
 * asks. Target: p95 < 100 ms for each with 100,000 asks. Round trips over loopback are printed
 * for information.
 *
 * The asks are written through the repository, as bench/console-asks.ts does (only the keys and
 * indexes the page reads matter, and 100,000 asks through the whole engine would take minutes).
 *
 * Run: npx tsx bench/console-page.ts [asks] [calls]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpServer, type RouteHandler } from '../src/app/http-server.js';
import { OperatorConsole } from '../src/console/index.js';
import { Engine } from '../src/core/engine.js';
import { silentLogger } from '../src/ports/logger.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { fillStoredAsks } from '../test/support/stored-asks.js';
import { check, int, percentile, result, since } from './measure.js';

const ASKS = Number(process.argv[2] ?? 100_000);
const CALLS = Number(process.argv[3] ?? 200);
const BASELINE = 10;
const TARGET_MS = 100;
const PER_PAGE = 25;
const DEEP_PAGE = Math.max(1, Math.floor((ASKS * 0.5) / PER_PAGE));
const TOKEN = 'bench-console-token-0123456789abcdef';
interface Answer {
  readonly status: number;
  readonly body: string;
  readonly ms: number;
  readonly cookie?: string | undefined;
}

function call(agent: Agent, port: number, path: string, o: { cookie?: string; form?: string } = {}): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path,
        method: o.form === undefined ? 'GET' : 'POST',
        headers: {
          ...(o.cookie ? { cookie: o.cookie } : {}),
          ...(o.form === undefined
            ? {}
            : { 'content-type': 'application/x-www-form-urlencoded', origin: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}` }),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            ms: performance.now() - started,
            cookie: res.headers['set-cookie']?.[0]?.split(';')[0],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(o.form);
  });
}

interface Figures {
  readonly server: { readonly p50: number; readonly p95: number };
  readonly roundTrip: { readonly p95: number };
}

async function measureStore(n: number): Promise<Record<'first' | 'deep' | 'closed', Figures>> {
  const dir = mkdtempSync(join(tmpdir(), 'feelers-console-page-'));
  const store = new SqliteStore(join(dir, 'console.sqlite'));
  const http = new HttpServer({ health: async () => ({ ok: true, parts: {} }), logger: silentLogger });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const engine = new Engine({ store, adapters: [] });
    const started = performance.now();
    const closed = await fillStoredAsks(engine.ctx.repo, n);
    console.log(`  ${int(n)} asks (${int(closed)} closed) written in ${since(started).toFixed(1)} s`);

    // Server time: from the console's handler being called to the response's last byte handed to the socket.
    const serverMs: number[] = [];
    const timed = {
      mount: (method: string, path: string, handler: RouteHandler) =>
        http.mount(method, path, (req, res) => {
          const t0 = performance.now();
          res.on('finish', () => serverMs.push(performance.now() - t0));
          return handler(req, res);
        }),
      mountPrefix: http.mountPrefix.bind(http),
    };
    new OperatorConsole({ operator: engine.operator, token: TOKEN, logger: silentLogger }).mount(timed);
    const port = await http.listen(0, '127.0.0.1');
    const signedIn = await call(agent, port, '/console/sign-in', { form: new URLSearchParams({ token: TOKEN }).toString() });
    const cookie = signedIn.cookie ?? '';
    check('signed in', signedIn.status === 303 && cookie.startsWith('feelers_console='), `status ${signedIn.status}`);

    const page = async (path: string, rows: number): Promise<Figures> => {
      serverMs.length = 0;
      const trips: number[] = [];
      let wrong = 0;
      for (let i = 0; i < CALLS; i++) {
        const a = await call(agent, port, path, { cookie });
        trips.push(a.ms);
        if (a.status !== 200 || (a.body.match(/href="\/console\/ask\?id=/g) ?? []).length !== rows) wrong++;
      }
      check(`GET ${path} shows ${rows} asks`, wrong === 0, `${wrong} of ${CALLS} wrong`);
      const server = [...serverMs].sort((x, y) => x - y);
      trips.sort((x, y) => x - y);
      return { server: { p50: percentile(server, 50), p95: percentile(server, 95) }, roundTrip: { p95: percentile(trips, 95) } };
    };
    const rows = (k: number) => Math.max(0, Math.min(PER_PAGE, k));
    return {
      first: await page('/console/asks', rows(n)),
      deep: await page(`/console/asks?page=${DEEP_PAGE}`, rows(n - (DEEP_PAGE - 1) * PER_PAGE)),
      closed: await page('/console/asks?state=closed', rows(closed)),
    };
  } finally {
    agent.destroy();
    await http.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (f: Figures) =>
  `server p50 ${f.server.p50.toFixed(2)} ms, p95 ${f.server.p95.toFixed(2)} ms (round trip p95 ${f.roundTrip.p95.toFixed(2)} ms)`;

console.log(`baseline: ${BASELINE} asks`);
const small = await measureStore(BASELINE);
console.log(`measured: ${int(ASKS)} asks`);
const large = await measureStore(ASKS);

const cases = [
  ['page 1', 'first'],
  [`page ${int(DEEP_PAGE)}`, 'deep'],
  ['closed, page 1', 'closed'],
] as const;
for (const [what, key] of cases) {
  result(`GET /console/asks ${what}, ${int(BASELINE)} asks (SQLite, HTTP)`, fmt(small[key]), 'baseline');
  const f = large[key];
  result(`GET /console/asks ${what}, ${int(ASKS)} asks (SQLite, HTTP)`, fmt(f), `server p95 < ${TARGET_MS} ms`, f.server.p95 < TARGET_MS);
}
