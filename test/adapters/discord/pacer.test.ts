import { describe, expect, it } from 'vitest';
import { RollingPacer, pacedRequests, type Release } from '../../../adapters/discord/pacer.js';
import { ManualClock } from '../../support/manual-clock.js';

/** Let queued promise callbacks run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

function track(p: Promise<Release>): { release?: Release; error?: unknown } {
  const t: { release?: Release; error?: unknown } = {};
  p.then(
    (r) => (t.release = r),
    (e: unknown) => (t.error = e),
  );
  return t;
}

describe('RollingPacer: at most max requests in flight or answered within the window', () => {
  it('holds the next request until an earlier one was answered a whole window ago', async () => {
    const clock = new ManualClock();
    const pacer = new RollingPacer({ max: 2, windowMs: 1000 }, clock);
    const a = track(pacer.acquire());
    const b = track(pacer.acquire());
    const c = track(pacer.acquire());
    await flush();
    expect([!!a.release, !!b.release, !!c.release]).toEqual([true, true, false]);

    // In flight for a long time: a place is held however much time passes.
    clock.advance(5_000);
    await flush();
    expect(c.release).toBeUndefined();

    a.release?.();
    await flush();
    clock.advance(999);
    await flush();
    expect(c.release).toBeUndefined();
    clock.advance(1);
    await flush();
    expect(c.release).toBeDefined();
  });

  it('serves waiters in order, and an aborted waiter takes no place', async () => {
    const clock = new ManualClock();
    const pacer = new RollingPacer({ max: 1, windowMs: 1000 }, clock);
    const first = track(pacer.acquire());
    const abort = new AbortController();
    const aborted = track(pacer.acquire(abort.signal));
    const next = track(pacer.acquire());
    await flush();
    abort.abort();
    first.release?.();
    // A second call of the same release must not free another place.
    first.release?.();
    clock.advance(1000);
    await flush();
    expect(aborted.error).toMatchObject({ name: 'AbortError' });
    expect(next.release).toBeDefined();
    const late = track(pacer.acquire());
    clock.advance(5_000);
    await flush();
    expect(late.release).toBeUndefined();
  });
});

describe('pacedRequests', () => {
  it('lets interaction callbacks past a full pacer, and frees a place when a request fails', async () => {
    const clock = new ManualClock();
    const pacer = new RollingPacer({ max: 1, windowMs: 1000 }, clock);
    const sent: string[] = [];
    let fail = true;
    const send = pacedRequests(async (url: string, _init: { signal?: AbortSignal | undefined }) => {
      sent.push(new URL(url).pathname);
      if (fail) throw new Error('connection reset');
      return 200;
    }, pacer);
    const api = 'http://127.0.0.1:1/api/v10';
    await expect(send(`${api}/channels/1/messages`, {})).rejects.toThrow('connection reset');
    fail = false;
    const held = send(`${api}/channels/2/messages`, {});
    await flush();
    expect(sent).toEqual(['/api/v10/channels/1/messages']);
    // Interactions are outside the global limit and have 3 s to be answered.
    expect(await send(`${api}/interactions/123/tok-en/callback`, {})).toBe(200);
    clock.advance(1000);
    expect(await held).toBe(200);
    expect(sent).toEqual(['/api/v10/channels/1/messages', '/api/v10/interactions/123/tok-en/callback', '/api/v10/channels/2/messages']);
  });
});
