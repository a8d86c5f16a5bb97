import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setSecurityHeaders } from './security.js';

/** The package's root: the nearest folder up from this module with a package.json (src/ or dist/src/ alike). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('feelers: cannot find the package root (package.json) above src/web');
    dir = up;
  }
}

const TYPES: Readonly<Record<string, string>> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

/**
 * The files the pages load, by URL name: feelers' own (src/web/assets) and the kept libraries
 * it serves itself (no CDN: the policy allows scripts from this server only). A fixed list,
 * read once: nothing else on disk is reachable through /assets/.
 */
export class Assets {
  private readonly files = new Map<string, Asset>();

  constructor(extra: Readonly<Record<string, string>> = {}) {
    const root = packageRoot();
    const own = join(root, 'src', 'web', 'assets');
    const list: Record<string, string> = {
      'feelers.css': join(own, 'feelers.css'),
      'enhance.js': join(own, 'enhance.js'),
      'favicon.svg': join(own, 'favicon.svg'),
      ...Object.fromEntries(Object.entries(extra).map(([name, path]) => [name, join(root, path)])),
    };
    for (const [name, path] of Object.entries(list)) {
      const ext = name.slice(name.lastIndexOf('.'));
      const body = readFileSync(path);
      this.files.set(name, {
        body,
        type: TYPES[ext] ?? 'application/octet-stream',
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
      });
    }
  }

  has(name: string): boolean {
    return this.files.has(name);
  }

  /** GET /assets/<name>: the file, 304 when the browser has it, 404 for anything not listed. */
  serve(name: string, req: IncomingMessage, res: ServerResponse): void {
    const asset = this.files.get(name);
    setSecurityHeaders(res);
    if (!asset) {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('not found\n');
      return;
    }
    res.setHeader('ETag', asset.etag);
    // Revalidated on each load: a restart with new code must not serve yesterday's script.
    res.setHeader('Cache-Control', 'no-cache');
    if (req.headers['if-none-match'] === asset.etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', asset.type);
    res.end(asset.body);
  }
}
