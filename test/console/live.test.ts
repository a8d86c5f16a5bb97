import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpServer } from '../../src/app/http-server.js';
import { fingerprint, LiveFeeds } from '../../src/console/live.js';
import { silentLogger } from '../../src/ports/logger.js';
import { sleep, until } from '../support/wait.js';

/** The live pages' streams: "changed" only when the data moved, and no reading once the page is gone. */

const EVERY_MS = 10;
let server: HttpServer;
let live: LiveFeeds;
let base: string;
let data: { n: number };
let reads: number;

beforeEach(async () => {
  data = { n: 1 };
  reads = 0;
  live = new LiveFeeds(silentLogger, EVERY_MS);
  server = new HttpServer({ health: async () => ({ ok: true, parts: {} }), logger: silentLogger });
  server.mount('GET', '/events', (req, res) =>
    live.serve(
      req,
      res,
      async () => {
        reads++;
        return { ...data };
      },
      req.query.get('since') ?? undefined,
    ),
  );
  base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
});
afterEach(async () => {
  live.close();
  // undici opens a spare connection after an aborted fetch, which server.close() would wait on until it times out.
  server.server.closeAllConnections();
  await server.close();
});

/** Reads a stream's text as it arrives. */
async function open(path: string): Promise<{ text: () => string; abort: () => void }> {
  const ctl = new AbortController();
  const res = await fetch(`${base}${path}`, { signal: ctl.signal });
  let text = '';
  res.body
    ?.pipeThrough(new TextDecoderStream())
    .pipeTo(new WritableStream({ write: (chunk) => void (text += chunk) }))
    .catch(() => undefined);
  return { text: () => text, abort: () => ctl.abort() };
}

describe('live feeds', () => {
  it('says "changed" when what the page shows changes, not before', async () => {
    const s = await open(`/events?since=${fingerprint(data)}`);
    await until(() => reads >= 3, 'a few reads');
    expect(s.text()).not.toContain('event: changed');
    data = { n: 2 };
    await until(() => s.text().includes('event: changed'), 'a changed event');
    expect(s.text().match(/event: changed/g)).toHaveLength(1);
    s.abort();
  });

  it('tells a page whose data moved between its render and its stream at once', async () => {
    const s = await open(`/events?since=${fingerprint({ n: 0 })}`);
    await until(() => s.text().includes('event: changed'), 'a changed event');
    s.abort();
  });

  it('stops reading when the page goes away', async () => {
    const s = await open('/events');
    await until(() => live.open === 1 && reads >= 2, 'the stream open');
    s.abort();
    await until(() => live.open === 0, 'the stream closed');
    const after = reads;
    await sleep(EVERY_MS * 10);
    expect(reads).toBe(after);
  });
});
