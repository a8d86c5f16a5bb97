/**
 * Every command and the guards around them, through INTERACTION_CREATE and MESSAGE_CREATE from
 * the fake Discord, with the engine behind the real discord.js adapter.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { answerOf, ASK_AROUND, DiscordStory, DUSERS, GUILD, customIdOf, labels, shownText, type DName } from '../../support/discord.js';
import { MENTION_CORPUS, hasLiveMention, stringsIn } from '../../fakes/discord/mention-corpus.js';

let s: DiscordStory | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** The private answer to an interaction (the deferred reply's edit or a follow-up). */
async function feelers(
  story: DiscordStory,
  who: DName,
  sub: string,
  options: Record<string, string> = {},
  channel = ASK_AROUND,
): Promise<string> {
  return answerOf(story, story.fake.slashCommand(story.who(who, channel), 'feelers', { sub, options }));
}

/** Every create and edit of a message the bot sent, with its body. */
function writes(story: DiscordStory) {
  return story.fake.requests.filter(
    (r) => (r.method === 'POST' || r.method === 'PATCH') && /^\/channels\/\d+\/messages(\/\d+)?$/.test(r.path),
  );
}

describe('discord commands with the engine behind', () => {
  it('/ask: a question becomes an ask card with a thread; empty and too long are refused privately', async () => {
    s = await DiscordStory.start();
    const story = s;
    const ok = story.fake.slashCommand(story.who('harold'), 'ask', { options: { question: 'Who has run a book club at work? #learning' } });
    expect(ok.responses[0] ?? (await story.fake.until(() => ok.responses[0], 'defer'))).toMatchObject({ type: 5, data: { flags: 64 } });
    await story.handledId(ok.id, '/ask');
    const card = await story.fake.until(() => story.botMessages(ASK_AROUND)[0], 'the ask card');
    expect(shownText(card)).toContain('Harold asks:');
    expect(labels(card)).toEqual(['Follow', 'Close', 'Retract']);
    expect(story.fake.world.channels.get(card.id)?.parent_id).toBe(ASK_AROUND);

    const empty = await answerOf(story, story.fake.slashCommand(story.who('harold'), 'ask', { options: { question: '   ' } }));
    expect(empty).toContain('Write your question after the command');
    const long = await answerOf(story, story.fake.slashCommand(story.who('harold'), 'ask', { options: { question: 'x'.repeat(3001) } }));
    expect(long).toContain('the limit is 3,000');
    expect(story.botMessages(ASK_AROUND)).toHaveLength(1);
  });

  it("registers exactly the engine's /feelers subcommands", async () => {
    s = await DiscordStory.start();
    const feelersDef = s.fake.world.commands.get(GUILD)?.find((c) => c['name'] === 'feelers');
    const subs = (feelersDef?.['options'] as { name: string }[]).map((o) => o.name);
    expect(subs).toEqual([
      'connect',
      'disconnect',
      'topics',
      'contact',
      'optout',
      'optin',
      'forget-me',
      'my-data',
      'learned',
      'prods',
      'escalation',
      'retract',
      'block',
      'unblock',
      'blocks',
      'share',
      'preview',
      'help',
    ]);
  });

  it('/feelers connect needs Manage Channels or Manage Server; every other subcommand answers', async () => {
    s = await DiscordStory.start();
    const story = s;
    expect(await feelers(story, 'harold', 'connect')).toContain('Only admins and people who can manage this channel');
    expect(await feelers(story, 'milo', 'connect', { topics: 'learning, coaching' })).toContain('questions tagged #learning #coaching');
    expect(await feelers(story, 'gita', 'connect')).toContain('Updated: this channel now receives every question');
    // The channel's name from the interaction is kept for operators' pages.
    expect((await story.engine.ctx.repo.ground(story.askAround))?.channelName).toBe('ask-around');
    expect(await feelers(story, 'harold', 'disconnect')).toContain('Only admins');
    expect(await feelers(story, 'gita', 'disconnect')).toContain('Disconnected');
    expect(await feelers(story, 'gita', 'disconnect')).toContain('was not connected');

    expect(await feelers(story, 'karyn', 'topics', { list: 'coaching, learning' })).toContain('Saved your topics: #coaching #learning');
    expect(await feelers(story, 'karyn', 'contact')).toContain('You have no contact set');
    expect(await feelers(story, 'karyn', 'contact', { text: 'karyn@guild.example' })).toContain('Your contact is private');
    expect(await feelers(story, 'karyn', 'contact')).toContain('karyn@guild.example');
    expect(await feelers(story, 'karyn', 'contact', { text: 'clear' })).toContain('Your contact is removed');
    expect(await feelers(story, 'karyn', 'optout')).toContain('will not send you direct messages');
    expect(await feelers(story, 'karyn', 'optin')).toContain('may again DM you');
    expect(await feelers(story, 'karyn', 'forget-me')).toContain('your profile, contact, topics and follows are deleted');
    expect(await feelers(story, 'karyn', 'help')).toContain('/feelers connect [topics]');
  });

  it('in a DM, commands are marked direct: connect is refused there, /ask works', async () => {
    s = await DiscordStory.start({ globalCommands: true });
    const story = s;
    const dm = story.dm('gita');
    const connect = story.fake.slashCommand({ channel: dm, user: DUSERS.gita.id }, 'feelers', { sub: 'connect' });
    expect(await answerOf(story, connect)).toContain('not in a direct message');
    const ev = story.handled.find((e) => e.id.endsWith(`:${connect.id}`));
    expect(ev).toMatchObject({ kind: 'command', direct: true, place: { channel: dm } });
    const ask = story.fake.slashCommand({ channel: dm, user: DUSERS.gita.id }, 'ask', {
      options: { question: 'Any good onboarding guides?' },
    });
    await story.handledId(ask.id, '/ask in a DM');
    const card = await story.fake.until(() => story.botMessages(dm).find((m) => labels(m).includes('Close')), 'ask card in the DM');
    expect(shownText(card)).toContain('Any good onboarding guides?');
  });

  it("another member's press changes nothing; bot and self messages in a copy thread are never collected", async () => {
    s = await DiscordStory.start({ messageContent: true });
    const story = s;
    await feelers(story, 'gita', 'connect');
    await story.world.command(story.tess, story.anyAnswers, 'feelers', 'connect');
    const ask = story.fake.slashCommand(story.who('harold'), 'ask', { options: { question: 'Who mentors new trainers?' } });
    await story.handledId(ask.id, '/ask');
    const card = await story.fake.until(() => story.botMessages(ASK_AROUND)[0], 'ask card');
    const patchesBefore = story.fake.requestsTo('PATCH', /\/messages\/\d+$/).length;
    const close = story.fake.pressButton(story.who('karyn'), card.id, customIdOf(card, 'Close'));
    expect(await answerOf(story, close)).toContain('for someone else');
    expect(story.fake.requestsTo('PATCH', /\/messages\/\d+$/)).toHaveLength(patchesBefore);
    expect(labels(story.fake.world.findMessage(ASK_AROUND, card.id)!)).toEqual(['Follow', 'Close', 'Retract']);

    // A copy on memory; on Discord, the bot and another bot write in the ask card's thread.
    const hook = story.fake.postMessage(story.who('hookbot', card.id), 'Automated: 3 new members joined');
    const self = story.fake.postMessage({ guild: GUILD, channel: card.id, user: story.fake.world.bot.id }, 'feelers echo');
    await story.handledId(hook, 'hookbot');
    await story.handledId(self, 'self');
    const copy = story.last(story.anyAnswers);
    await story.world.say(story.tess, story.thread(copy), 'We pair each new trainer with a buddy.');
    story.clock.advance(10 * 60_000);
    await story.engine.digestTick();
    await story.settle();
    const digest = await story.fake.until(() => story.botMessages(card.id).find((m) => shownText(m).includes('buddy')), 'digest');
    expect(shownText(digest)).not.toContain('Automated');
    expect(shownText(digest)).not.toContain('feelers echo');
  });

  it('a mention corpus in an ask is never live on the copy, its edits, or the close edit', async () => {
    s = await DiscordStory.start();
    const story = s;
    expect(MENTION_CORPUS.filter(hasLiveMention).length).toBeGreaterThan(10);
    await feelers(story, 'gita', 'connect');
    await story.world.command(story.tess, story.anyAnswers, 'feelers', 'connect');
    await story.world.command(story.jane, story.anyAnswers, 'ask', `Ping test ${MENTION_CORPUS.join(' ')}`);
    await story.settle();
    const card = story.last(story.anyAnswers);
    await story.fake.until(() => story.botMessages(ASK_AROUND)[0], 'the copy');
    // And an ask from Discord carrying the corpus, posted back as its own ask card.
    const ask = story.fake.slashCommand(story.who('harold'), 'ask', { options: { question: `Also ${MENTION_CORPUS.join(' ')}` } });
    await story.handledId(ask.id, 'corpus ask');
    await story.world.press(story.jane, card.id, 'Close');
    await story.settle();
    const all = writes(story);
    expect(all.some((w) => w.method === 'PATCH')).toBe(true);
    expect(all.filter((w) => w.method === 'POST').length).toBeGreaterThanOrEqual(2);
    for (const w of all) {
      expect(w.body).toMatchObject({ allowed_mentions: { parse: [] } });
      for (const text of stringsIn(w.body)) expect(hasLiveMention(text), text).toBe(false);
    }
    for (const t of story.fake.requestsTo('POST', /\/threads$/))
      for (const text of stringsIn(t.body)) expect(hasLiveMention(text)).toBe(false);
  });

  it('a 429 on message create during a fan-out to 10 channels still leaves exactly one copy per channel', async () => {
    const extra = Array.from({ length: 9 }, (_, i) => [`92000000000000000${i % 3}`, `92000000000000010${i}`] as const);
    s = await DiscordStory.start({ extraChannels: extra });
    const story = s;
    await feelers(story, 'gita', 'connect');
    for (const [g, c] of extra) await feelers(story, 'gita', 'connect', {}, c).then((t) => expect(t, g).toContain('Connected'));
    for (const [, c] of extra.slice(0, 3))
      story.fake.inject({ method: 'POST', path: `/channels/${c}/messages`, status: 429, retryAfter: 0.2 });
    story.fake.inject({ method: 'POST', path: `/channels/${ASK_AROUND}/messages`, status: 429, retryAfter: 0.1, global: true });
    await story.world.command(story.jane, story.anyAnswers, 'ask', 'Best onboarding checklist you have seen?');
    await story.settle();
    const channels = [ASK_AROUND, ...extra.map(([, c]) => c)];
    await story.fake.until(() => channels.every((c) => story.botMessages(c).length >= 1), 'a copy everywhere');
    await story.settle();
    for (const c of channels)
      expect(
        story.botMessages(c).filter((m) => !m.viaInteraction),
        c,
      ).toHaveLength(1);
    expect(story.fake.requests.filter((r) => r.status === 429).length).toBe(4);
  });

  it('a dropped gateway resumes and a reply written during the gap is collected exactly once', async () => {
    s = await DiscordStory.start({ messageContent: true });
    const story = s;
    await feelers(story, 'gita', 'connect');
    await story.world.command(story.tess, story.anyAnswers, 'feelers', 'connect');
    await story.world.command(story.jane, story.anyAnswers, 'ask', 'Who has a good mentoring scheme?');
    await story.settle();
    const card = story.last(story.anyAnswers);
    const copy = await story.fake.until(() => story.botMessages(ASK_AROUND)[0], 'the copy');
    await story.fake.until(() => story.fake.world.channels.get(copy.id), 'the thread');

    story.fake.gateway.drop();
    await story.fake.until(() => !story.fake.gateway.connected, 'disconnect');
    const id = story.fake.postMessage(story.who('harold', copy.id), 'Written while the bot was away.');
    await story.handledId(id, 'the replayed reply');
    // Discord may deliver it again (another resume): the engine keeps one.
    story.fake.redeliver();
    await story.fake.until(() => story.handled.filter((e) => 'messageId' in e && e.messageId === id).length >= 2, 'the duplicate');
    expect(story.fake.gateway.received.filter((f) => f.op === 6)).toHaveLength(1);
    expect(story.fake.gateway.received.filter((f) => f.op === 2)).toHaveLength(1);

    story.clock.advance(10 * 60_000);
    await story.engine.digestTick();
    await story.settle();
    const digest = story.last(story.thread(card));
    expect(digest.text.split('Written while the bot was away.')).toHaveLength(2);
  });
});
