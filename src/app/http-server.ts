import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthReport } from '../core/engine-api.js';
import { asFeelersError } from '../ports/errors.js';
import type { RouteHandler, Routes } from '../web/http.js';
import type { Logger } from '../ports/logger.js';

/**
 * One node:http server for probes, metrics and whatever adapters mount (Slack's POST
 * /slack/events). The body is read before a handler runs, capped, and left on `rawBody`:
 * Bolt's request verification accepts a request whose `rawBody` is already a Buffer, and
 * the signature must be checked against the exact bytes Slack sent. The request's and the
 * routes' types are the web layer's (src/web/http.ts), so pages need not import the app.
 */
export type { HttpRequest, RouteHandler } from '../web/http.js';

export interface HttpServerOptions {
  health: () => Promise<HealthReport>;
  metrics?: { text(): Promise<string>; readonly contentType: string } | undefined;
  logger: Logger;
  /** Largest accepted request body; larger ones get 413. */
  maxBodyBytes?: number | undefined;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export class HttpServer implements Routes {
  readonly server: Server;
  private readonly routes = new Map<string, Map<string, RouteHandler>>();
  /** Routes for every path under a prefix (`/assets/`), tried longest prefix first when no exact route matches. */
  private readonly prefixes: { prefix: string; byMethod: Map<string, RouteHandler> }[] = [];
  private readonly maxBody: number;
  private readonly log: Logger;

  constructor(private readonly opts: HttpServerOptions) {
    this.maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.log = opts.logger.child({ part: 'http' });
    this.server = createServer((req, res) => void this.dispatch(req, res));
    // A client that trickles headers or a body must not hold a socket for minutes.
    this.server.requestTimeout = 30_000;
    this.server.headersTimeout = 20_000;

    this.mount('GET', '/livez', (_req, res) => send(res, 200, 'ok\n', 'text/plain; charset=utf-8'));
    this.mount('GET', '/healthz', (_req, res) => this.healthz(res));
    if (opts.metrics) {
      const metrics = opts.metrics;
      this.mount('GET', '/metrics', async (_req, res) => send(res, 200, await metrics.text(), metrics.contentType));
    }
  }

  /** Add a route. One handler per method and path; a second one is a programming error. */
  mount(method: string, path: string, handler: RouteHandler): void {
    const m = method.toUpperCase();
    const byMethod = this.routes.get(path) ?? new Map<string, RouteHandler>();
    if (byMethod.has(m)) throw new Error(`route ${m} ${path} is already mounted`);
    byMethod.set(m, handler);
    this.routes.set(path, byMethod);
  }

  /** Add a route for every path that starts with `prefix` (which ends with '/'); exact routes win. */
  mountPrefix(method: string, prefix: string, handler: RouteHandler): void {
    if (!prefix.startsWith('/') || !prefix.endsWith('/')) throw new Error(`route prefix ${prefix} must start and end with "/"`);
    const m = method.toUpperCase();
    let entry = this.prefixes.find((p) => p.prefix === prefix);
    if (!entry) {
      entry = { prefix, byMethod: new Map() };
      this.prefixes.push(entry);
      this.prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
    }
    if (entry.byMethod.has(m)) throw new Error(`route ${m} ${prefix}* is already mounted`);
    entry.byMethod.set(m, handler);
  }

  /** Start listening; resolves with the bound port (useful with port 0). */
  listen(port: number, host?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Stop accepting connections; requests in flight finish. */
  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      // Keep-alive sockets would otherwise hold close() open until they time out.
      this.server.closeIdleConnections();
    });
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://localhost');
      } catch {
        return send(res, 400, 'bad request\n');
      }
      const byMethod = this.routes.get(url.pathname) ?? this.prefixes.find((p) => url.pathname.startsWith(p.prefix))?.byMethod;
      if (!byMethod) return send(res, 404, 'not found\n');
      const method = req.method ?? 'GET';
      // HEAD is answered by the GET handler; node drops the body.
      const handler = byMethod.get(method) ?? (method === 'HEAD' ? byMethod.get('GET') : undefined);
      if (!handler) {
        res.setHeader('Allow', [...byMethod.keys()].join(', '));
        return send(res, 405, 'method not allowed\n');
      }
      const body = await readBody(req, this.maxBody);
      if (body === 'too_large') {
        // The rest of an oversized body is not worth reading: close the connection after answering.
        res.setHeader('Connection', 'close');
        return send(res, 413, `payload too large (at most ${this.maxBody} bytes)\n`);
      }
      const request = Object.assign(req, { rawBody: body, path: url.pathname, query: url.searchParams });
      await handler(request, res);
    } catch (err) {
      const e = asFeelersError(err);
      this.log.error({ err: e, code: e.code, method: req.method, url: req.url }, 'HTTP handler failed');
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    }
  }

  private async healthz(res: ServerResponse): Promise<void> {
    let report: HealthReport;
    try {
      report = await this.opts.health();
    } catch (err) {
      // Open to anyone who reaches the port: the error itself goes only to the log.
      this.log.error({ err: asFeelersError(err) }, 'health check failed');
      report = { ok: false, parts: { engine: { ok: false, detail: 'the health check failed' } } };
    }
    send(res, report.ok ? 200 : 503, JSON.stringify(report), 'application/json; charset=utf-8');
  }
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too_large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    req.resume();
    return Promise.resolve('too_large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > max) {
        done = true;
        resolve('too_large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
      done = true;
    });
    req.on('error', (err) => {
      if (!done) reject(err);
      done = true;
    });
    // A client that hangs up mid-body sends neither 'end' nor always 'error'.
    req.on('close', () => {
      if (!done) reject(new Error('request aborted before its body was complete'));
      done = true;
    });
  });
}
