import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Card } from '../../../src/ports/cards.js';
import type { ActionEvent, ChatEvent, CommandEvent, MessageEvent } from '../../../src/ports/events.js';
import { samePerson, threadOf, type MessageRef, type PersonRef, type Place } from '../../../src/ports/places.js';
import type { ChatAdapter } from '../../../src/ports/chat-adapter.js';

/** A message as a person on the platform sees it. */
export interface Delivered {
  /** The platform's message id (the same id a `MessageRef` carries). */
  readonly id: string;
  /** Everything shown, flattened to text: blocks, embeds, button labels. */
  readonly text: string;
}

/**
 * What an adapter's test bed gives the contract suite. Platform-neutral: the memory world,
 * a fake Slack driving Bolt, or a fake Discord driving discord.js all fit. Every doing
 * resolves once the platform accepted it; the suite itself waits for the resulting event.
 *
 * A fresh harness is made for every case: one community with a channel the bot is in,
 * two people (alice, bob) and another bot there.
 */
export interface AdapterHarness {
  /** The adapter under test, not started: the suite starts it with its own sink. */
  readonly adapter: ChatAdapter;
  /** A channel the bot is in, where alice, bob and the other bot can write. */
  readonly channel: Place;
  readonly alice: PersonRef;
  readonly bob: PersonRef;
  /** Another bot (an integration) in the same community. */
  readonly otherBot: PersonRef;

  /** `person` posts in a channel or thread (`place.thread`); returns the platform's message id. */
  say(person: PersonRef, place: Place, text: string, opts?: { replyTo?: string }): Promise<string>;
  /** `text` with the bot's mention in the platform's own syntax ("<@U0BOT> text"). */
  mentionBot(text: string): string;
  /** `person` writes to the bot privately; returns the message id. */
  dmBot(person: PersonRef, text: string): Promise<string>;
  /** A slash command (Slack) or application command (Discord) typed in `place`. */
  command(person: PersonRef, place: Place, name: 'ask' | 'feelers', text: string): Promise<void>;
  /** Press a plain button (by its card id) on a message the bot posted. */
  press(person: PersonRef, ref: MessageRef, buttonId: string): Promise<void>;
  /** Press a button that opens a form, then submit the form with this text or picked person. */
  submit(person: PersonRef, ref: MessageRef, buttonId: string, form: { text: string } | { person: PersonRef }): Promise<void>;
  /** The author edits / deletes their own message. */
  edit(person: PersonRef, messageId: string, text: string): Promise<void>;
  remove(person: PersonRef, messageId: string): Promise<void>;
  /** The bot's own user posts outside this adapter instance (another instance, an echo). */
  botSays(place: Place, text: string): Promise<string>;
  otherBotSays(place: Place, text: string): Promise<string>;
  /** Send the last event again as the platform's retry would (Slack X-Slack-Retry-Num, gateway replay). */
  redeliverLast(): Promise<void>;

  /** Platform-side reads. */
  messagesIn(place: Place): Promise<Delivered[]>;
  message(ref: MessageRef): Promise<Delivered | undefined>;
  dmsTo(person: PersonRef): Promise<Delivered[]>;
  /** Files the bot sent this person privately, oldest first, with their content as UTF-8. */
  filesTo(person: PersonRef): Promise<{ name: string; text: string }[]>;
  noticesTo(person: PersonRef): Promise<string[]>;

  /** Would this shown text ping someone on this platform? */
  isLiveMention(shown: string): boolean;
  /** A text this platform does treat as a live mention, proving `isLiveMention` can say yes. */
  readonly liveMentionSample: string;

  close(): Promise<void>;
}

/** Mention syntax of every platform we speak, in and around look-alikes. */
export const HOSTILE = [
  '@everyone',
  '@here',
  '@channel',
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!subteam^S0ADMINS>',
  '<@U0123ABCD>',
  '<@!123456789012345678>',
  '<@&123456789012345678>',
  '<#C0123>',
  '\uff20everyone',
  '@\u200beveryone',
  'mail me@everyone',
];

const WAIT_MS = 5000;

function card(text: string, extra: Partial<Card> = {}): Card {
  return { summary: text, blocks: [{ type: 'text', text }], ...extra };
}

/** What the network behind a harness cannot do, as its adapter declares in `capabilities`. */
export interface ContractOptions {
  /** The network cannot change a sent message, nor do its people edit or delete theirs (email). */
  readonly noEdits?: boolean | undefined;
  /** The network cannot delete a sent message (email): the engine then says so in the thread instead. */
  readonly noDeletes?: boolean | undefined;
  /**
   * How long an event owed by the platform may take before the case fails (default 5 s). Mail
   * goes through a real relay and mailbox, a few hops each on a loaded machine: a bound on a
   * failure, never a measured time.
   */
  readonly waitMs?: number | undefined;
}

export function runAdapterContract(name: string, makeHarness: () => Promise<AdapterHarness>, options: ContractOptions = {}): void {
  const edits = !options.noEdits;
  describe(`ChatAdapter contract: ${name}`, () => {
    let h: AdapterHarness;
    let events: ChatEvent[];
    let keySeq = 0;
    const key = (): string => `contract-${Date.now()}-${++keySeq}`;

    /** Waits for an event the platform owes us; the deadline only bounds a failure, it is not measured. */
    async function waitFor<E extends ChatEvent>(what: string, pred: (e: ChatEvent) => e is E): Promise<E>;
    async function waitFor(what: string, pred: (e: ChatEvent) => boolean): Promise<ChatEvent>;
    async function waitFor(what: string, pred: (e: ChatEvent) => boolean): Promise<ChatEvent> {
      const deadline = Date.now() + (options.waitMs ?? WAIT_MS);
      for (;;) {
        const found = events.find(pred);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no ${what} arrived; got ${events.map((e) => e.kind).join(', ') || 'nothing'}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    const message =
      (id: string) =>
      (e: ChatEvent): e is MessageEvent =>
        e.kind === 'message' && e.messageId === id;
    const action =
      (id: string) =>
      (e: ChatEvent): e is ActionEvent =>
        e.kind === 'action' && e.actionId === id;

    beforeEach(async () => {
      h = await makeHarness();
      events = [];
      await h.adapter.start(async (e) => {
        events.push(e);
      });
    });

    afterEach(async () => {
      await h.adapter.stop();
      await h.close();
    });

    it('reports health across stop and start', async () => {
      expect(h.adapter.health().connected).toBe(true);
      await h.adapter.stop();
      expect(h.adapter.health().connected).toBe(false);
      await h.adapter.start(async (e) => {
        events.push(e);
      });
      expect(h.adapter.health().connected).toBe(true);
      const id = await h.say(h.alice, h.channel, 'after restart');
      await waitFor('message after restart', message(id));
    });

    it('post returns a ref with an id, and the message is there', async () => {
      const ref = await h.adapter.post(h.channel, card('hello grounds'), { idempotencyKey: key() });
      expect(ref.id).not.toBe('');
      expect(ref).toMatchObject({ network: h.channel.network, community: h.channel.community, channel: h.channel.channel });
      expect(ref.thread).toBeUndefined();
      const shown = await h.messagesIn(h.channel);
      expect(shown.find((m) => m.id === ref.id)?.text).toContain('hello grounds');
    });

    it('a thread card opens a thread; replies in it arrive with that thread as place', async () => {
      const ref = await h.adapter.post(h.channel, card('the ask', { thread: { title: 'the ask' } }), { idempotencyKey: key() });
      expect(ref.thread).toBeDefined();
      const id = await h.say(h.alice, threadOf(ref), 'try the library');
      const e = await waitFor('thread reply', message(id));
      expect(e.place).toMatchObject({ channel: ref.channel, thread: ref.thread });
      expect(e.text).toBe('try the library');
      expect(samePerson(e.actor, h.alice)).toBe(true);
      expect(e.actor.isBot).toBe(false);
      expect(e.direct).toBe(false);
    });

    it('posts into a thread', async () => {
      const root = await h.adapter.post(h.channel, card('root', { thread: { title: 'root' } }), { idempotencyKey: key() });
      const inThread = await h.adapter.post(threadOf(root), card('a digest'), { idempotencyKey: key() });
      expect(inThread.thread).toBe(root.thread);
      const shown = await h.messagesIn(threadOf(root));
      expect(shown.map((m) => m.text).join('\n')).toContain('a digest');
      const top = await h.messagesIn(h.channel);
      expect(top.some((m) => m.id === inThread.id)).toBe(false);
    });

    it('a DM to the bot arrives as direct; a DM from the bot lands in the same conversation', async () => {
      const id = await h.dmBot(h.alice, 'can you help?');
      const e = await waitFor('DM', message(id));
      expect(e.direct).toBe(true);
      expect(e.text).toBe('can you help?');
      expect(samePerson(e.actor, h.alice)).toBe(true);
      const ref = await h.adapter.directMessage(h.alice, card('someone asked about X'), { idempotencyKey: key() });
      expect(ref.channel).toBe(e.place.channel);
      expect((await h.dmsTo(h.alice)).map((m) => m.text).join('\n')).toContain('someone asked about X');
      expect((await h.dmsTo(h.bob)).map((m) => m.text).join('\n')).not.toContain('someone asked about X');
    });

    it("a card's file reaches only that person, byte for byte, once per idempotencyKey", async () => {
      // A file never pings, and it is the reader's own data: it arrives exactly as given.
      const file = {
        name: 'data.json',
        mime: 'application/json',
        text: '{"contact":"alice@example.com","note":"@everyone <!channel> é"}\n',
      };
      const k = key();
      await h.adapter.directMessage(h.alice, card('your data', { file }), { idempotencyKey: k });
      await h.adapter.directMessage(h.alice, card('your data', { file }), { idempotencyKey: k });
      expect(await h.filesTo(h.alice)).toEqual([{ name: 'data.json', text: file.text }]);
      expect(await h.filesTo(h.bob)).toEqual([]);
      expect((await h.dmsTo(h.alice)).filter((m) => m.text.includes('your data'))).toHaveLength(1);
    });

    it.skipIf(edits)('a network without edits says so, and update leaves the message as sent', async () => {
      expect(h.adapter.capabilities?.edits).toBe(false);
      const ref = await h.adapter.post(h.channel, card('open question'), { idempotencyKey: key() });
      await h.adapter.update(ref, card('closed: thanks everyone')).catch(() => undefined);
      const shown = await h.message(ref);
      expect(shown?.text).toContain('open question');
      expect(shown?.text).not.toContain('closed: thanks');
    });

    it.skipIf(!edits)('update changes the message', async () => {
      expect(h.adapter.capabilities?.edits).not.toBe(false);
      const ref = await h.adapter.post(h.channel, card('open question'), { idempotencyKey: key() });
      await h.adapter.update(ref, card('closed: thanks everyone'));
      const shown = await h.message(ref);
      expect(shown?.text).toContain('closed: thanks');
      expect(shown?.text).not.toContain('open question');
    });

    it.skipIf(!options.noDeletes)('a network without deletes offers no delete', () => {
      // Only looked at, never called: whether the method is there at all.
      // eslint-disable-next-line @typescript-eslint/unbound-method
      expect(h.adapter.delete).toBeUndefined();
    });

    it.skipIf(options.noDeletes === true)(
      'delete takes down a post, a thread card and a DM, and a second delete of the same is no error',
      async () => {
        const adapter = h.adapter;
        if (!adapter.delete) throw new Error(`${adapter.network} cannot delete: the retraction would only replace copies`);
        const del = (ref: MessageRef) => adapter.delete?.(ref);
        const plain = await h.adapter.post(h.channel, card('retract me'), { idempotencyKey: key() });
        const threaded = await h.adapter.post(h.channel, card('retract me too', { thread: { title: 'retract' } }), {
          idempotencyKey: key(),
        });
        const dm = await h.adapter.directMessage(h.alice, card('retract my DM'), { idempotencyKey: key() });
        for (const ref of [plain, threaded, dm]) await del(ref);
        expect(await h.message(plain)).toBeUndefined();
        expect(await h.message(threaded)).toBeUndefined();
        expect((await h.messagesIn(h.channel)).map((m) => m.text).join('\n')).not.toContain('retract me');
        expect((await h.dmsTo(h.alice)).map((m) => m.text).join('\n')).not.toContain('retract my DM');
        await del(plain);
      },
    );

    it('a notice reaches only that person', async () => {
      await h.adapter.notice(h.alice, h.channel, 'only for alice');
      expect((await h.noticesTo(h.alice)).join('\n')).toContain('only for alice');
      expect((await h.noticesTo(h.bob)).join('\n')).not.toContain('only for alice');
      expect((await h.messagesIn(h.channel)).map((m) => m.text).join('\n')).not.toContain('only for alice');
    });

    it('a button press is an action with the card id and the presser', async () => {
      const c: Card = { summary: 'q', blocks: [{ type: 'buttons', buttons: [{ id: 'fol-1', label: 'Follow' }] }] };
      const ref = await h.adapter.post(h.channel, c, { idempotencyKey: key() });
      await h.press(h.bob, ref, 'fol-1');
      const e = await waitFor('action', action('fol-1'));
      expect(samePerson(e.actor, h.bob)).toBe(true);
      expect(e.place).toMatchObject({ network: ref.network, channel: ref.channel });
      expect(e.form).toBeUndefined();
    });

    it('a button press in a DM is an action from that person', async () => {
      const c: Card = { summary: 'q', blocks: [{ type: 'buttons', buttons: [{ id: 'share-1', label: 'Share' }] }] };
      const ref = await h.adapter.directMessage(h.alice, c, { idempotencyKey: key() });
      await h.press(h.alice, ref, 'share-1');
      const e = await waitFor('action in DM', action('share-1'));
      expect(samePerson(e.actor, h.alice)).toBe(true);
      expect(e.place.channel).toBe(ref.channel);
    });

    it('a form submission carries the text, or the picked person', async () => {
      const c: Card = {
        summary: 'q',
        blocks: [
          {
            type: 'buttons',
            buttons: [
              { id: 'ans-1', label: 'Answer', form: { title: 'Answer', kind: 'text', label: 'Your answer' } },
              { id: 'ref-1', label: 'Refer', form: { title: 'Refer', kind: 'person', label: 'Who knows?' } },
            ],
          },
        ],
      };
      const ref = await h.adapter.post(h.channel, c, { idempotencyKey: key() });
      await h.submit(h.alice, ref, 'ans-1', { text: 'ask the archivist' });
      const answered = await waitFor('form text', action('ans-1'));
      expect(answered.form?.text).toBe('ask the archivist');
      expect(samePerson(answered.actor, h.alice)).toBe(true);
      await h.submit(h.alice, ref, 'ref-1', { person: h.bob });
      const referred = await waitFor('form person', action('ref-1'));
      expect(referred.form?.person && samePerson(referred.form.person, h.bob)).toBe(true);
    });

    it('the same idempotencyKey twice leaves one message', async () => {
      const k = key();
      const a = await h.adapter.post(h.channel, card('only once'), { idempotencyKey: k });
      const b = await h.adapter.post(h.channel, card('only once'), { idempotencyKey: k });
      expect(b.id).toBe(a.id);
      const shown = (await h.messagesIn(h.channel)).filter((m) => m.text.includes('only once'));
      expect(shown).toHaveLength(1);
      const d1 = await h.adapter.directMessage(h.bob, card('dm once'), { idempotencyKey: `${k}-dm` });
      const d2 = await h.adapter.directMessage(h.bob, card('dm once'), { idempotencyKey: `${k}-dm` });
      expect(d2.id).toBe(d1.id);
      expect((await h.dmsTo(h.bob)).filter((m) => m.text.includes('dm once'))).toHaveLength(1);
    });

    it('event ids are stable for a redelivery and distinct otherwise', async () => {
      const first = await waitFor('first', message(await h.say(h.alice, h.channel, 'one')));
      const second = await waitFor('second', message(await h.say(h.alice, h.channel, 'two')));
      expect(second.id).not.toBe(first.id);
      const before = events.length;
      await h.redeliverLast();
      await waitFor('redelivery', (e) => events.indexOf(e) >= before);
      const again = events.slice(before);
      expect(again.every((e) => e.id === second.id)).toBe(true);
    });

    it("the bot's own posts come back as isSelf or not at all; other bots' as isBot", async () => {
      const own = await h.botSays(h.channel, 'from feelers itself');
      const other = await h.otherBotSays(h.channel, 'from an integration');
      const otherEvent = await waitFor('other bot message', message(other));
      expect(otherEvent.actor.isBot).toBe(true);
      expect(otherEvent.actor.isSelf).toBe(false);
      // A marker after both, so any echo of our own post has had its turn to arrive.
      await waitFor('marker', message(await h.say(h.bob, h.channel, 'marker')));
      for (const e of events.filter((x) => x.kind === 'message' && x.messageId === own)) {
        expect(e.actor.isSelf).toBe(true);
        expect(e.actor.isBot).toBe(true);
      }
    });

    it("the bot's mention sets mentionsBot and leaves the text without it", async () => {
      const id = await h.say(h.alice, h.channel, h.mentionBot('where do I find old maps?'));
      const e = await waitFor('mention', message(id));
      expect(e.mentionsBot).toBe(true);
      expect(e.text).toBe('where do I find old maps?');
      const plain = await waitFor('plain', message(await h.say(h.alice, h.channel, 'no mention here')));
      expect(plain.mentionsBot).toBe(false);
    });

    it('a reply-to reference comes through', async () => {
      const first = await h.say(h.alice, h.channel, 'original');
      const e = await waitFor('reply', message(await h.say(h.bob, h.channel, 'answering', { replyTo: first })));
      expect(e.replyTo).toBe(first);
    });

    it('commands arrive with name, text and the actor', async () => {
      await h.command(h.alice, h.channel, 'ask', 'who restores old clocks?');
      const e = await waitFor('command', (x): x is CommandEvent => x.kind === 'command');
      expect(e.name).toBe('ask');
      expect(e.text).toBe('who restores old clocks?');
      expect(samePerson(e.actor, h.alice)).toBe(true);
      expect(e.place.channel).toBe(h.channel.channel);
    });

    it.skipIf(!edits)('edits and deletions arrive with the message id', async () => {
      const id = await h.say(h.alice, h.channel, 'first draft');
      await waitFor('message', message(id));
      await h.edit(h.alice, id, 'second draft');
      const edited = await waitFor('edit', (e) => e.kind === 'edited' && e.messageId === id);
      expect(edited.kind === 'edited' && edited.text).toBe('second draft');
      await h.remove(h.alice, id);
      await waitFor('deletion', (e) => e.kind === 'deleted' && e.messageId === id);
    });

    it('isLiveMention can tell a live mention', () => {
      expect(h.isLiveMention(h.liveMentionSample)).toBe(true);
      expect(h.isLiveMention('nothing to see')).toBe(false);
    });

    it('mention syntax in a card never arrives live: posts, updates, DMs, notices', async () => {
      const hostile = HOSTILE.join(' ');
      const c: Card = {
        summary: hostile,
        blocks: [
          { type: 'text', text: hostile },
          { type: 'quote', text: hostile, by: '@everyone' },
          { type: 'buttons', buttons: [{ id: 'b-1', label: '@here' }] },
        ],
        thread: { title: '@everyone' },
      };
      const ref = await h.adapter.post(h.channel, c, { idempotencyKey: key() });
      const posted = await h.message(ref);
      expect(posted).toBeDefined();
      expect(h.isLiveMention(posted?.text ?? '')).toBe(false);
      if (edits) {
        await h.adapter.update(ref, card(`closed ${hostile}`));
        expect(h.isLiveMention((await h.message(ref))?.text ?? '')).toBe(false);
      }
      await h.adapter.directMessage(h.alice, c, { idempotencyKey: key() });
      for (const m of await h.dmsTo(h.alice)) expect(h.isLiveMention(m.text)).toBe(false);
      await h.adapter.notice(h.alice, h.channel, hostile);
      for (const n of await h.noticesTo(h.alice)) expect(h.isLiveMention(n)).toBe(false);
    });

    it('no generated text arrives live (property)', async () => {
      const piece = fc.oneof(fc.constantFrom(...HOSTILE, '@', '<', '\uff20', '!', 'a', ' ', '\u0301'), fc.string({ maxLength: 6 }));
      const text = fc.array(piece, { maxLength: 8 }).map((xs) => xs.join(''));
      await fc.assert(
        fc.asyncProperty(text, text, async (t, by) => {
          const ref = await h.adapter.post(h.channel, { summary: t, blocks: [{ type: 'quote', text: t, by }] }, { idempotencyKey: key() });
          const shown = await h.message(ref);
          return shown !== undefined && !h.isLiveMention(shown.text);
        }),
        { numRuns: 30 },
      );
    });
  });
}
