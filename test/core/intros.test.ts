import { afterEach, describe, expect, it } from 'vitest';
import { buttonLabels, Story, type StoreKind } from '../support/core.js';
import { askedAndCopiedOn } from '../support/core-steps.js';

/** Introductions with double opt-in: nothing is shared before both sides said yes (src/core/intros.ts). */
describe.each<StoreKind>(['memory', 'sqlite'])('introductions (%s store)', (kind) => {
  let s: Story;
  afterEach(async () => s?.close());

  async function askedAndCopied() {
    const opened = await askedAndCopiedOn(kind);
    s = opened.s;
    return opened;
  }

  it('introduces only after the responder shares, and both get the other contact', async () => {
    const { card, copy } = await askedAndCopied();
    await s.world.command(s.harold, s.askAround, 'feelers', 'contact harold@guild.example');
    await s.world.command(s.jane, s.anyAnswers, 'feelers', 'contact jane@tz.example');
    await s.world.say(s.harold, s.thread(copy), 'Ask me about communities of practice.');
    await s.engine.digestTick();
    await s.settle();
    const digest = s.last(s.thread(card));
    await s.world.press(s.jane, digest.id, 'Request intro');
    await s.settle();
    const request = s.lastDm(s.harold);
    expect(buttonLabels(request)).toEqual(['Share my contact', 'Decline']);
    // Before Harold answers, his contact is nowhere.
    expect(s.world.everything().join('\n')).not.toContain('harold@guild.example');
    expect(s.world.everything().join('\n')).not.toContain('jane@tz.example');

    // Jane can't press Harold's button for him.
    await s.world.press(s.jane, request.id, 'Share my contact').catch(() => undefined);
    await s.world.press(s.harold, request.id, 'Share my contact');
    await s.settle();
    expect(s.lastDm(s.jane).text).toContain('harold@guild.example');
    // The handle is there, with its @ defused by the adapter so it can't ping anyone.
    expect(s.lastDm(s.jane).text.replace(/\u200b/g, '')).toContain('@harold');
    expect(s.lastDm(s.harold).text).toContain('jane@tz.example');
    expect(s.lastDm(s.harold).text).toContain('https://tz.example/jane');
  });

  it('tells the asker kindly when the responder declines, and shares nothing', async () => {
    const { card, copy } = await askedAndCopied();
    await s.world.command(s.harold, s.askAround, 'feelers', 'contact harold@guild.example');
    await s.world.say(s.harold, s.thread(copy), 'Happy to point you at some reading.');
    await s.engine.digestTick();
    await s.settle();
    await s.world.press(s.jane, s.last(s.thread(card)).id, 'Request intro');
    await s.settle();
    await s.world.press(s.harold, s.lastDm(s.harold).id, 'Decline');
    await s.settle();
    expect(s.lastDm(s.jane).text).toContain("Harold can't take up an introduction this time");
    expect(s.lastDm(s.jane).text).toContain('Nothing was shared');
    expect(s.world.everything().join('\n')).not.toContain('harold@guild.example');
  });

  it('shows an "I can help" offer in the digest, and Accept intro exchanges contacts', async () => {
    const { card, copy } = await askedAndCopied();
    await s.world.command(s.harold, s.askAround, 'feelers', 'contact harold@guild.example');
    await s.world.press(s.harold, copy.id, 'I can help');
    expect(s.lastNotice(s.harold)).toContain('will see your offer');
    await s.engine.digestTick();
    await s.settle();
    const digest = s.last(s.thread(card));
    expect(digest.text).toContain('Harold (L&D Guild) offers to help');
    expect(buttonLabels(digest)).toEqual(['Accept intro', 'Decline']);
    expect(s.world.everything().join('\n')).not.toContain('harold@guild.example');
    await s.world.press(s.jane, digest.id, 'Accept intro');
    await s.settle();
    expect(s.lastDm(s.jane).text).toContain('harold@guild.example');
    expect(s.lastDm(s.harold).text).toContain('Jane (TrainingZone)');
  });
});
