import { afterEach, describe, expect, it } from 'vitest';
import { Story, type StoreKind } from '../support/core.js';
import { ask, copyOf, settingsWith } from '../support/core-steps.js';

/**
 * Membership (issue 12): L&D Guild (network "south") is on a network that admits nobody on its
 * own (a Slack app installed through OAuth, a public Discord bot), so it belongs only when the
 * YAML lists it or an operator approves it. TrainingZone ("north") is admitted by its network.
 */
const OPERATOR = { operator: 'ops-olga' };

describe.each<StoreKind>(['memory', 'sqlite'])('membership (%s store)', (kind) => {
  let s: Story;
  afterEach(async () => s?.close());

  async function open(over: Parameters<typeof settingsWith>[0] = {}): Promise<Story> {
    s = new Story(kind, settingsWith({ membership: { allow: {}, approvals: true }, ...over }));
    s.admission = { south: { every: false, communities: [] } };
    return s.start();
  }

  it('an unlisted community is pending: its connect is refused politely and it receives nothing', async () => {
    await open();
    await s.world.command(s.tzAdmin, s.anyAnswers, 'feelers', 'connect');
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'connect #learning');
    expect(s.lastNotice(s.guildAdmin)).toContain('not part of this feelers network yet');
    expect(s.lastNotice(s.guildAdmin)).toContain('operators have been asked to approve it');
    expect(await s.engine.ctx.repo.ground(s.askAround)).toBeUndefined();

    await ask(s, s.jane, s.anyAnswers, 'Which LMS do you use? #learning');
    expect(s.botPosts(s.askAround)).toEqual([]);
    // It cannot ask either: nothing is posted, and the asker is told why.
    await s.world.command(s.harold, s.askAround, 'ask', 'Anyone using xAPI? #learning');
    await s.settle();
    expect(s.botPosts(s.anyAnswers).filter((m) => m.text.includes('xAPI'))).toEqual([]);
    expect(s.botPosts(s.askAround)).toEqual([]);
    expect(s.lastNotice(s.harold)).toContain('not part of this feelers network yet');

    const listed = await s.engine.operator.memberships();
    expect(listed).toEqual([
      expect.objectContaining({ network: 'south', community: 'G1', name: 'L&D Guild', state: 'pending', waitingChannels: 1 }),
    ]);
  });

  it('a pending community approved by an operator has its waiting channel connected and receives the next ask', async () => {
    await open();
    await s.world.command(s.tzAdmin, s.anyAnswers, 'feelers', 'connect');
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'connect #learning');
    expect(await s.engine.operator.decideCommunity('south', 'G1', 'approved', OPERATOR)).toBe('approved');
    await s.settle();
    expect(s.last(s.askAround).text).toContain('L&D Guild has joined the feelers network');
    expect((await s.engine.ctx.repo.ground(s.askAround))?.topics).toEqual(['learning']);

    await ask(s, s.jane, s.anyAnswers, 'Which LMS do you use? #learning');
    expect(copyOf(s, s.askAround, 'Which LMS')).toBeDefined();
    // And its people can ask now.
    await ask(s, s.harold, s.askAround, 'Anyone using xAPI? #learning');
    expect(copyOf(s, s.anyAnswers, 'xAPI')).toBeDefined();
    expect((await s.engine.operator.memberships())[0]).toMatchObject({ state: 'approved', decidedBy: 'ops-olga', waitingChannels: 0 });
    // The decision is in the moderation record operators read.
    const record = await s.engine.operator.moderation(1, 10);
    expect(record.entries).toContainEqual(
      expect.objectContaining({ action: 'approve-community', by: { role: 'operator', operator: 'ops-olga' }, target: 'L&D Guild' }),
    );
  });

  it('a listed community belongs without ceremony', async () => {
    await open({ membership: { allow: { south: ['G1'] }, approvals: false } });
    await s.connectBoth();
    await ask(s, s.jane, s.anyAnswers, 'Which LMS do you use? #learning');
    expect(copyOf(s, s.askAround, 'Which LMS')).toBeDefined();
    expect(await s.engine.operator.memberships()).toEqual([]);
  });

  it('without the console, the refusal says to ask for the list', async () => {
    await open({ membership: { allow: {}, approvals: false } });
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'connect');
    expect(s.lastNotice(s.guildAdmin)).toContain("ask the network's operators to add it");
  });

  it('a refused community stops at once: copies queued for it are cancelled, its replies and commands ignored', async () => {
    await open({ membership: { allow: {}, approvals: true } });
    await s.world.command(s.tzAdmin, s.anyAnswers, 'feelers', 'connect');
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'connect');
    await s.engine.operator.decideCommunity('south', 'G1', 'approved', OPERATOR);
    await s.settle();
    const card = await ask(s, s.jane, s.anyAnswers, 'First question #learning');
    const copy = copyOf(s, s.askAround, 'First question');
    expect(copy).toBeDefined();

    // A second ask's copy waits in the outbox (the platform said to slow down), and the
    // community is refused before it is sent.
    s.world.failNext('south', { kind: 'rate_limited', where: s.askAround.channel, retryAfterMs: 60_000 });
    await ask(s, s.jane, s.anyAnswers, 'Second question #learning');
    expect(copyOf(s, s.askAround, 'Second question')).toBeUndefined();
    expect(await s.engine.operator.decideCommunity('south', 'G1', 'refused', OPERATOR)).toBe('refused');
    s.clock.advance(120_000);
    await s.settle();
    expect(copyOf(s, s.askAround, 'Second question')).toBeUndefined();

    // A reply written in the first copy's thread after the refusal is not collected.
    await s.world.say(s.harold, s.thread(copy!), 'Moodle, and it works.');
    await s.engine.digestTick();
    await s.settle();
    expect(s.botPosts(s.thread(card)).some((m) => m.text.includes('Moodle'))).toBe(false);
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'connect');
    expect(s.lastNotice(s.guildAdmin)).toContain('not part of this feelers network');
    expect(s.lastNotice(s.guildAdmin)).not.toContain('yet');
  });

  it('an operator decision on a community never met is not_found', async () => {
    await open();
    expect(await s.engine.operator.decideCommunity('south', 'G9', 'approved', OPERATOR)).toBe('not_found');
  });
});

describe('membership: a community taken off the list', () => {
  let s: Story;
  afterEach(async () => s?.close());

  it('receives nothing more after a restart without it, including what was queued', async () => {
    s = new Story('sqlite', settingsWith({ membership: { allow: { south: ['G1'] }, approvals: false } }));
    s.admission = { south: { every: false, communities: [] } };
    await s.start();
    await s.connectBoth();
    s.world.failNext('south', { kind: 'rate_limited', where: s.askAround.channel, retryAfterMs: 60_000 });
    await s.world.command(s.jane, s.anyAnswers, 'ask', 'Queued before the restart #learning');
    await s.settle();
    expect(copyOf(s, s.askAround, 'Queued before the restart')).toBeUndefined();
    // The operator removes L&D Guild from the list and restarts before the outbox sent the copy.
    s.settings.membership.allow = {};
    await s.restart();
    s.clock.advance(120_000);
    await s.settle();
    expect(copyOf(s, s.askAround, 'Queued before the restart')).toBeUndefined();
    expect(s.botPosts(s.anyAnswers).some((m) => m.text.includes('Queued before the restart'))).toBe(true);
  });
});
