import { afterEach, describe, expect, it } from 'vitest';
import type { Place } from '../../src/ports/places.js';
import { buttonLabels, type Story } from '../support/core.js';
import { ask, copyOf, DAY, dmsWith, handPress, HOUR, startStory } from '../support/core-steps.js';
import type { StoreKind } from '../support/core.js';

/**
 * Escalation from the asker's side (src/core/escalation.ts): a question nobody answered widens
 * after the community's wait, first to channels on near topics, then to channels that take
 * every topic; the asker is told each time and can stop it; a restart changes nothing.
 */

let s: Story | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const QUESTION = 'How do you onboard people who start remotely? #onboarding';
const NOTICE = 'Nobody has answered your question yet, so feelers sent it to';

interface Net {
  st: Story;
  /** Takes #onboarding: has the ask from the start. */
  starters: Place;
  /** #onboarding-remote: near by a shared word. */
  remote: Place;
  /** #culture: near because earlier asks carried #onboarding and #culture together. */
  culture: Place;
  /** #hiring: not near; never reached. */
  hiring: Place;
}

async function network(kind: StoreKind, over: Parameters<typeof startStory>[1] = {}): Promise<Net> {
  const st = await startStory(kind, over);
  s = st;
  const w = st.world;
  const starters = w.addChannel('south', 'G1', { id: 'C-starters', name: 'starters' });
  const remote = w.addChannel('south', 'G1', { id: 'C-remote', name: 'remote' });
  const culture = w.addChannel('south', 'G1', { id: 'C-culture', name: 'culture' });
  const hiring = w.addChannel('south', 'G1', { id: 'C-hiring', name: 'hiring' });
  await w.command(st.tzAdmin, st.anyAnswers, 'feelers', 'connect hiring');
  await w.command(st.guildAdmin, starters, 'feelers', 'connect onboarding');
  await w.command(st.guildAdmin, remote, 'feelers', 'connect onboarding-remote');
  await w.command(st.guildAdmin, culture, 'feelers', 'connect culture');
  await w.command(st.guildAdmin, hiring, 'feelers', 'connect hiring');
  // Two earlier asks carried #onboarding and #culture together; each was answered, so neither widens.
  for (const n of [1, 2]) {
    await ask(st, st.karyn, st.askAround, `Earlier ${n}: onboarding into our culture? #onboarding #culture`);
    const copy = copyOf(st, starters, `Earlier ${n}`);
    if (!copy) throw new Error('no earlier copy');
    await w.say(st.maria, st.thread(copy), 'Buddies, and a culture deck.');
  }
  return { st, starters, remote, culture, hiring };
}

async function sweep(st: Story): Promise<void> {
  await st.engine.expirySweep();
  await st.settle();
}

describe('escalation: an unanswered question widens', () => {
  it('widens to near topics after 24 hours, then to channels taking every topic, telling the asker each time; a restart changes nothing', async () => {
    const { st, starters, remote, culture, hiring } = await network('sqlite');
    await ask(st, st.jane, st.anyAnswers, QUESTION);
    expect(copyOf(st, starters, 'onboard people')).toBeDefined();
    // A channel taking every topic, connected after the question was asked.
    const general = st.world.addChannel('south', 'G1', { id: 'C-general', name: 'general' });
    await st.world.command(st.guildAdmin, general, 'feelers', 'connect');

    st.clock.advance(23 * HOUR);
    await sweep(st);
    expect(dmsWith(st, st.jane, NOTICE)).toHaveLength(0);

    st.clock.advance(HOUR);
    await sweep(st);
    const first = dmsWith(st, st.jane, NOTICE);
    expect(first).toHaveLength(1);
    expect(first[0]?.text).toContain('2 more channels in 1 community whose topics are near yours (#culture #onboarding-remote)');
    expect(buttonLabels(first[0]!)).toEqual(['Stop widening']);
    expect(copyOf(st, remote, 'onboard people')?.text).toContain(
      "Nobody has answered this in 24 hours, and this channel's topics are near its own, so feelers widened it to you.",
    );
    expect(copyOf(st, culture, 'onboard people')).toBeDefined();
    expect(copyOf(st, general, 'onboard people')).toBeUndefined();

    await st.restart();
    await sweep(st);
    expect(dmsWith(st, st.jane, NOTICE)).toHaveLength(1);
    expect(st.botPosts(remote).filter((m) => m.text.includes('onboard people'))).toHaveLength(1);

    st.clock.advance(DAY);
    await sweep(st);
    const notices = dmsWith(st, st.jane, NOTICE);
    expect(notices).toHaveLength(2);
    expect(notices[1]?.text).toContain('1 more channel in 1 community that take questions on every topic');
    expect(copyOf(st, general, 'onboard people')?.text).toContain('Nobody has answered this in 48 hours, so feelers widened it');
    expect(copyOf(st, hiring, 'onboard people')).toBeUndefined();

    // Two widenings at most.
    st.clock.advance(DAY);
    await sweep(st);
    expect(dmsWith(st, st.jane, NOTICE)).toHaveLength(2);
  });

  it('stops when the asker presses Stop widening, and only the asker may', async () => {
    const { st, remote } = await network('memory');
    const general = st.world.addChannel('south', 'G1', { id: 'C-general', name: 'general' });
    await ask(st, st.jane, st.anyAnswers, QUESTION);
    await st.world.command(st.guildAdmin, general, 'feelers', 'connect');
    st.clock.advance(DAY);
    await sweep(st);
    const [notice] = dmsWith(st, st.jane, NOTICE);
    if (!notice) throw new Error('no notice');
    expect(copyOf(st, remote, 'onboard people')).toBeDefined();
    const stopId = notice.card?.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons.map((x) => x.id) : []))[0] ?? '';
    await st.engine.handle(handPress(st, st.sam, stopId));
    expect(st.lastNotice(st.sam)).toBe('This button is for someone else, so nothing happened.');
    await st.world.press(st.jane, notice.id, 'Stop widening');
    expect(st.lastNotice(st.jane)).toContain('your question stays where it is now');
    st.clock.advance(2 * DAY);
    await sweep(st);
    expect(dmsWith(st, st.jane, NOTICE)).toHaveLength(1);
    expect(copyOf(st, general, 'onboard people')).toBeUndefined();
  });

  it('never widens a question someone answered', async () => {
    const { st, starters, remote } = await network('memory');
    await ask(st, st.jane, st.anyAnswers, QUESTION);
    const copy = copyOf(st, starters, 'onboard people');
    if (!copy) throw new Error('no copy');
    await st.world.say(st.sam, st.thread(copy), 'A buddy and a checklist.');
    st.clock.advance(2 * DAY);
    await sweep(st);
    expect(dmsWith(st, st.jane, NOTICE)).toHaveLength(0);
    expect(copyOf(st, remote, 'onboard people')).toBeUndefined();
  });

  it("follows the community's own wait, which only its admins set, and refuses a bad one with what to type", async () => {
    const { st, remote } = await network('memory');
    await st.world.command(st.jane, st.anyAnswers, 'feelers', 'escalation 2');
    expect(st.lastNotice(st.jane)).toBe("Only this community's admins can change when its unanswered questions widen.");
    await st.world.command(st.tzAdmin, st.anyAnswers, 'feelers', 'escalation soon');
    expect(st.lastNotice(st.tzAdmin)).toContain('Write a whole number of hours from 1 to 336, or off');
    await st.world.command(st.tzAdmin, st.anyAnswers, 'feelers', 'escalation 2');
    expect(st.lastNotice(st.tzAdmin)).toContain('widen after 2 hours');
    await ask(st, st.jane, st.anyAnswers, QUESTION);
    st.clock.advance(2 * HOUR);
    await sweep(st);
    expect(dmsWith(st, st.jane, NOTICE)[0]?.text).toContain('If nobody answers in another 2 hours, it widens once more.');
    expect(copyOf(st, remote, 'onboard people')).toBeDefined();

    await st.world.command(st.tzAdmin, st.anyAnswers, 'feelers', 'escalation off');
    await ask(st, st.jane, st.anyAnswers, `Second: ${QUESTION}`);
    st.clock.advance(3 * DAY);
    await sweep(st);
    expect(dmsWith(st, st.jane, NOTICE)).toHaveLength(1);
  });

  it("takes a community's wait from the YAML, and its admins' setting in chat over it", async () => {
    const { st, remote } = await network('memory', { escalation: { afterHours: 24, communities: { 'north:T1': 3 } } });
    await st.world.command(st.jane, st.anyAnswers, 'feelers', 'escalation');
    expect(st.lastNotice(st.jane)).toBe("This community's unanswered questions widen after 3 hours.");
    await ask(st, st.jane, st.anyAnswers, QUESTION);
    st.clock.advance(3 * HOUR);
    await sweep(st);
    expect(copyOf(st, remote, 'onboard people')).toBeDefined();

    await st.world.command(st.tzAdmin, st.anyAnswers, 'feelers', 'escalation 30');
    await st.world.command(st.jane, st.anyAnswers, 'feelers', 'escalation');
    expect(st.lastNotice(st.jane)).toBe("This community's unanswered questions widen after 30 hours.");
  });
});
