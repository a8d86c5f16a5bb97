import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../adapters/memory/world-types.js';
import type { ActionEvent } from '../../src/ports/events.js';
import type { PersonRef } from '../../src/ports/places.js';
import { Story } from '../support/core.js';

const HAROLD_CONTACT = 'harold-private@guild.example';
const JANE_CONTACT = 'jane-private@tz.example';

/** A story with Jane's ask out, a copy in ask-around, and both contacts set. */
async function setUp(): Promise<{ s: Story; copy: StoredMessage; card: StoredMessage }> {
  const s = await new Story('memory').start();
  await s.connectBoth();
  await s.world.command(s.harold, s.askAround, 'feelers', `contact ${HAROLD_CONTACT}`);
  await s.world.command(s.jane, s.anyAnswers, 'feelers', `contact ${JANE_CONTACT}`);
  await s.world.command(s.jane, s.anyAnswers, 'ask', 'Who has a real culture of collaborative learning? #learning');
  await s.settle();
  return { s, copy: s.last(s.askAround), card: s.last(s.anyAnswers) };
}

/** Every bot message with buttons that this person can see. */
function visibleButtons(s: Story, who: PersonRef): { message: StoredMessage; label: string }[] {
  return [...s.world.messages.values()]
    .filter((m) => m.byBot && !m.deleted && m.network === who.network && m.community === who.community)
    .filter((m) => !m.direct || m.channel === s.world.dmPlace(who).channel)
    .flatMap((m) =>
      (m.card?.blocks ?? []).flatMap((b) => (b.type === 'buttons' ? b.buttons.map((x) => ({ message: m, label: x.label })) : [])),
    );
}

type Step =
  | { kind: 'reply'; who: 'harold' | 'karyn' | 'sam'; n: number }
  | { kind: 'press'; who: 'jane' | 'harold' | 'karyn' | 'tzAdmin'; pick: number }
  | { kind: 'tick' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('reply' as const),
    who: fc.constantFrom('harold' as const, 'karyn' as const, 'sam' as const),
    n: fc.nat(99),
  }),
  fc.record({
    kind: fc.constant('press' as const),
    who: fc.constantFrom('jane' as const, 'harold' as const, 'karyn' as const, 'tzAdmin' as const),
    pick: fc.nat(),
  }),
  fc.constant({ kind: 'tick' as const }),
);

let unique = 0;

async function run(s: Story, copy: StoredMessage, st: Step): Promise<string | undefined> {
  unique++;
  if (st.kind === 'tick') {
    s.clock.advance(600_000);
    await s.engine.digestTick();
  } else if (st.kind === 'reply') {
    await s.world.say(s[st.who], s.thread(copy), `answer ${st.n}-${unique} from ${st.who}`);
  } else {
    const who = s[st.who];
    const options = visibleButtons(s, who);
    const choice = options[st.pick % Math.max(1, options.length)];
    if (!choice) return undefined;
    const form =
      choice.label === 'I know someone'
        ? { person: s.sam }
        : choice.label === 'Answer'
          ? { text: `form answer ${unique} from ${st.who}` }
          : undefined;
    await s.world.press(who, choice.message.id, choice.label, form).catch(() => undefined);
    await s.settle();
    return `${st.who}:${choice.label}`;
  }
  await s.settle();
  return undefined;
}

describe('properties', () => {
  it('a contact reaches nobody before its owner consented, and then only the other side of the intro', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const { s, copy } = await setUp();
        try {
          let haroldShared = false;
          let haroldOffered = false;
          let janeAccepted = false;
          let janeConsented = false;
          for (const st of steps) {
            const pressed = await run(s, copy, st);
            if (pressed === 'harold:Share my contact') haroldShared = true;
            if (pressed === 'harold:I can help') haroldOffered = true;
            if (pressed === 'jane:Accept intro') janeAccepted = true;
            if (pressed === 'jane:Request intro' || pressed === 'jane:Accept intro') janeConsented = true;
            const haroldConsented = haroldShared || (haroldOffered && janeAccepted);
            for (const m of s.world.messages.values()) {
              const texts = [m.text, ...m.history];
              if (texts.some((t) => t.includes(HAROLD_CONTACT))) {
                expect(haroldConsented, 'Harold had consented').toBe(true);
                expect(m.channel, "Harold's contact only in Jane's DMs").toBe(s.world.dmPlace(s.jane).channel);
              }
              if (texts.some((t) => t.includes(JANE_CONTACT))) {
                expect(janeConsented, 'Jane had consented').toBe(true);
                expect(m.direct, "Jane's contact only by DM").toBe(true);
              }
            }
            for (const n of s.world.notices) expect(n.text).not.toContain(HAROLD_CONTACT);
          }
        } finally {
          await s.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it("a contact reaches nobody without its owner's standing consent: withdrawals, forget-me and restarts between presses", async () => {
    const change = fc.record({
      kind: fc.constant('change' as const),
      who: fc.constantFrom('harold' as const, 'jane' as const),
      how: fc.constantFrom('contact clear', 'forget-me', 'contact set'),
    });
    // Presses by the two people whose contacts are at stake, often; changes of mind, often.
    const press = fc.record({
      kind: fc.constant('press' as const),
      who: fc.constantFrom('jane' as const, 'harold' as const),
      pick: fc.nat(),
    });
    const anyStep = fc.oneof(press, press, press, change, change, step, fc.constant({ kind: 'restart' as const }));
    await fc.assert(
      fc.asyncProperty(fc.array(anyStep, { minLength: 1, maxLength: 25 }), async (steps) => {
        // Both consents already waiting when the steps begin: Harold's offer, and Jane's
        // request for an intro to his reply; the steps may withdraw either before its release.
        const { s, copy, card } = await setUp();
        await s.world.say(s.harold, s.thread(copy), 'Learning circles.');
        await s.world.press(s.harold, copy.id, 'I can help');
        s.clock.advance(600_000);
        await s.engine.digestTick();
        await s.settle();
        await s.world.press(s.jane, s.last(s.thread(card)).id, 'Request intro');
        await s.settle();
        try {
          // Consent since the owner last withdrew it (contact clear or forget-me).
          let haroldShared = false;
          let haroldOffered = true;
          let janeAccepted = false;
          let janeConsented = true;
          const seen = new Map<string, number>();
          for (const st of steps) {
            let pressed: string | undefined;
            if (st.kind === 'restart') {
              await s.engine.stop({ drainMs: 0 });
              await s.boot();
            } else if (st.kind === 'change') {
              const where = st.who === 'harold' ? s.askAround : s.anyAnswers;
              const contact = st.who === 'harold' ? HAROLD_CONTACT : JANE_CONTACT;
              const text = st.how === 'contact set' ? `contact ${contact}` : st.how;
              await s.world.command(s[st.who], where, 'feelers', text);
              await s.settle();
              if (st.how !== 'contact set' && st.who === 'harold') [haroldShared, haroldOffered] = [false, false];
              if (st.how !== 'contact set' && st.who === 'jane') [janeAccepted, janeConsented] = [false, false];
            } else pressed = await run(s, copy, st);
            if (pressed === 'harold:Share my contact') haroldShared = true;
            if (pressed === 'harold:I can help') haroldOffered = true;
            if (pressed === 'jane:Accept intro') janeAccepted = true;
            if (pressed === 'jane:Request intro' || pressed === 'jane:Accept intro') janeConsented = true;
            const haroldConsented = haroldShared || (haroldOffered && janeAccepted);
            for (const m of s.world.messages.values()) {
              const texts = [m.text, ...m.history];
              const fresh = texts.slice(seen.get(m.id) ?? 0);
              seen.set(m.id, texts.length);
              if (fresh.some((t) => t.includes(HAROLD_CONTACT))) {
                expect(haroldConsented, `Harold's standing consent at ${JSON.stringify(st)}`).toBe(true);
                expect(m.channel, "Harold's contact only in Jane's DMs").toBe(s.world.dmPlace(s.jane).channel);
              }
              if (fresh.some((t) => t.includes(JANE_CONTACT))) {
                expect(janeConsented, `Jane's standing consent at ${JSON.stringify(st)}`).toBe(true);
                expect(m.direct, "Jane's contact only by DM").toBe(true);
              }
            }
            for (const n of s.world.notices) expect(n.text).not.toContain(HAROLD_CONTACT);
          }
        } finally {
          await s.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it("a press of someone else's button changes nothing but a private notice to the presser", async () => {
    const { s, copy, card } = await setUp();
    try {
      await s.world.say(s.harold, s.thread(copy), 'Learning circles.');
      await s.world.press(s.harold, copy.id, 'I can help');
      await s.engine.digestTick();
      await s.settle();
      const digest = s.last(s.thread(card));
      await s.world.press(s.jane, digest.id, 'Request intro');
      await s.settle();
      const request = s.lastDm(s.harold);
      const warning = await (async () => {
        s.clock.advance(13 * 24 * 3600_000 + 60_000);
        await s.engine.expirySweep();
        await s.settle();
        return s.lastDm(s.jane);
      })();
      // Every button that is meant for one person only (Retract is also for the asker's
      // community's admins, the forged presses' rights here: test/core/retract.test.ts).
      const guarded = [card, digest, request, warning].flatMap((m) =>
        (m.card?.blocks ?? []).flatMap((b) =>
          b.type === 'buttons' ? b.buttons.filter((x) => x.label !== 'Follow' && x.label !== 'Retract').map((x) => ({ m, id: x.id })) : [],
        ),
      );
      expect(guarded.length).toBeGreaterThanOrEqual(7);
      const cast: PersonRef[] = [s.tzAdmin, s.karyn, s.maria, s.sam, s.guildAdmin, s.harold, s.jane];
      await fc.assert(
        fc.asyncProperty(fc.nat(guarded.length - 1), fc.nat(cast.length - 1), fc.string(), async (bi, pi, text) => {
          const target = guarded[bi]!;
          const owner = target.m === request ? s.harold : s.jane;
          const presser = cast[pi]!;
          fc.pre(presser.user !== owner.user);
          const before = snapshot(s);
          const noticesBefore = s.world.noticesTo(presser).length;
          const event: ActionEvent = {
            kind: 'action',
            id: `forged:${bi}:${pi}:${text}:${Math.random()}`,
            actionId: target.id,
            form: { text },
            actor: { ...presser, name: 'someone', isBot: false, isSelf: false, rights: { admin: true, manageChannel: true } },
            place: presser.network === 'north' ? s.anyAnswers : s.askAround,
          };
          await s.engine.handle(event);
          await s.settle();
          expect(snapshot(s)).toEqual(before);
          expect(s.world.noticesTo(presser).length).toBe(noticesBefore + 1);
          expect(s.lastNotice(presser)).toContain('for someone else');
        }),
        { numRuns: 60 },
      );
    } finally {
      await s.close();
    }
  });

  it('a duplicated event changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 15 }), fc.array(fc.nat(), { maxLength: 10 }), async (steps, dupes) => {
        const { s, copy } = await setUp();
        try {
          const ids: string[] = [];
          const eventIds = () => [...(s.world as unknown as { events: Map<string, unknown> }).events.keys()];
          for (const st of steps) await run(s, copy, st);
          ids.push(...eventIds());
          const before = { ...snapshot(s), notices: s.world.notices.length };
          for (const d of dupes) {
            const id = ids[d % ids.length];
            if (id) await s.world.redeliver(id);
          }
          await s.settle();
          expect({ ...snapshot(s), notices: s.world.notices.length }).toEqual(before);
          // And the next digest quotes no reply twice.
          s.clock.advance(600_000);
          await s.engine.digestTick();
          await s.settle();
          const digests = [...s.world.messages.values()].filter((m) => m.byBot && m.channel === 'C-any' && m.thread);
          const lines = digests.flatMap((m) => m.text.split('\n').filter((l) => /^> (answer|form answer)/.test(l)));
          expect(new Set(lines).size).toBe(lines.length);
        } finally {
          await s.close();
        }
      }),
      { numRuns: 30 },
    );
  });
});

/** What everyone can see: every message with its text and buttons, in order. */
function snapshot(s: Story): string[] {
  return [...s.world.messages.values()].map((m) => `${m.id}|${m.channel}|${m.thread ?? ''}|${m.deleted}|${m.text}|${m.history.length}`);
}
