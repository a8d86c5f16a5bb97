/**
 * Membership on Discord (issue 12), with the real discord.js adapter against the fake: a public
 * bot can be added to any server by anyone, so a server joins only when listed or approved; a
 * private bot's servers (only its owner could add it) belong without ceremony.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { answerOf, ASK_AROUND, DiscordStory, DUSERS, GUILD, shownText } from '../../support/discord.js';

let s: DiscordStory | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const CONSOLE_ON = { membership: { allow: {}, approvals: true } };

describe('discord membership', () => {
  it('a public bot: the unlisted server is refused at connect and receives nothing until an operator approves it', async () => {
    s = await DiscordStory.start({ globalCommands: true, fake: { botPublic: true }, settings: CONSOLE_ON });
    const story = s;
    expect(story.fake.requests.some((r) => r.method === 'GET' && r.path === '/applications/@me')).toBe(true);
    await story.world.command(story.tess, story.anyAnswers, 'feelers', 'connect');

    const refused = await answerOf(story, story.fake.slashCommand(story.who('gita'), 'feelers', { sub: 'connect' }));
    expect(refused).toContain('L&D Guild is not part of this feelers network yet');
    await story.world.command(story.jane, story.anyAnswers, 'ask', 'Who has run a book club at work? #learning');
    await story.drain();
    expect(story.botMessages(ASK_AROUND)).toEqual([]);
    // Nor can its members ask.
    const ask = await answerOf(story, story.fake.slashCommand(story.who('harold'), 'ask', { options: { question: 'Anyone on xAPI?' } }));
    expect(ask).toContain('not part of this feelers network yet');
    await story.drain();
    expect(story.botPosts(story.anyAnswers).some((m) => m.text.includes('xAPI'))).toBe(false);

    expect(await story.engine.operator.decideCommunity('discord', GUILD, 'approved', { operator: 'olga' })).toBe('approved');
    await story.drain();
    expect(shownText(story.lastBot(ASK_AROUND))).toContain('L&D Guild has joined the feelers network');
    await story.world.command(story.jane, story.anyAnswers, 'ask', 'Which LMS do you use? #learning');
    await story.drain();
    expect(story.botMessages(ASK_AROUND).some((m) => shownText(m).includes('Which LMS do you use?'))).toBe(true);
  });

  it('a private bot without DISCORD_GUILD_IDS: every server it is in belongs', async () => {
    s = await DiscordStory.start({ globalCommands: true, fake: { botPublic: false } });
    const story = s;
    await story.world.command(story.tess, story.anyAnswers, 'feelers', 'connect');
    expect(await answerOf(story, story.fake.slashCommand(story.who('gita'), 'feelers', { sub: 'connect' }))).toContain(
      'Connected: this channel now receives',
    );
    await story.world.command(story.jane, story.anyAnswers, 'ask', 'Which LMS do you use? #learning');
    await story.drain();
    expect(story.botMessages(ASK_AROUND).some((m) => shownText(m).includes('Which LMS do you use?'))).toBe(true);
    expect(await story.engine.operator.memberships()).toEqual([]);
  });

  it('DISCORD_GUILD_IDS: the listed servers belong even for a public bot, and only they', async () => {
    const OTHER = '990000000000000001';
    const OTHER_CHANNEL = '990000000000000002';
    s = await DiscordStory.start({ fake: { botPublic: true }, guildIds: [GUILD], extraChannels: [[OTHER, OTHER_CHANNEL]] });
    const story = s;
    await story.world.command(story.tess, story.anyAnswers, 'feelers', 'connect');
    expect(await answerOf(story, story.fake.slashCommand(story.who('gita'), 'feelers', { sub: 'connect' }))).toContain('Connected');
    // The commands exist only in the listed server; in the other, a mention is how to ask.
    const gita = story.person('gita').user;
    const mention = story.fake.postMessage({ guild: OTHER, channel: OTHER_CHANNEL, user: gita }, 'Anyone on xAPI?', { mentionsBot: true });
    await story.handledWhere((e) => e.kind === 'message' && e.messageId === mention, 'the mention');
    const dm = await story.fake.until(() => story.fake.world.messagesIn(story.dm('gita')).at(-1), 'the DM');
    expect(dm.content).toContain('not part of this feelers network');
    await story.world.command(story.jane, story.anyAnswers, 'ask', 'Which LMS do you use? #learning');
    await story.drain();
    expect(story.botMessages(ASK_AROUND).some((m) => shownText(m).includes('Which LMS do you use?'))).toBe(true);
    expect(story.botMessages(OTHER_CHANNEL)).toEqual([]);
    expect(story.botPosts(story.anyAnswers).some((m) => m.text.includes('xAPI'))).toBe(false);
  });

  it('a public bot added to a new server while running: the owner is told by DM that it waits, and the operator sees it', async () => {
    s = await DiscordStory.start({ globalCommands: true, fake: { botPublic: true }, settings: CONSOLE_ON });
    const story = s;
    const NEW = '990000000000000011';
    story.fake.joinGuild({
      id: NEW,
      name: 'Newcomers',
      ownerId: DUSERS.gita.id,
      channels: [{ id: '990000000000000012', name: 'general' }],
      members: [{ user: DUSERS.gita }],
    });
    await story.handledWhere((e) => e.kind === 'joined' && e.place.community === NEW, 'the join');
    const dm = await story.fake.until(() => story.fake.world.messagesIn(story.dm('gita')).at(-1), 'the DM to the owner');
    expect(dm.content.replace(/\u200b/g, '')).toContain(
      'Thanks for adding feelers to Newcomers! It is not part of this feelers network yet.',
    );
    expect((await story.engine.operator.memberships()).find((m) => m.community === NEW)).toMatchObject({
      name: 'Newcomers',
      state: 'pending',
    });
  });
});
