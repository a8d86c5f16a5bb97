import { describe, expect, it } from 'vitest';
import type { CommandEvent } from '../../src/ports/events.js';
import type { PersonRef } from '../../src/ports/places.js';
import type { Story } from '../support/core.js';
import { ask, buttonId, copyOf, DAY, digest, guildMember, handPress, measure, storyPerTest } from '../support/core-steps.js';

const started = storyPerTest();

describe('connect and disconnect', () => {
  it('refuses connect from someone without rights, with a notice, and stores nothing', async () => {
    const st = await started();
    await st.world.command(st.tzAdmin, st.anyAnswers, 'feelers', 'connect');
    await st.world.command(st.karyn, st.askAround, 'feelers', 'connect');
    expect(st.lastNotice(st.karyn)).toContain('Only admins and people who can manage this channel');
    expect(await st.engine.ctx.repo.ground(st.askAround)).toBeUndefined();
    await ask(st, st.jane, st.anyAnswers, 'Anyone out there? #learning');
    expect(st.botPosts(st.askAround)).toHaveLength(0);
  });

  it('lets a channel manager connect that channel, but not another one', async () => {
    const st = await started();
    const other = st.world.addChannel('south', 'G1', { id: 'C-other', name: 'other' });
    const mod = guildMember(st, 'U-mod', 'Mo', { manages: ['C-ask'] });
    await st.world.command(mod, other, 'feelers', 'connect');
    expect(st.lastNotice(mod)).toContain('Only admins');
    await st.world.command(mod, st.askAround, 'feelers', 'connect');
    expect(st.lastNotice(mod)).toContain('Connected');
    await ask(st, st.jane, st.anyAnswers, 'Managers may connect? #learning');
    expect(copyOf(st, st.askAround, 'Managers may connect')).toBeDefined();
    expect(st.botPosts(other)).toHaveLength(0);
  });

  it('refuses disconnect from someone without rights: the ground keeps receiving asks', async () => {
    const st = await started();
    await st.connectBoth();
    await st.world.command(st.karyn, st.askAround, 'feelers', 'disconnect');
    expect(st.lastNotice(st.karyn)).toContain('Only admins');
    await ask(st, st.jane, st.anyAnswers, 'Still connected? #learning');
    expect(copyOf(st, st.askAround, 'Still connected')).toBeDefined();
  });

  it('lets anyone connect and disconnect when the settings allow it', async () => {
    const st = await started('memory', { connect: { allowAnyone: true } });
    await st.world.command(st.karyn, st.askAround, 'feelers', 'connect');
    expect(st.lastNotice(st.karyn)).toContain('Connected');
    await ask(st, st.jane, st.anyAnswers, 'Open house? #learning');
    expect(copyOf(st, st.askAround, 'Open house')).toBeDefined();
    await st.world.command(st.maria, st.askAround, 'feelers', 'disconnect');
    expect(st.lastNotice(st.maria)).toContain('Disconnected');
    await ask(st, st.jane, st.anyAnswers, 'Closed house? #learning');
    expect(copyOf(st, st.askAround, 'Closed house')).toBeUndefined();
  });

  it('refuses connect in a direct message (the event says direct)', async () => {
    const st = await started();
    const dm = st.world.dmPlace(st.guildAdmin);
    const m = st.world.member(st.guildAdmin);
    const event: CommandEvent = {
      kind: 'command',
      id: 'hand:connect-in-dm',
      name: 'feelers',
      text: 'connect',
      direct: true,
      place: dm,
      actor: { ...st.guildAdmin, name: m.name, isBot: false, isSelf: false, rights: { admin: true, manageChannel: false } },
    };
    await st.engine.handle(event);
    expect(st.lastNotice(st.guildAdmin)).toContain('not in a direct message');
    expect(await st.engine.ctx.repo.allGrounds()).toEqual([]);
  });

  // Needs the adapter to mark a command typed in a DM as `direct` (adapters/memory/parse.ts).
  it('refuses connect typed in a DM with the bot, as a person types it', async () => {
    const st = await started();
    await st.world.command(st.guildAdmin, st.world.dmPlace(st.guildAdmin), 'feelers', 'connect');
    expect(st.lastNotice(st.guildAdmin)).toContain('not in a direct message');
    expect(await st.engine.ctx.repo.allGrounds()).toEqual([]);
  });
});

/** A refused press: one private notice to the presser, nothing else anywhere. */
async function refused(st: Story, presser: PersonRef, press: () => Promise<unknown>): Promise<void> {
  const { before, after } = await measure(st, press);
  expect(after).toEqual({ ...before, notices: before.notices + 1 });
  const last = st.world.notices[st.world.notices.length - 1];
  expect(last).toMatchObject({ network: presser.network, community: presser.community, user: presser.user });
  expect(last?.text).toContain('for someone else');
}

describe('who may press which button', () => {
  async function asked(st: Story) {
    await st.connectBoth();
    const card = await ask(st, st.jane, st.anyAnswers, 'Who measures learning impact well? #learning');
    const copy = st.last(st.askAround);
    return { card, copy };
  }

  it('lets only the asker Close', async () => {
    const st = await started();
    const { card, copy } = await asked(st);
    await refused(st, st.tzAdmin, () => st.world.press(st.tzAdmin, card.id, 'Close'));
    // Still open: a reply is collected and digested.
    await st.world.say(st.harold, st.thread(copy), 'Still open, I hope.');
    expect(await digest(st)).toBe(1);
    expect(st.last(st.thread(card)).text).toContain('Still open, I hope.');
  });

  it('lets only the asker Extend', async () => {
    const st = await started();
    const { card } = await asked(st);
    st.clock.advance(13 * DAY + 60_000);
    await st.engine.expirySweep();
    await st.settle();
    const warning = st.lastDm(st.jane);
    const extendId = buttonId(warning, 'Extend 14 days');
    await refused(st, st.tzAdmin, () => st.engine.handle(handPress(st, st.tzAdmin, extendId)));
    await refused(st, st.harold, () => st.engine.handle(handPress(st, st.harold, buttonId(warning, 'Close now'))));
    // Not extended: it expires on the original date.
    st.clock.advance(DAY);
    expect(await st.engine.expirySweep()).toEqual({ warned: 0, expired: 1 });
    await st.settle();
    expect(st.world.message(card.id)?.text).toContain('Expired');
  });

  it('lets only the asker Request intro, and only the responder Share or Decline', async () => {
    const st = await started();
    const { card, copy } = await asked(st);
    await st.world.command(st.harold, st.askAround, 'feelers', 'contact harold@guild.example');
    await st.world.say(st.harold, st.thread(copy), 'We run impact reviews quarterly.');
    await digest(st);
    const digestMsg = st.last(st.thread(card));
    await refused(st, st.tzAdmin, () => st.world.press(st.tzAdmin, digestMsg.id, 'Request intro'));

    await st.world.press(st.jane, digestMsg.id, 'Request intro');
    await st.settle();
    const request = st.lastDm(st.harold);
    const share = buttonId(request, 'Share my contact');
    const decline = buttonId(request, 'Decline');
    await refused(st, st.karyn, () => st.engine.handle(handPress(st, st.karyn, share)));
    await refused(st, st.jane, () => st.engine.handle(handPress(st, st.jane, share)));
    await refused(st, st.karyn, () => st.engine.handle(handPress(st, st.karyn, decline)));
    expect(st.world.everything().join('\n')).not.toContain('harold@guild.example');

    // Harold's own press still works: nothing was used up by the refused ones.
    await st.world.press(st.harold, request.id, 'Share my contact');
    await st.settle();
    expect(st.lastDm(st.jane).text).toContain('harold@guild.example');
  });

  it('lets only the asker Accept intro on an offer', async () => {
    const st = await started();
    const { card, copy } = await asked(st);
    await st.world.command(st.harold, st.askAround, 'feelers', 'contact harold@guild.example');
    await st.world.press(st.harold, copy.id, 'I can help');
    await digest(st);
    const digestMsg = st.last(st.thread(card));
    await refused(st, st.tzAdmin, () => st.world.press(st.tzAdmin, digestMsg.id, 'Accept intro'));
    await refused(st, st.tzAdmin, () => st.world.press(st.tzAdmin, digestMsg.id, 'Decline'));
    expect(st.world.everything().join('\n')).not.toContain('harold@guild.example');
    await st.world.press(st.jane, digestMsg.id, 'Accept intro');
    await st.settle();
    expect(st.lastDm(st.jane).text).toContain('harold@guild.example');
  });

  it('refuses "Make it a new question" pressed by anyone but the one who wrote the DM', async () => {
    const st = await started();
    await st.connectBoth();
    await st.world.command(st.sam, st.askAround, 'feelers', 'topics learning');
    await ask(st, st.jane, st.anyAnswers, 'Who runs peer coaching? #learning');
    await st.world.dm(st.sam, 'We do, every Friday.');
    await st.settle();
    const joined = st.lastDm(st.sam);
    const id = buttonId(joined, 'Make it a new question');
    await refused(st, st.maria, () => st.engine.handle(handPress(st, st.maria, id)));
  });
});
