import { describe, expect, it } from 'vitest';
import { askIdOf } from '../../src/core/intake.js';
import { indexes, keys } from '../../src/core/keys.js';
import type { Ask } from '../../src/core/model.js';
import type { Story, StoreKind } from '../support/core.js';
import { DAY, storyPerTest } from '../support/core-steps.js';

const MINUTE = 60_000;
const ops = { operator: 'test-operator' };

/** The console's asks page: every ask newest first, by state, searched (src/core/operator-asks.ts). */
describe.each<StoreKind>(['memory', 'sqlite'])('operator asks (%s store)', (kind) => {
  const started = storyPerTest();

  /** Asks `n` questions a minute apart, alternating Jane (TrainingZone) and Maria (L&D Guild); ids oldest first. */
  async function askMany(s: Story, n: number, text: (i: number) => string, from = 0): Promise<string[]> {
    const ids: string[] = [];
    for (let i = from; i < from + n; i++) {
      const [who, where] = i % 2 === 0 ? [s.jane, s.anyAnswers] : [s.maria, s.askAround];
      const { eventId } = await s.world.command(who, where, 'ask', text(i));
      ids.push(askIdOf(eventId));
      s.clock.advance(MINUTE);
    }
    await s.settle();
    return ids;
  }

  const question = (i: number) => `Question ${i}: who runs ${i % 3 === 0 ? 'Mentoring' : 'onboarding'} circles? #topic${i % 2}`;

  /** 60 asks: the first 5 expired, then 55 more of which 10 (the 11th to 20th) are closed. */
  async function sixty(): Promise<{ s: Story; all: string[]; expired: string[]; closed: string[]; open: string[] }> {
    const s = await started(kind, { limits: { asksPerDay: 1000 } });
    const expired = await askMany(s, 5, question);
    s.clock.advance(15 * DAY);
    await s.engine.expirySweep();
    const later = await askMany(s, 55, question, 5);
    const closed = later.slice(5, 15);
    for (const id of closed) expect(await s.engine.operator.closeAsk(id, ops)).toBe('closed');
    await s.settle();
    const open = later.filter((id) => !closed.includes(id));
    return { s, all: [...expired, ...later], expired, closed, open };
  }

  it('pages 60 asks newest first with exact totals, and filters them by state', async () => {
    const { s, all, expired, closed, open } = await sixty();
    const op = s.engine.operator;
    const newest = [...all].reverse();

    const first = await op.asks({});
    expect(first).toMatchObject({ page: 1, perPage: 25, total: 60, hasMore: true });
    expect(first.asks.map((a) => a.id)).toEqual(newest.slice(0, 25));
    const second = await op.asks({ page: 2 });
    expect(second.asks.map((a) => a.id)).toEqual(newest.slice(25, 50));
    expect(second.hasMore).toBe(true);
    const third = await op.asks({ page: 3 });
    expect(third.asks.map((a) => a.id)).toEqual(newest.slice(50));
    expect(third.hasMore).toBe(false);
    expect((await op.asks({ page: 4 })).asks).toEqual([]);

    // A page says what each ask is, without reading further.
    const [top] = first.asks;
    expect(top).toMatchObject({ text: question(59), askerName: 'Maria', communityName: 'L&D Guild', network: 'south', state: 'open' });
    expect(top?.topics).toEqual(['topic1']);

    for (const [state, ids] of [
      ['open', open],
      ['closed', closed],
      ['expired', expired],
    ] as const) {
      const page = await op.asks({ state, perPage: 100 });
      expect(page.total, state).toBe(ids.length);
      expect(page.asks.map((a) => a.id)).toEqual([...ids].reverse());
      expect(page.asks.every((a) => a.state === state)).toBe(true);
    }
    const closedPage = await op.asks({ state: 'closed', perPage: 4, page: 3 });
    expect(closedPage.asks.map((a) => a.id)).toEqual([...closed].reverse().slice(8));
    expect(closedPage.asks[0]?.closedAt).toBeGreaterThan(closedPage.asks[0]?.createdAt ?? Infinity);

    // Out-of-range paging is brought back into range.
    expect((await op.asks({ perPage: 1000 })).perPage).toBe(100);
    expect((await op.asks({ page: 0, perPage: 0 })).asks.map((a) => a.id)).toEqual(newest.slice(0, 1));
  });

  it('searches words case-insensitively, newest first, with the state filter; an exact id finds its ask', async () => {
    const { s, all, closed } = await sixty();
    const op = s.engine.operator;
    const mentoring = all.filter((_, i) => i % 3 === 0).reverse();

    const found = await op.asks({ q: 'MENTORING circles', perPage: 5 });
    expect(found.asks.map((a) => a.id)).toEqual(mentoring.slice(0, 5));
    expect(found.hasMore).toBe(true);
    const last = await op.asks({ q: 'mentoring', perPage: 5, page: 4 });
    expect(last.asks.map((a) => a.id)).toEqual(mentoring.slice(15));
    expect(last.hasMore).toBe(false);
    // With q, total is how many asks match: every ask is searched (the search index).
    expect(last.total).toBe(20);
    expect(last.capped).toBeFalsy();

    // Every word must match; topics and community count as words of the ask.
    expect((await op.asks({ q: 'mentoring #topic1', perPage: 100 })).asks.map((a) => a.id)).toEqual(
      all.filter((_, i) => i % 3 === 0 && i % 2 === 1).reverse(),
    );
    expect((await op.asks({ q: 'maria mentoring', perPage: 100 })).asks.every((a) => a.askerName === 'Maria')).toBe(true);
    expect((await op.asks({ q: 'nobody wrote this' })).asks).toEqual([]);

    const closedMentoring = await op.asks({ q: 'mentoring', state: 'closed', perPage: 100 });
    expect(closedMentoring.asks.map((a) => a.id)).toEqual(mentoring.filter((id) => closed.includes(id)));

    const id = closed[2] ?? '';
    expect((await op.asks({ q: id })).asks.map((a) => a.id)).toEqual([id]);
    expect((await op.asks({ q: ` ${id} `, state: 'closed' })).asks.map((a) => a.id)).toEqual([id]);
    expect((await op.asks({ q: id, state: 'expired' })).asks).toEqual([]);
  });

  it('takes an ask off every list when retention purges it, digests included', async () => {
    const s = await started(kind, { retentionDays: 30 });
    await s.connectBoth();
    const [old] = await askMany(s, 1, () => 'An old question');
    const copy = s.last(s.askAround);
    await s.world.say(s.harold, s.thread(copy), 'An old answer.');
    s.clock.advance(10 * MINUTE);
    await s.engine.digestTick();
    await s.settle();
    expect(await s.engine.operator.closeAsk(old ?? '', ops)).toBe('closed');
    await s.settle();
    expect((await s.engine.operator.askLife(old ?? ''))?.digests.length).toBe(2);
    s.clock.advance(20 * DAY);
    const [recent] = await askMany(s, 1, () => 'A recent question');
    await s.engine.expirySweep();
    expect((await s.engine.operator.asks({ state: 'closed' })).total).toBe(1);

    s.clock.advance(11 * DAY);
    await s.engine.expirySweep();
    const op = s.engine.operator;
    expect((await op.asks({})).asks.map((a) => a.id)).toEqual([recent]);
    expect((await op.asks({})).total).toBe(1);
    expect((await op.asks({ state: 'closed' })).total).toBe(0);
    expect((await op.asks({ q: 'old' })).asks).toEqual([]);
    expect(await s.store.sortedCount(indexes.digests(old ?? ''))).toBe(0);
    // Read by its id, the purged ask keeps its words, without its people.
    expect((await op.askLife(old ?? ''))?.ask).toMatchObject({ text: 'An old question', askerName: 'Someone' });
  });

  it('lists asks made before the indexes existed, once, at the next expiry sweep', async () => {
    const s = await started(kind, { limits: { asksPerDay: 1000 } });
    const ids = await askMany(s, 4, question);
    expect(await s.engine.operator.closeAsk(ids[1] ?? '', ops)).toBe('closed');
    await s.settle();
    // As a store written by an earlier feelers holds them: the asks, their sets, no ordered index.
    for (const index of [indexes.asksByTime, indexes.asksInState('open'), indexes.asksInState('closed')]) {
      await s.store.sortedRemove(index, ...ids);
    }
    await s.store.delete(keys.backfilled('asks-v1'));
    expect((await s.engine.operator.asks({})).total).toBe(0);

    await s.engine.expirySweep();
    const op = s.engine.operator;
    expect((await op.asks({})).asks.map((a) => a.id)).toEqual([...ids].reverse());
    expect((await op.asks({ state: 'closed' })).asks.map((a) => a.id)).toEqual([ids[1]]);
    expect((await op.asks({ state: 'open' })).total).toBe(3);
    expect(await s.store.get(keys.backfilled('asks-v1'))).toBe(true);
  });
});

describe('operator asks: a search reads every ask', () => {
  const started = storyPerTest();
  /** What the bounded scan looked through before the search index: the one match lies beyond it. */
  const SCANNED_BEFORE = 5_000;

  it(`finds the oldest ask behind more than ${SCANNED_BEFORE.toLocaleString('en')} others`, async () => {
    const s = await started('memory');
    const repo = s.engine.ctx.repo;
    const ask = (i: number, text: string): Ask => ({
      id: `ask-${String(i).padStart(5, '0')}`,
      text,
      topics: [],
      asker: { network: 'north', community: 'T1', user: 'U-jane', name: 'Jane', communityName: 'TrainingZone' },
      origin: s.anyAnswers,
      createdAt: s.clock.now() + i,
      expiresAt: s.clock.now() + 14 * DAY,
      state: 'open',
    });
    // The one match is the oldest ask, behind more than the cap of others.
    await repo.openAsk(ask(0, 'the needle'));
    for (let i = 1; i <= SCANNED_BEFORE + 50; i++) await repo.openAsk(ask(i, `hay ${i}`));

    const page = await s.engine.operator.asks({ q: 'needle' });
    expect(page).toMatchObject({ total: 1, hasMore: false });
    expect(page.asks.map((a) => a.id)).toEqual(['ask-00000']);
    expect((await s.engine.operator.asks({ perPage: 1 })).total).toBe(SCANNED_BEFORE + 51);
    expect((await s.engine.operator.asks({ q: 'hay 5050' })).asks.map((a) => a.id)).toEqual(['ask-05050']);
  });
});
