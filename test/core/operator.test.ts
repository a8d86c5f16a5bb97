import { afterEach, describe, expect, it } from 'vitest';
import { askIdOf } from '../../src/core/intake.js';
import { indexes, sets } from '../../src/core/keys.js';
import { EngineBed, ldGuild, trainingZone, type StoreKind } from '../support/core.js';
import { ask, copyOf, DAY, digest, dmsWith, HOUR, QUESTION, setTopics, settingsWith, storyPerTest } from '../support/core-steps.js';

const ops = { operator: 'test-operator' };

/** The console's overview: networks, communities and grounds, the outbox, today's asks (src/core/operator-overview.ts). */
describe.each<StoreKind>(['memory', 'sqlite'])('operator overview (%s store)', (kind) => {
  const started = storyPerTest();

  it('shows each community with its grounds, when each last got a copy, and why one is unreachable', async () => {
    const s = await started(kind);
    await s.connectBoth();
    const gone = s.world.addChannel('south', 'G1', { id: 'C-gone', name: 'gone' });
    await s.world.command(s.guildAdmin, gone, 'feelers', 'connect learning');
    s.world.archiveChannel(gone);
    const askedAt = s.clock.now();
    await ask(s, s.jane, s.anyAnswers, QUESTION);

    const o = await s.engine.operator.overview();
    const since = expect.any(Number) as unknown;
    expect(o.networks).toEqual([
      {
        network: 'north',
        connected: true,
        role: undefined,
        since,
        detail: undefined,
        rateLimitWaits: 0,
        rateLimited: 0,
      },
      {
        network: 'south',
        connected: true,
        role: undefined,
        since,
        detail: undefined,
        rateLimitWaits: 0,
        rateLimited: 0,
      },
    ]);
    expect(o.health.ok).toBe(true);
    expect(o.communities.map((c) => [c.name, c.network, c.community])).toEqual([
      ['L&D Guild', 'south', 'G1'],
      ['TrainingZone', 'north', 'T1'],
    ]);
    const [guild, tz] = o.communities;
    expect(guild?.grounds).toEqual([
      expect.objectContaining({ label: 'ask-around', topics: [], lastCopyAt: askedAt, unreachableSince: undefined }),
      expect.objectContaining({ label: 'gone', topics: ['learning'], lastCopyAt: undefined, unreachableSince: askedAt }),
    ]);
    expect(guild?.grounds[1]?.unreachableReason).toContain('archived');
    // A ground connected in chat shows the channel's name the network gave; one seeded from YAML, its id.
    expect(guild?.grounds.map((g) => g.place.channel)).toEqual(['C-ask', 'C-gone']);
    // The asker's own channel got the ask card, not a copy.
    expect(tz?.grounds).toEqual([expect.objectContaining({ label: 'any-answers', lastCopyAt: undefined })]);
    expect(o).toMatchObject({ outboxBacklog: 0, asksToday: 1, openAsks: 1, rateLimitWaits: 0, rateLimited: 0 });
  });

  it("counts today's asks from midnight UTC, open asks, the outbox backlog and 429s", async () => {
    const s = await started(kind);
    await s.connectBoth();
    // 09:00 UTC: an ask today, then one tomorrow; the first is closed.
    const first = await ask(s, s.jane, s.anyAnswers, 'Who runs book clubs? #reading');
    s.clock.advance(16 * HOUR);
    await s.world.press(s.jane, first.id, 'Close');
    // The network answers the next copy with a 429 and a minute to wait: it stays owed.
    s.world.failNext('south', { kind: 'rate_limited', where: s.askAround.channel, retryAfterMs: 60_000 });
    await ask(s, s.jane, s.anyAnswers, QUESTION);
    const o = await s.engine.operator.overview();
    expect(o).toMatchObject({ asksToday: 1, openAsks: 1, outboxBacklog: 1, rateLimited: 1 });
    expect(o.networks.find((n) => n.network === 'south')?.rateLimited).toBe(1);
    expect(o.networks.find((n) => n.network === 'north')?.rateLimited).toBe(0);
    s.clock.advance(61_000);
    await s.settle();
    expect((await s.engine.operator.overview()).outboxBacklog).toBe(0);
  });
});

describe('operator overview: rate-limit waits', () => {
  let bed: EngineBed | undefined;
  afterEach(async () => bed?.close());

  it("counts each send that waited for a bucket's token once", async () => {
    // Real time: the deliverer waits on the bucket (half a second), as it would against a platform.
    bed = new EngineBed(undefined, {
      store: 'memory',
      settings: settingsWith(),
      adapters: ['north', 'south'],
      limits: { south: { community: { ratePerSec: 2, burst: 1 } } },
    });
    const tz = trainingZone(bed.world);
    const guild = ldGuild(bed.world);
    const others = ['C-two', 'C-three'].map((id) => bed?.world.addChannel('south', 'G1', { id, name: id }));
    const grounds = [guild.askAround, ...others].filter((p) => p !== undefined);
    await bed.start();
    await bed.world.command(tz.tzAdmin, tz.anyAnswers, 'feelers', 'connect');
    for (const place of grounds) await bed.world.command(guild.guildAdmin, place, 'feelers', 'connect');
    await bed.world.command(tz.jane, tz.anyAnswers, 'ask', QUESTION);
    await bed.drain();
    for (const place of grounds) expect(bed.botPosts(place)).toHaveLength(1);
    const o = await bed.engine.operator.overview();
    // Three copies into one community with a burst of one: the second waited, and the third
    // (twice, behind the second) is counted once.
    expect(o.rateLimitWaits).toBe(2);
    expect(o.networks.map((n) => [n.network, n.rateLimitWaits])).toEqual([
      ['north', 0],
      ['south', 2],
    ]);
  });
});

/** Who helps whom, by community, over a period (src/core/operator-graph.ts, help-graph.ts). */
describe.each<StoreKind>(['memory', 'sqlite'])('operator community graph (%s store)', (kind) => {
  const started = storyPerTest();

  it('counts replies and shared intros between communities per day, over the days asked for', async () => {
    const s = await started(kind, { retentionDays: 20 });
    await s.connectBoth();
    await s.world.command(s.harold, s.askAround, 'feelers', 'contact harold@guild.example');
    // Day 0: Harold and Sam (L&D Guild) answer Jane (TrainingZone); Harold shares his contact.
    const card = await ask(s, s.jane, s.anyAnswers, QUESTION);
    const copy = s.last(s.askAround);
    await s.world.say(s.harold, s.thread(copy), 'Try communities of practice.');
    await s.world.say(s.sam, s.thread(copy), 'And mentoring circles.');
    await digest(s);
    await s.world.press(s.jane, s.last(s.thread(card)).id, 'Request intro');
    await s.settle();
    await s.world.press(s.harold, s.lastDm(s.harold).id, 'Share my contact');
    await s.settle();
    // Day 10: Tess (TrainingZone) answers Maria (L&D Guild).
    s.clock.advance(10 * DAY);
    await ask(s, s.maria, s.askAround, 'Who has run a lunch-and-learn? #learning');
    const back = copyOf(s, s.anyAnswers, 'lunch-and-learn');
    if (!back) throw new Error('no copy in TrainingZone');
    await s.world.say(s.tzAdmin, s.thread(back), 'We do, every Friday.');

    const op = s.engine.operator;
    const tz = 'north:T1';
    const guild = 'south:G1';
    const recent = await op.communityGraph(5);
    expect(recent.days).toBe(5);
    expect(recent.edges).toEqual([{ from: tz, to: guild, replies: 1, intros: 0 }]);
    expect(recent.nodes).toEqual([
      { id: tz, network: 'north', name: 'TrainingZone' },
      { id: guild, network: 'south', name: 'L&D Guild' },
    ]);
    const both = await op.communityGraph(11);
    expect(both.edges).toEqual([
      { from: tz, to: guild, replies: 1, intros: 0 },
      { from: guild, to: tz, replies: 2, intros: 1 },
    ]);
    // The period cannot reach past the retention period.
    expect((await op.communityGraph(365)).days).toBe(20);
    expect((await op.communityGraph(0)).days).toBe(1);

    // Past the retention period a day is dropped by the expiry sweep, not only left unread.
    s.clock.advance(15 * DAY);
    await s.engine.expirySweep();
    expect(await s.store.setMembers(sets.helpDays)).toEqual(['2026-01-15']);
    expect((await op.communityGraph(30)).edges).toEqual([{ from: tz, to: guild, replies: 1, intros: 0 }]);
    s.clock.advance(11 * DAY);
    await s.engine.expirySweep();
    expect(await s.store.setMembers(sets.helpDays)).toEqual([]);
    expect(await s.store.sortedCount(indexes.helpGraph('2026-01-15'))).toBe(0);
  });
});

/** The operator's actions take the paths of the people they stand in for (src/core/operator.ts). */
describe.each<StoreKind>(['memory', 'sqlite'])('operator actions (%s store)', (kind) => {
  const started = storyPerTest();

  it('closes an ask as its asker would: the final summary goes out and the copies say so', async () => {
    const s = await started(kind);
    await s.connectBoth();
    const { eventId } = await s.world.command(s.jane, s.anyAnswers, 'ask', QUESTION);
    await s.settle();
    const card = s.last(s.anyAnswers);
    const copy = s.last(s.askAround);
    await s.world.say(s.harold, s.thread(copy), 'Not digested yet.');
    const id = askIdOf(eventId);

    expect(await s.engine.operator.closeAsk(id, ops)).toBe('closed');
    await s.settle();
    const summary = s.last(s.thread(card));
    // The asker did not close it: the summary says who did.
    expect(summary.text).toContain('feelers’ operators closed this question');
    expect(summary.text).not.toContain('You closed');
    expect(summary.text).toContain('Not digested yet.');
    expect(s.world.message(copy.id)?.text).toContain('closed');
    expect(await s.engine.ctx.repo.openAskIds()).toEqual([]);
    expect(await s.engine.operator.closeAsk(id, ops)).toBe('not_open');
    expect(await s.engine.operator.closeAsk('no-such-ask', ops)).toBe('not_found');
  });

  it('disconnects a ground as /feelers disconnect would: no more copies, and the YAML seed does not bring it back', async () => {
    const s = await started(kind);
    await s.connectBoth();
    expect(await s.engine.operator.disconnectGround({ ...s.askAround, thread: 'ignored' }, ops)).toBe('disconnected');
    await ask(s, s.jane, s.anyAnswers, QUESTION);
    expect(s.botPosts(s.askAround)).toEqual([]);
    expect(await s.engine.ctx.repo.groundRemovedByChat(s.askAround)).toBe(true);
    expect((await s.engine.operator.overview()).communities.map((c) => c.name)).toEqual(['TrainingZone']);
    expect(await s.engine.operator.disconnectGround(s.askAround, ops)).toBe('not_found');
  });

  it('pauses prods for a person, so the next ask does not prod them, and resumes them', async () => {
    const s = await started(kind);
    await setTopics(s, s.maria, 'learning');
    expect(await s.engine.operator.pauseProds(s.maria, true, ops)).toBe('paused');
    await ask(s, s.jane, s.anyAnswers, 'First question #learning');
    expect(dmsWith(s, s.maria, 'First question')).toEqual([]);

    expect(await s.engine.operator.pauseProds(s.maria, false, ops)).toBe('resumed');
    await ask(s, s.jane, s.anyAnswers, 'Second question #learning');
    expect(dmsWith(s, s.maria, 'Second question')).toHaveLength(1);
  });

  it('pauses prods for someone feelers knows nothing about yet; their topics later do not undo it', async () => {
    const s = await started(kind);
    await s.connectBoth();
    expect(await s.engine.operator.pauseProds(s.karyn, false, ops)).toBe('not_found');
    expect(await s.engine.ctx.repo.profile(s.karyn)).toBeUndefined();
    expect(await s.engine.operator.pauseProds(s.karyn, true, ops)).toBe('paused');
    expect(await s.engine.ctx.repo.profile(s.karyn)).toMatchObject({ optedOut: true, topics: [], communityName: 'L&D Guild' });
    await setTopics(s, s.karyn, 'learning');
    await ask(s, s.jane, s.anyAnswers, 'A question #learning');
    expect(dmsWith(s, s.karyn, 'A question')).toEqual([]);
  });
});
