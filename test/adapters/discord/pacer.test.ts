import { describe, expect, it } from 'vitest';
import { pacedRequests } from '../../../adapters/discord/pacer.js';
import { LocalRateBudget } from '../../../src/store/local-rate-budget.js';
import { ManualClock } from '../../support/manual-clock.js';

/** Let queued promise callbacks run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

describe('pacedRequests', () => {
  it('lets interaction callbacks past a full budget, and frees a place when a request fails', async () => {
    const clock = new ManualClock();
    const budget = new LocalRateBudget(clock);
    const sent: string[] = [];
    let fail = true;
    const send = pacedRequests(
      async (url: string, _init: { signal?: AbortSignal | undefined }) => {
        sent.push(new URL(url).pathname);
        if (fail) throw new Error('connection reset');
        return 200;
      },
      budget,
      'discord:test',
      { max: 1, windowMs: 1000 },
    );
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

  it('paces each scope on its own: another bot token has a budget of its own', async () => {
    const budget = new LocalRateBudget(new ManualClock());
    const calls: string[] = [];
    const inner = async (url: string, _init: { signal?: AbortSignal | undefined }) => {
      calls.push(url);
      return 200;
    };
    const limit = { max: 1, windowMs: 60_000 };
    const one = pacedRequests(inner, budget, 'discord:one', limit);
    const two = pacedRequests(inner, budget, 'discord:two', limit);
    await one('http://127.0.0.1:1/api/v10/channels/1/messages', {});
    const held = one('http://127.0.0.1:1/api/v10/channels/1/messages', {});
    expect(await two('http://127.0.0.1:1/api/v10/channels/2/messages', {})).toBe(200);
    await flush();
    expect(calls).toHaveLength(2);
    void held.catch(() => undefined);
  });
});
