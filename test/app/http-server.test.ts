import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineApi, HealthReport } from '../../src/core/engine-api.js';
import { silentLogger } from '../../src/ports/logger.js';
import { PromMetrics } from '../../src/app/prom-metrics.js';
import { DEFAULT_MAX_BODY_BYTES, HttpServer, type HttpServerOptions } from '../../src/app/http-server.js';

/** A stand-in engine: only health matters here, the rest (but the operator API) must exist to satisfy the interface. */
class FakeEngine implements Omit<EngineApi, 'operator'> {
  constructor(public report: HealthReport | Error) {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async handle(): Promise<'done'> {
    return 'done';
  }
  async digestTick(): Promise<{ digests: number }> {
    return { digests: 0 };
  }
  async expirySweep(): Promise<{ warned: number; expired: number }> {
    return { warned: 0, expired: 0 };
  }
  async deliver(): Promise<number> {
    return 0;
  }
  async health(): Promise<HealthReport> {
    if (this.report instanceof Error) throw this.report;
    return this.report;
  }
}

const healthy: HealthReport = { ok: true, parts: { store: { ok: true }, 'adapter:memory': { ok: true } } };

let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(engine: Pick<EngineApi, 'health'>, over: Partial<HttpServerOptions> = {}): Promise<string> {
  server = new HttpServer({ health: () => engine.health(), logger: silentLogger, ...over });
  const port = await server.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${port}`;
}

/** A raw request, so the test controls headers and chunking that fetch would normalise. */
function raw(
  base: string,
  opts: { method: string; path: string; body?: Buffer; chunked?: boolean },
): Promise<{ status: number; body: string }> {
  const url = new URL(opts.path, base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: opts.method,
        headers: opts.body && !opts.chunked ? { 'content-length': String(opts.body.length) } : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    if (opts.body && opts.chunked) {
      // Two writes without a length: the body arrives as a stream and is counted as it comes.
      const half = Math.floor(opts.body.length / 2);
      req.write(opts.body.subarray(0, half));
      req.end(opts.body.subarray(half));
    } else {
      req.end(opts.body);
    }
  });
}

describe('probes', () => {
  it('GET /livez answers ok', async () => {
    const base = await start(new FakeEngine(healthy));
    const res = await fetch(`${base}/livez`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok\n');
  });

  it('GET /healthz is 200 with the health report when all parts are up', async () => {
    const base = await start(new FakeEngine(healthy));
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual(healthy);
  });

  it('GET /healthz is 503 naming the part that is down', async () => {
    const down: HealthReport = { ok: false, parts: { store: { ok: true }, 'adapter:slack': { ok: false, detail: 'socket closed' } } };
    const base = await start(new FakeEngine(down));
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as HealthReport;
    expect(body.parts['adapter:slack']).toEqual({ ok: false, detail: 'socket closed' });
  });

  it('GET /healthz is 503 when health itself throws, and keeps the error for the log', async () => {
    const base = await start(new FakeEngine(new Error('connect ECONNREFUSED 10.1.2.3:6379')));
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ok: false, parts: { engine: { ok: false, detail: 'the health check failed' } } });
  });

  it('HEAD is answered by the GET route', async () => {
    const base = await start(new FakeEngine(healthy));
    const res = await fetch(`${base}/livez`, { method: 'HEAD' });
    expect(res.status).toBe(200);
  });
});

describe('metrics', () => {
  it('GET /metrics serves the prom-client text with the engine counters', async () => {
    const metrics = new PromMetrics();
    metrics.askCreated();
    metrics.deliveryFinished('copy', 'sent');
    const base = await start(new FakeEngine(healthy), { metrics });
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('feelers_asks_total 1');
    expect(text).toContain('feelers_deliveries_total{purpose="copy",state="sent"} 1');
  });

  it('is absent when no metrics are given', async () => {
    const base = await start(new FakeEngine(healthy));
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
  });
});

describe('routing and bad requests', () => {
  it('unknown paths are 404', async () => {
    const base = await start(new FakeEngine(healthy));
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('a wrong method is 405 with Allow', async () => {
    const base = await start(new FakeEngine(healthy));
    const res = await fetch(`${base}/healthz`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });

  it('mounted routes get the raw body, path and query', async () => {
    const base = await start(new FakeEngine(healthy));
    const seen: { body: string; path: string; q: string | null }[] = [];
    server?.mount('POST', '/slack/events', (req, res) => {
      seen.push({ body: req.rawBody.toString('utf8'), path: req.path, q: req.query.get('a') });
      res.end('ack');
    });
    const res = await fetch(`${base}/slack/events?a=1`, { method: 'POST', body: 'payload=%7B%7D' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ack');
    expect(seen).toEqual([{ body: 'payload=%7B%7D', path: '/slack/events', q: '1' }]);
  });

  it('a prefix route serves every path under it, exact routes win, the longest prefix wins', async () => {
    const base = await start(new FakeEngine(healthy));
    server?.mountPrefix('GET', '/a/', (req, res) => res.end(`a:${req.path}`));
    server?.mountPrefix('GET', '/a/b/', (req, res) => res.end(`ab:${req.path}`));
    server?.mount('GET', '/a/exact', (_req, res) => res.end('exact'));
    expect(await (await fetch(`${base}/a/x.css`)).text()).toBe('a:/a/x.css');
    expect(await (await fetch(`${base}/a/b/y`)).text()).toBe('ab:/a/b/y');
    expect(await (await fetch(`${base}/a/exact`)).text()).toBe('exact');
    expect((await fetch(`${base}/ab`)).status).toBe(404);
    expect((await fetch(`${base}/a/x.css`, { method: 'POST' })).status).toBe(405);
    expect(() => server?.mountPrefix('GET', '/a/', () => undefined)).toThrow(/already mounted/);
    expect(() => server?.mountPrefix('GET', '/nope', () => undefined)).toThrow(/start and end/);
  });

  it('mounting the same route twice is refused', async () => {
    await start(new FakeEngine(healthy));
    expect(() => server?.mount('get', '/livez', () => undefined)).toThrow(/already mounted/);
  });

  it('a handler that throws is a 500, and the server keeps serving', async () => {
    const base = await start(new FakeEngine(healthy));
    server?.mount('GET', '/boom', () => {
      throw new Error('bad handler');
    });
    expect((await fetch(`${base}/boom`)).status).toBe(500);
    expect((await fetch(`${base}/livez`)).status).toBe(200);
  });

  it('a body over the default 1 MiB cap is 413', async () => {
    const base = await start(new FakeEngine(healthy));
    server?.mount('POST', '/in', (_req, res) => res.end('read'));
    const res = await raw(base, { method: 'POST', path: '/in', body: Buffer.alloc(DEFAULT_MAX_BODY_BYTES + 1, 97) });
    expect(res.status).toBe(413);
    const ok = await raw(base, { method: 'POST', path: '/in', body: Buffer.alloc(1000, 97) });
    expect(ok).toEqual({ status: 200, body: 'read' });
  });

  it('a streamed body without a length is counted as it arrives', async () => {
    const base = await start(new FakeEngine(healthy), { maxBodyBytes: 100 });
    let called = false;
    server?.mount('POST', '/in', (_req, res) => {
      called = true;
      res.end();
    });
    const res = await raw(base, { method: 'POST', path: '/in', body: Buffer.alloc(150, 97), chunked: true });
    expect(res.status).toBe(413);
    expect(called).toBe(false);
  });

  it('a malformed request line does not crash the server', async () => {
    const base = await start(new FakeEngine(healthy));
    const { connect } = await import('node:net');
    const url = new URL(base);
    const reply = await new Promise<string>((resolve) => {
      const sock = connect(Number(url.port), url.hostname, () => sock.end('GARBAGE\r\n\r\n'));
      let text = '';
      sock.on('data', (d) => (text += d.toString()));
      sock.on('close', () => resolve(text));
      sock.on('error', () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${base}/livez`)).status).toBe(200);
  });
});
