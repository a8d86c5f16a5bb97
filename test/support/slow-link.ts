/**
 * A loopback HTTP relay between a client and a fake platform that can stall: once armed, the
 * next request and every one after it for `ms` wait, then all go on together. That is what a
 * client sees when the path to the platform hangs for a moment (a connection being opened, a
 * process too busy to write to its sockets), and it makes the platform see a burst of
 * arrivals that were started apart. Mocking at the wire: the client and the fake are real.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export class SlowLink {
  private server: Server | undefined;
  private armed: { ms: number; path: string } | undefined;
  private releaseAt = 0;
  /** Requests the stall held back: a test can tell its stall did bunch them up. */
  held = 0;

  private constructor(private readonly target: URL) {}

  /** A relay to `targetBase` (e.g. the fake's `http://127.0.0.1:port`). */
  static async start(targetBase: string): Promise<SlowLink> {
    const link = new SlowLink(new URL(targetBase));
    const server = createServer((req, res) => void link.relay(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    link.server = server;
    return link;
  }

  /** Where the client should send what it meant for the target. */
  get base(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('the link is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  /**
   * The next request to a path that starts with `path` (e.g. `/api/chat.postMessage`), and every
   * request after it for `ms`, are held until then.
   */
  stallNext(ms: number, path = '/'): void {
    this.armed = { ms, path };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  private async relay(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (this.armed && (req.url ?? '').startsWith(this.armed.path)) {
      this.releaseAt = performance.now() + this.armed.ms;
      this.armed = undefined;
    }
    const hold = this.releaseAt - performance.now();
    if (hold > 0) {
      this.held += 1;
      await new Promise((resolve) => setTimeout(resolve, hold));
    }
    const out = request(
      {
        host: this.target.hostname,
        port: this.target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: this.target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    out.end(Buffer.concat(chunks));
  }
}
