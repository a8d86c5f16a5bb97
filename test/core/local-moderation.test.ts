import { describe, expect, it } from 'vitest';
import type { PersonRef, Place } from '../../src/ports/places.js';
import type { Story, StoreKind } from '../support/core.js';
import { buttonLabels } from '../support/core.js';
import { askedAndCopiedPerTest, buttonId, copyOf, counts, digest, dmsWith, handPress, setTopics } from '../support/core-steps.js';

/**
 * Local moderation (issue 12), from a receiving community's side: an admin removes a copy
 * from their channel and blocks a person or a whole community; anyone reports a copy. A
 * blocked person's asks and replies reach no channel of the community that blocked them.
 */

/** A third community, Makers (network "south", G3), with its admin and a connected channel. */
async function makers(s: Story): Promise<{ help: Place; mo: PersonRef }> {
  s.world.addCommunity('south', { id: 'G3', name: 'Makers' });
  const help = s.world.addChannel('south', 'G3', { id: 'C-help', name: 'help' });
  const mo = s.world.addMember('south', 'G3', { id: 'U-mo', name: 'Mo', admin: true });
  await s.world.command(mo, help, 'feelers', 'connect');
  return { help, mo };
}

/** The actions recorded, sorted (the story's clock stands still, so they share a time). */
async function records(s: Story) {
  return (await s.engine.operator.moderation(1, 50)).entries.map((e) => e.action).sort();
}

describe.each<StoreKind>(['memory', 'sqlite'])('local moderation (%s store)', (kind) => {
  const opened = askedAndCopiedPerTest();

  it('lets an admin of the receiving community remove a copy from their channel; anyone else’s press changes nothing', async () => {
    const { s, card, copy } = await opened(kind);
    expect(buttonLabels(copy)).toContain('Remove');
    const before = counts(s);
    await s.world.press(s.karyn, copy.id, 'Remove');
    await s.settle();
    expect(s.lastNotice(s.karyn)).toContain('Only an admin of this community');
    expect(counts(s)).toEqual({ ...before, notices: before.notices + 1 });
    // An admin of the asker's community is no admin of L&D Guild's channel either.
    await s.engine.handle(handPress(s, s.tzAdmin, buttonId(copy, 'Remove'), undefined, s.anyAnswers));
    expect(s.world.message(copy.id)?.deleted).toBe(false);

    await s.world.press(s.guildAdmin, copy.id, 'Remove');
    await s.settle();
    expect(s.lastNotice(s.guildAdmin)).toContain('Removed from this channel');
    expect(s.world.message(copy.id)?.deleted).toBe(true);
    // The question itself stays open; a message written in the removed copy's thread is not relayed.
    expect(await s.openAsks()).toHaveLength(1);
    await s.world.say(s.harold, s.thread(copy), 'Written after the removal.');
    expect(await digest(s)).toBe(0);
    expect(s.botPosts(s.thread(card))).toHaveLength(0);
    expect(await records(s)).toEqual(['remove-copy']);
    const life = await s.engine.operator.askLife((await s.openAsks())[0]!);
    expect(life?.copies.map((c) => c.shown)).toEqual(['withdrawn']);
  });

  it('blocks the asker from the removed copy: their next asks and replies reach no channel of the blocking community', async () => {
    const { s, copy } = await opened(kind);
    const m = await makers(s);
    await setTopics(s, s.sam, 'learning');
    await s.world.press(s.guildAdmin, copy.id, 'Remove');
    await s.settle();
    const offer = dmsWith(s, s.guildAdmin, 'Block them too?')[0]!;
    expect(buttonLabels(offer)).toEqual(['Block Jane', 'Block TrainingZone']);
    await s.engine.handle(handPress(s, s.karyn, buttonId(offer, 'Block Jane')));
    expect(s.lastNotice(s.karyn)).toContain('for someone else');
    await s.world.press(s.guildAdmin, offer.id, 'Block Jane');
    expect(s.lastNotice(s.guildAdmin)).toContain('Blocked: Jane (TrainingZone)');

    await s.world.command(s.jane, s.anyAnswers, 'ask', 'Any tips on running a learning circle? #learning');
    await s.settle();
    expect(copyOf(s, s.askAround, 'learning circle')).toBeUndefined();
    expect(dmsWith(s, s.sam, 'learning circle')).toHaveLength(0);
    expect(copyOf(s, m.help, 'learning circle')).toBeDefined();

    // Her replies do not reach L&D Guild's questions; Tess's (not blocked) do.
    await s.world.command(s.harold, s.askAround, 'ask', 'Who knows a good facilitator?');
    await s.settle();
    const harolds = s.last(s.askAround);
    const inTz = copyOf(s, s.anyAnswers, 'good facilitator')!;
    await s.world.say(s.jane, s.thread(inTz), 'Jane says: try Alex.');
    await s.world.say(s.tzAdmin, s.thread(inTz), 'Tess says: try Robin.');
    await digest(s);
    const digestText = s
      .botPosts(s.thread(harolds))
      .map((x) => x.text)
      .join('\n');
    expect(digestText).toContain('try Robin');
    expect(digestText).not.toContain('try Alex');
    expect(await records(s)).toEqual(['block', 'remove-copy']);
  });

  it('blocks, lists and unblocks a whole community by command, for admins only', async () => {
    const { s } = await opened(kind);
    await s.world.command(s.karyn, s.askAround, 'feelers', 'block TrainingZone');
    expect(s.lastNotice(s.karyn)).toContain('Only an admin');
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'block Nowhere');
    expect(s.lastNotice(s.guildAdmin)).toContain('No connected community is called "Nowhere"');
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'block trainingzone');
    expect(s.lastNotice(s.guildAdmin)).toContain('Blocked: TrainingZone');
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'blocks');
    expect(s.lastNotice(s.guildAdmin)).toContain('1. TrainingZone (the whole community)');

    await s.world.command(s.tzAdmin, s.anyAnswers, 'ask', 'Blocked question about onboarding?');
    await s.settle();
    expect(copyOf(s, s.askAround, 'Blocked question')).toBeUndefined();

    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'unblock 7');
    expect(s.lastNotice(s.guildAdmin)).toContain('by its number');
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'unblock 1');
    expect(s.lastNotice(s.guildAdmin)).toContain('Unblocked: TrainingZone');
    await s.world.command(s.tzAdmin, s.anyAnswers, 'ask', 'Unblocked question about onboarding?');
    await s.settle();
    expect(copyOf(s, s.askAround, 'Unblocked question')).toBeDefined();
    expect(await records(s)).toEqual(['block', 'unblock']);
  });

  it('sends a Report to the admins feelers has seen in the asker’s community, and to the operators', async () => {
    const { s, copy } = await opened(kind);
    await s.world.press(s.karyn, copy.id, 'Report');
    await s.settle();
    expect(s.lastNotice(s.karyn)).toContain("TrainingZone's admins and feelers' operators");
    // Tess connected TrainingZone's channel as its admin: she is told; Jane (no admin) is not.
    const told = dmsWith(s, s.tzAdmin, 'reported a copy');
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain('Someone in L&D Guild reported');
    expect(told[0]!.text).not.toContain('Karyn');
    expect(dmsWith(s, s.jane, 'reported a copy')).toHaveLength(0);
    // Reported twice, recorded once.
    await s.world.press(s.karyn, copy.id, 'Report');
    await s.settle();
    expect(dmsWith(s, s.tzAdmin, 'reported a copy')).toHaveLength(1);
    const log = (await s.engine.operator.moderation(1, 50)).entries;
    expect(log.map((e) => [e.action, e.by.role === 'operator' ? '' : e.by.person.name])).toEqual([['report', 'Karyn']]);
  });

  it('records the operators’ console actions too: close, disconnect, pause and resume prods', async () => {
    const { s } = await opened(kind);
    const [askId] = await s.openAsks();
    const ops = { operator: 'console-test' };
    expect(await s.engine.operator.closeAsk(askId!, ops)).toBe('closed');
    expect(await s.engine.operator.disconnectGround(s.askAround, ops)).toBe('disconnected');
    expect(await s.engine.operator.pauseProds(s.harold, true, ops)).toBe('paused');
    expect(await s.engine.operator.pauseProds(s.harold, false, ops)).toBe('resumed');
    // Refused actions change nothing and record nothing.
    expect(await s.engine.operator.closeAsk(askId!, ops)).toBe('not_open');
    const log = (await s.engine.operator.moderation(1, 50)).entries;
    expect(log.map((e) => e.action).sort()).toEqual(['close-ask', 'disconnect-ground', 'pause-prods', 'resume-prods']);
    expect(log.every((e) => e.by.role === 'operator' && e.by.operator === 'console-test')).toBe(true);
    expect(JSON.stringify(log)).not.toContain('Harold');
  });

  it('says so when no admin of the asker’s community is known: the operators alone are told', async () => {
    const { s } = await opened(kind);
    const m = await makers(s);
    const maker = s.world.addMember('south', 'G3', { id: 'U-pat', name: 'Pat' });
    await s.world.command(maker, m.help, 'ask', 'Who repairs old looms?');
    await s.settle();
    // Mo acted as Makers' admin when connecting its channel: Makers has an admin to tell.
    const inTz = copyOf(s, s.anyAnswers, 'old looms')!;
    await s.world.press(s.jane, inTz.id, 'Report');
    expect(s.lastNotice(s.jane)).toContain("Makers's admins");
    // A community nobody has acted as admin in yet.
    s.world.addCommunity('south', { id: 'G4', name: 'Quiet' });
    const quiet = s.world.addChannel('south', 'G4', { id: 'C-quiet', name: 'q' });
    const q = s.world.addMember('south', 'G4', { id: 'U-q', name: 'Quinn', manages: ['C-quiet'] });
    await s.world.command(q, quiet, 'feelers', 'connect');
    await s.world.command(q, quiet, 'ask', 'Who teaches knitting?');
    await s.settle();
    await s.world.press(s.jane, copyOf(s, s.anyAnswers, 'knitting')!.id, 'Report');
    expect(s.lastNotice(s.jane)).toContain('feelers knows no admin of Quiet');
  });
});
