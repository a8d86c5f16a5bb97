import { afterEach, describe, expect, it } from 'vitest';
import type { PersonRef, Place } from '../../src/ports/places.js';
import { Story } from '../support/core.js';
import { addCoachingForum, ask, copyOf } from '../support/core-steps.js';

/**
 * Sharing policies (issue 12): TrainingZone (north), L&D Guild and the Coaching Forum (south).
 * Each choice a community's admins make with /feelers share changes exactly who receives.
 */
let s: Story;
let forum: Place;
let fiona: PersonRef;
let coach: PersonRef;
afterEach(async () => s?.close());

async function open(): Promise<Story> {
  s = new Story('memory');
  ({ forum, fiona, cora: coach } = addCoachingForum(s));
  await s.start();
  await s.connectBoth();
  await s.world.command(fiona, forum, 'feelers', 'connect');
  return s;
}

/** Which of the three channels got a copy of the question (a copy says "<who> in <community> asks:"; the ask card does not). */
function reached(piece: string): string[] {
  const copied = (place: Place) => s.botPosts(place).some((m) => m.text.includes(piece) && / in .+ asks:/.test(m.text));
  return (
    [
      ['TrainingZone', s.anyAnswers],
      ['L&D Guild', s.askAround],
      ['Coaching Forum', forum],
    ] as const
  ).flatMap(([name, place]) => (copied(place) ? [name] : []));
}

async function share(who: PersonRef, where: Place, setting: string): Promise<string> {
  await s.world.command(who, where, 'feelers', `share ${setting}`);
  return s.lastNotice(who);
}

describe('sharing policies', () => {
  it('by default every community sends to and receives from every other', async () => {
    await open();
    await ask(s, s.jane, s.anyAnswers, 'Default reach?');
    expect(reached('Default reach?')).toEqual(['L&D Guild', 'Coaching Forum']);
    expect(await share(s.jane, s.anyAnswers, '')).toContain("Our members' asks go to every community.");
  });

  it('"send only" limits where our asks go, and nothing else', async () => {
    await open();
    expect(await share(s.tzAdmin, s.anyAnswers, 'send only l&d guild')).toContain("Saved. Our members' asks go to only L&D Guild.");
    await ask(s, s.jane, s.anyAnswers, 'Only the Guild?');
    expect(reached('Only the Guild?')).toEqual(['L&D Guild']);
    // Others still send to TrainingZone.
    await ask(s, coach, forum, 'From the Forum?');
    expect(reached('From the Forum?')).toEqual(['TrainingZone', 'L&D Guild']);
  });

  it('"receive only" limits whose asks reach us; both sides must agree', async () => {
    await open();
    expect(await share(fiona, forum, 'receive only L&D Guild')).toContain('We receive asks from only L&D Guild.');
    await ask(s, s.jane, s.anyAnswers, 'Reach the Forum?');
    expect(reached('Reach the Forum?')).toEqual(['L&D Guild']);
    await ask(s, s.harold, s.askAround, 'From the Guild?');
    expect(reached('From the Guild?')).toEqual(['TrainingZone', 'Coaching Forum']);
    // The Guild stops sending to the Forum: the Forum's wish alone is not enough.
    await share(s.guildAdmin, s.askAround, 'send only TrainingZone');
    await ask(s, s.karyn, s.askAround, 'Guild again?');
    expect(reached('Guild again?')).toEqual(['TrainingZone']);
    // And back to everyone.
    await share(fiona, forum, 'receive all');
    await share(s.guildAdmin, s.askAround, 'send all');
    await ask(s, s.sam, s.askAround, 'Everyone again?');
    expect(reached('Everyone again?')).toEqual(['TrainingZone', 'Coaching Forum']);
  });

  it('prods follow the policies too', async () => {
    await open();
    await s.world.command(coach, forum, 'feelers', 'topics onboarding');
    await share(s.tzAdmin, s.anyAnswers, 'send only L&D Guild');
    await ask(s, s.jane, s.anyAnswers, 'Who knows #onboarding?');
    expect(s.world.dmsTo(coach).some((m) => m.text.includes('Who knows'))).toBe(false);
    await share(s.tzAdmin, s.anyAnswers, 'send all');
    await ask(s, s.jane, s.anyAnswers, 'Anyone on #onboarding now?');
    expect(s.world.dmsTo(coach).some((m) => m.text.includes('Anyone on #onboarding now?'))).toBe(true);
  });

  it('"names hidden": our members show as "Someone in <community>" on copies, digests and referral credits; at home they keep their names', async () => {
    await open();
    await share(s.tzAdmin, s.anyAnswers, 'names hidden');
    await share(s.guildAdmin, s.askAround, 'names hidden');
    const card = await ask(s, s.jane, s.anyAnswers, 'Who runs mentoring well?');
    expect(card.text).toContain('Jane asks:');
    const copy = copyOf(s, s.askAround, 'Who runs mentoring well?')!;
    expect(copy.text).toContain('Someone in TrainingZone asks:');
    expect(JSON.stringify(copy.card)).not.toContain('Jane');
    await s.world.say(s.harold, s.thread(copy), 'Peer circles work.');
    // Karyn refers Sam, of her own community: he reads her name; the asker's digest does not.
    await s.world.press(s.karyn, copy.id, 'I know someone', { person: s.sam });
    await s.settle();
    expect(s.lastDm(s.sam).text).toContain('Karyn (L&D Guild) thought you might know');
    expect(s.lastDm(s.sam).text).toContain('Someone in TrainingZone asks:');
    await s.world.dm(s.sam, 'Ask Buurtzorg how they do it.');
    // Cora in the Forum (names shown) answers too.
    await s.world.say(coach, s.thread(copyOf(s, forum, 'Who runs mentoring well?')!), 'Pair people across teams.');
    await s.engine.digestTick();
    await s.settle();
    const digest = s.last(s.thread(card)).text;
    expect(digest).toContain('Someone in L&D Guild');
    expect(digest).toContain('Someone in L&D Guild, via Someone');
    expect(digest).not.toMatch(/Harold|Karyn|Sam/);
    expect(digest).toContain('Cora (Coaching Forum)');
  });

  it('only admins change it; unknown communities and bad settings change nothing and say why', async () => {
    await open();
    expect(await share(s.jane, s.anyAnswers, 'send only L&D Guild')).toContain('Only admins of this community can change what it shares');
    expect(await share(s.tzAdmin, s.anyAnswers, 'send only Atlantis')).toContain(
      'I don\'t know a community called "Atlantis". Known: L&D Guild (south), Coaching Forum (south). Nothing was changed.',
    );
    expect(await share(s.tzAdmin, s.anyAnswers, 'send only')).toContain('Name the communities after "only"');
    expect(await share(s.tzAdmin, s.anyAnswers, 'sideways')).toContain('I didn\'t understand "/feelers share sideways"');
    await ask(s, s.jane, s.anyAnswers, 'Still everyone?');
    expect(reached('Still everyone?')).toEqual(['L&D Guild', 'Coaching Forum']);
  });
});
