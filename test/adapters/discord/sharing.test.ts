/**
 * Sharing policies on Discord (issue 12): L&D Guild and the Makers server on the real discord.js
 * adapter against the fake, TrainingZone on the memory network. /feelers share runs as a slash
 * subcommand; each choice changes exactly which Discord channels receive.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { answerOf, ASK_AROUND, DiscordStory, shownText } from '../../support/discord.js';

const MAKERS = '990000000000000021';
const MAKERS_CHANNEL = '990000000000000022';

let s: DiscordStory | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const got = (story: DiscordStory, channel: string, piece: string) => story.botMessages(channel).some((m) => shownText(m).includes(piece));

describe('discord sharing', () => {
  it('receive only, and names hidden, set by slash command, change exactly who receives and what they read', async () => {
    s = await DiscordStory.start({ extraChannels: [[MAKERS, MAKERS_CHANNEL]] });
    const story = s;
    const inMakers = { guild: MAKERS, channel: MAKERS_CHANNEL, user: story.person('gita').user };
    await story.world.command(story.tess, story.anyAnswers, 'feelers', 'connect');
    await answerOf(story, story.fake.slashCommand(story.who('gita'), 'feelers', { sub: 'connect' }));
    await answerOf(story, story.fake.slashCommand(inMakers, 'feelers', { sub: 'connect' }));

    await story.world.command(story.jane, story.anyAnswers, 'ask', 'First: who runs book clubs?');
    await story.drain();
    expect([got(story, ASK_AROUND, 'First:'), got(story, MAKERS_CHANNEL, 'First:')]).toEqual([true, true]);

    // Makers receives only from L&D Guild: TrainingZone's asks stop reaching it.
    const only = await answerOf(
      story,
      story.fake.slashCommand(inMakers, 'feelers', { sub: 'share', options: { setting: 'receive only L&D Guild' } }),
    );
    expect(only).toContain('We receive asks from only L&D Guild.');
    await story.world.command(story.jane, story.anyAnswers, 'ask', 'Second: who runs book clubs?');
    await story.drain();
    expect([got(story, ASK_AROUND, 'Second:'), got(story, MAKERS_CHANNEL, 'Second:')]).toEqual([true, false]);

    // L&D Guild hides its members' names: TrainingZone reads "Someone in L&D Guild".
    const hidden = await answerOf(
      story,
      story.fake.slashCommand(story.who('gita'), 'feelers', { sub: 'share', options: { setting: 'names hidden' } }),
    );
    expect(hidden).toContain('Our members show to other communities as "Someone in <our community>".');
    const harold = story.fake.slashCommand(story.who('harold'), 'ask', { options: { question: 'Third: any good LMS?' } });
    await answerOf(story, harold);
    await story.drain();
    const copy = story.botPosts(story.anyAnswers).find((m) => m.text.includes('Third: any good LMS?'));
    expect(copy?.text).toContain('Someone in L&D Guild asks:');
    expect(copy?.text).not.toContain('Harold');
    expect(got(story, MAKERS_CHANNEL, 'Third:')).toBe(true);
  });

  it('a member who is not an admin cannot change it', async () => {
    s = await DiscordStory.start();
    const story = s;
    const no = await answerOf(
      story,
      story.fake.slashCommand(story.who('harold'), 'feelers', { sub: 'share', options: { setting: 'names hidden' } }),
    );
    expect(no).toContain('Only admins of this community can change what it shares');
    expect((await story.engine.ctx.sharing.policy('discord', story.askAround.community)).names).toBe('shown');
  });
});
