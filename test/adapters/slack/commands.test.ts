import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { escapeSlack } from '../../../adapters/slack/sanitize.js';
import { HELP } from '../../../src/core/commands.js';
import type { Place } from '../../../src/ports/places.js';
import { button, buttonsIn, everyString, SlackWorld } from '../../support/slack.js';

const CANY = 'CANY';
const cany: Place = { network: 'slack', community: 'T1', channel: CANY };
const jane = { network: 'slack', community: 'T1', user: 'UJANE' };

/** Every command a person can type in Slack, through signed slash commands, with the engine behind. */
describe('slack commands, signed, with the engine behind', () => {
  let s: SlackWorld;
  beforeEach(async () => {
    s = await new SlackWorld().start();
  });
  afterEach(async () => s.close());

  it('/ask: ok posts the ask card; empty and too long are refused privately and post nothing', async () => {
    const ok = await s.slash('UJANE', CANY, '/ask', 'Who has run learning circles?');
    // Handled before Slack got its 200, so the command's own answer is empty.
    expect(ok).toMatchObject({ status: 200, json: undefined });
    await s.settle();
    expect(s.posts(CANY)).toHaveLength(1);
    expect(await s.openAsks()).toHaveLength(1);

    await s.slash('UJANE', CANY, '/ask', '   ');
    expect(s.lastEphemeral('UJANE')).toContain('Write your question after the command, for example: /ask');
    await s.slash('UJANE', CANY, '/ask', 'x'.repeat(3001));
    expect(s.lastEphemeral('UJANE')).toBe(
      'Your question is 3,001 characters; the limit is 3,000. Shorten it and ask again (nothing was posted).',
    );
    await s.settle();
    expect(s.posts(CANY)).toHaveLength(1);
    expect(await s.openAsks()).toHaveLength(1);
  });

  it('/feelers connect: an admin connects (with topics), anyone else is refused and nothing is stored', async () => {
    await s.slash('USAM', CANY, '/feelers', 'connect');
    expect(s.lastEphemeral('USAM')).toContain('Only admins and people who can manage this channel');
    expect(await s.engine.ctx.repo.ground(cany)).toBeUndefined();

    await s.slash('UTESS', CANY, '/feelers', 'connect learning mentoring');
    expect(s.lastEphemeral('UTESS')).toBe(
      "Connected: this channel now receives questions tagged #learning #mentoring. People here can answer in each copy's thread.",
    );
    expect((await s.engine.ctx.repo.ground(cany))?.topics).toEqual(['learning', 'mentoring']);
    // The channel's name from the command's payload is kept for operators' pages; a DM's never is.
    await s.through(() =>
      s.driver.command({ command: '/feelers', text: 'connect', user: 'UTESS', channel: CANY, channelName: 'any-answers' }),
    );
    expect((await s.engine.ctx.repo.ground(cany))?.channelName).toBe('any-answers');

    await s.slash('UTESS', CANY, '/feelers', 'disconnect');
    expect(s.lastEphemeral('UTESS')).toBe('Disconnected: no new questions will be posted here.');
    expect(await s.engine.ctx.repo.ground(cany)).toBeUndefined();
  });

  it('topics, contact, optout, optin, forget-me, help and an unknown subcommand answer privately', async () => {
    const said = async (text: string): Promise<string> => {
      const before = s.fake.ephemeralsFor('UJANE').length;
      await s.slash('UJANE', CANY, '/feelers', text);
      const all = s.fake.ephemeralsFor('UJANE');
      expect(all).toHaveLength(before + 1);
      expect(all[all.length - 1]?.channel).toBe(CANY);
      return all[all.length - 1]!.text;
    };
    expect(await said('topics rust learning')).toContain('Saved your topics: #rust #learning');
    expect((await s.engine.ctx.repo.profile(jane))?.topics).toEqual(['rust', 'learning']);
    expect(await said('contact jane@tz.example')).toBe(
      'Saved. Your contact is private: it is shared only with someone you agree to be introduced to.',
    );
    expect(await said('contact')).toContain('jane@tz.example');
    expect(await said('optout')).toContain('feelers will not send you direct messages you did not ask for');
    expect((await s.engine.ctx.repo.profile(jane))?.optedOut).toBe(true);
    expect(await said('optin')).toContain('feelers may again DM you');
    expect((await s.engine.ctx.repo.profile(jane))?.optedOut).toBe(false);
    expect(await said('forget-me')).toContain('Done: your profile, contact, topics and follows are deleted');
    expect(await s.engine.ctx.repo.profile(jane)).toBeUndefined();
    // Escaped on the way out, so Slack shows `<list>` as typed rather than reading markup.
    expect(await said('help')).toBe(escapeSlack(HELP));
    expect(await said('frobnicate now')).toBe('I don\'t know "/feelers frobnicate". Try /feelers help.');
    // Private means private: none of it was posted in the channel.
    expect(s.posts()).toHaveLength(0);
  });

  it('forged and stale requests get 401 and leave no trace in the store', async () => {
    const connect = { command: '/feelers', text: 'connect', user: 'UTESS', channel: CANY };
    const ask = { command: '/ask', text: 'Forged question?', user: 'UJANE', channel: CANY };
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const statuses = [
      (await s.driver.command(connect, { secret: 'not-the-secret' })).status,
      (await s.driver.command(connect, { timestampSec: stale })).status,
      (await s.driver.command(connect, { tamper: true })).status,
      (await s.driver.command(ask, { unsigned: true })).status,
      (await s.driver.command(ask, { secret: 'guess' })).status,
    ];
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    await s.settle();
    expect(s.received).toBe(0);
    expect(await s.engine.ctx.repo.ground(cany)).toBeUndefined();
    expect(await s.openAsks()).toEqual([]);
    expect(s.fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });

  describe('with a copy of a Guild question in the Slack channel', () => {
    let copyTs: string;
    let askId: string;
    beforeEach(async () => {
      await s.slash('UTESS', CANY, '/feelers', 'connect');
      await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'connect');
      await s.world.command(s.karyn, s.askAround, 'ask', 'Who has run a mentoring scheme?');
      await s.settle();
      copyTs = s.botMessages(CANY)[0]!.ts;
      askId = (await s.openAsks())[0]!;
    });

    it('a retried event (X-Slack-Retry-Num) is processed once', async () => {
      const event = {
        type: 'message',
        channel: CANY,
        channel_type: 'channel',
        user: 'USAM',
        text: 'Ask Priya.',
        ts: '1800000000.000001',
        thread_ts: copyTs,
      };
      await s.through(() => s.driver.event(event, { eventId: 'EvRetry1' }));
      const retried = await s.through(() => s.driver.redeliverLast(1));
      await s.through(() => s.driver.redeliverLast(2));
      expect(retried.status).toBe(200);
      expect(s.received).toBe(4); // the connect, then the event and its two retries
      expect(await s.replyTexts(askId)).toEqual(['Ask Priya.']);
    });

    it("never collects other bots' messages or feelers' own in the copy's thread", async () => {
      await s.say('UBOT', CANY, 'feelers talking to itself', copyTs, { bot_id: 'BBOT' });
      await s.say('', CANY, 'an integration posting', copyTs, { subtype: 'bot_message', bot_id: 'BX', user: undefined });
      await s.say('UOTHERBOT', CANY, 'a bot user writing', copyTs);
      expect(await s.replyTexts(askId)).toEqual([]);
      // The same thread does collect a person.
      await s.say('USAM', CANY, 'A person answering.', copyTs);
      expect(await s.replyTexts(askId)).toEqual(['A person answering.']);
    });
  });

  it("another person's press on someone's Close button changes nothing", async () => {
    await s.slash('UJANE', CANY, '/ask', 'Who runs learning circles?');
    await s.settle();
    const card = s.posts(CANY)[0]!;
    const cardTs = s.botMessages(CANY)[0]!.ts;
    const close = button(card.args.blocks, 'Close');
    const press = (user: string) =>
      s.through(() => s.driver.blockAction({ user, channel: CANY, messageTs: cardTs, actionId: close.action_id, value: close.value }));

    await press('USAM');
    await s.settle();
    expect(s.lastEphemeral('USAM')).toContain('for someone else');
    const [askId] = await s.openAsks();
    expect((await s.engine.ctx.repo.ask(askId!))?.state).toBe('open');
    expect(s.fake.callsTo('chat.update')).toEqual([]);
    expect(buttonsIn(s.fake.message(CANY, cardTs)?.blocks).map((b) => b.label)).toEqual(['Follow', 'Close', 'Retract']);

    await press('UJANE');
    await s.settle();
    expect((await s.engine.ctx.repo.ask(askId!))?.state).toBe('closed');
    expect(s.fake.callsTo('chat.update').length).toBeGreaterThan(0);
  });
});

/** Live-mention syntax, as Slack sends it to an app and as people smuggle it. */
const CORPUS = ['<!channel>', '<!here>', '<!everyone>', '<!subteam^S1>', '<!subteam^S1|@devs>', '<@U1>', '<@U1|jane>', '&lt;!channel&gt;'];
const LIVE = /<[!@#]|<https?:/;

describe('slack: mention syntax in an ask never goes out live', () => {
  let s: SlackWorld;
  afterEach(async () => s?.close());

  it('in ask cards, copies, digests and edits, whichever side asked', async () => {
    s = await new SlackWorld().start();
    await s.slash('UTESS', CANY, '/feelers', 'connect');
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'connect');
    const corpus = CORPUS.join(' ');

    // Asked in Slack: the ask card carries the text; the Guild's copy gets a reply with it too.
    await s.slash('UJANE', CANY, '/ask', `Who can help ${corpus}?`);
    await s.settle();
    const copy = s.last(s.askAround);
    await s.world.say(s.harold, s.thread(copy), `Reply ${corpus}`);
    // Asked in the Guild: the copy lands in Slack, and a Slack reply echoes the corpus.
    await s.world.command(s.karyn, s.askAround, 'ask', `Guild asks ${corpus}`);
    await s.settle();
    await s.engine.digestTick();
    await s.settle();
    // Closing edits the card (chat.update) with the text again.
    const cardTs = s.botMessages(CANY)[0]!.ts;
    const close = button(s.posts(CANY)[0]!.args.blocks, 'Close');
    await s.press('UJANE', CANY, cardTs, close);
    await s.settle();

    const outgoing = [...s.fake.callsTo('chat.postMessage'), ...s.fake.callsTo('chat.update')];
    // The corpus did go out: as text people can read, at least once in each kind of message.
    expect(outgoing.filter((c) => JSON.stringify(c.args).includes('subteam^S1')).length).toBeGreaterThanOrEqual(3);
    expect(s.fake.callsTo('chat.update').length).toBeGreaterThan(0);
    for (const c of outgoing) {
      for (const str of [String(c.args.text ?? ''), ...everyString(c.args.blocks)]) {
        expect(str, `${c.method} to ${String(c.args.channel)}`).not.toMatch(LIVE);
      }
    }
  });
});
