import { afterEach, describe, expect, it } from 'vitest';
import { buttonLabels, Story, type StoreKind } from '../support/core.js';
import { askedAndCopiedOn, askedAndCopiedPerTest } from '../support/core-steps.js';

/** Introductions with double opt-in: nothing is shared before both sides said yes (src/core/intros.ts). */
describe.each<StoreKind>(['memory', 'sqlite'])('introductions (%s store)', (kind) => {
  let s: Story;
  const opened = askedAndCopiedPerTest();

  async function askedAndCopied() {
    const o = await opened(kind);
    s = o.s;
    return o;
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
    expect(buttonLabels(request)).toEqual(['Share my contact', 'Not now', 'Decline']);
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

/** A contact passes on only as its owner holds it when it is released, and only while they still consent. */
describe('a contact withdrawn before its release', () => {
  let s: Story;
  afterEach(async () => s?.close());

  /** Harold offers to help with his contact set, and Jane sees the offer in a digest. */
  async function offered(): Promise<{ digestId: string }> {
    const opened = await askedAndCopiedOn('memory');
    s = opened.s;
    await s.world.command(s.harold, s.askAround, 'feelers', 'contact harold@guild.example');
    await s.world.press(s.harold, opened.copy.id, 'I can help');
    await s.engine.digestTick();
    await s.settle();
    return { digestId: s.last(s.thread(opened.card)).id };
  }

  async function requested(): Promise<{ requestId: string }> {
    const r = await introRequested();
    s = r.s;
    return r;
  }

  it.each(['contact clear', 'forget-me'])('is not released when the helper runs /feelers %s after offering', async (command) => {
    const { digestId } = await offered();
    await s.world.command(s.harold, s.askAround, 'feelers', command);
    await s.settle();
    expect(s.lastDm(s.jane).text).toContain('Harold (L&D Guild) is no longer available for an introduction');
    expect(s.lastDm(s.jane).text).toContain('Nothing was shared');
    await s.world.press(s.jane, digestId, 'Accept intro');
    await s.settle();
    expect(s.lastNotice(s.jane)).toContain('withdrew');
    expect(s.world.everything().join('\n')).not.toContain('harold@guild.example');
  });

  it.each(['contact clear', 'forget-me'])('is not released when the asker runs /feelers %s after requesting', async (command) => {
    const { requestId } = await requested();
    await s.world.command(s.jane, s.anyAnswers, 'feelers', command);
    await s.settle();
    expect(s.lastDm(s.harold).text).toContain('Jane has withdrawn the introduction request');
    await s.world.press(s.harold, requestId, 'Share my contact');
    await s.settle();
    expect(s.lastNotice(s.harold)).toContain('withdrawn');
    expect(s.world.everything().join('\n')).not.toContain('jane@tz.example');
  });

  it('releases the contact as its owner holds it at the moment of release', async () => {
    const { digestId } = await offered();
    await s.world.command(s.harold, s.askAround, 'feelers', 'contact harold.new@guild.example');
    await s.world.press(s.jane, digestId, 'Accept intro');
    await s.settle();
    expect(s.lastDm(s.jane).text).toContain('harold.new@guild.example');
    expect(s.world.everything().join('\n')).not.toContain('harold@guild.example');
  });
});

/** A request is answered as people do: yes, not now, or no; and one left unanswered lapses. */
describe('an introduction request', () => {
  let s: Story;
  afterEach(async () => s?.close());

  async function requested(): Promise<{ requestId: string }> {
    const r = await introRequested();
    s = r.s;
    return r;
  }

  it('offers Share my contact, Not now and Decline; Not now shares nothing and leaves the door open', async () => {
    const { requestId } = await requested();
    expect(buttonLabels(s.world.message(requestId)!)).toEqual(['Share my contact', 'Not now', 'Decline']);
    await s.world.press(s.harold, requestId, 'Not now');
    await s.settle();
    expect(s.lastDm(s.jane).text).toContain("Harold can't answer your introduction request right now");
    expect(s.world.everything().join('\n')).not.toMatch(/harold@guild\.example|jane@tz\.example/);
    await s.world.press(s.harold, requestId, 'Share my contact');
    await s.settle();
    expect(s.lastDm(s.jane).text).toContain('harold@guild.example');
  });

  const janesDms = (): string =>
    s.world
      .dmsTo(s.jane)
      .map((m) => m.text)
      .join('\n');

  it('lapses after 14 days without an answer; the asker is told, and nothing is shared after', async () => {
    const { requestId } = await requested();
    s.clock.advance(13 * 24 * 3600_000);
    await s.engine.expirySweep();
    await s.settle();
    expect(janesDms()).not.toContain('lapsed');
    s.clock.advance(2 * 24 * 3600_000);
    await s.engine.expirySweep();
    await s.settle();
    expect(janesDms()).toContain('Your introduction request to Harold got no answer in 14 days');
    await s.world.press(s.harold, requestId, 'Share my contact');
    await s.settle();
    expect(s.lastNotice(s.harold)).toContain('lapsed');
    expect(s.world.everything().join('\n')).not.toMatch(/harold@guild\.example|jane@tz\.example/);
  });
});

/** Both contacts set; Harold replied, and Jane requested an intro to him: Harold has the request. */
async function introRequested(): Promise<{ s: Story; requestId: string }> {
  const { s, card, copy } = await askedAndCopiedOn('memory');
  await s.world.command(s.jane, s.anyAnswers, 'feelers', 'contact jane@tz.example');
  await s.world.command(s.harold, s.askAround, 'feelers', 'contact harold@guild.example');
  await s.world.say(s.harold, s.thread(copy), 'Ask me about communities of practice.');
  await s.engine.digestTick();
  await s.settle();
  await s.world.press(s.jane, s.last(s.thread(card)).id, 'Request intro');
  await s.settle();
  return { s, requestId: s.lastDm(s.harold).id };
}
