/**
 * Learned routing through the real discord.js adapter and the fake Discord: Harold answers two
 * #onboarding questions in the copies' threads on Discord, and the next prod, a Discord DM,
 * says why he got it, with no live mention; `/feelers learned` shows what was learned.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { answerOf, ASK_AROUND, DiscordStory, shownText, type DName } from '../../support/discord.js';

let s: DiscordStory | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

function feelers(story: DiscordStory, who: DName, sub: string, options: Record<string, string> = {}): Promise<string> {
  return answerOf(story, story.fake.slashCommand(story.who(who), 'feelers', { sub, options }));
}

describe('discord: learned routing', () => {
  it('a prod by Discord DM says the person helped with the topic before, and /feelers learned shows it', async () => {
    s = await DiscordStory.start({
      messageContent: true,
      settings: { limits: { asksPerDay: 5, prodsPerAsk: 3, unsolicitedPerWeek: 5, maxAskLength: 3000 } },
    });
    const story = s;
    await feelers(story, 'gita', 'connect');
    await feelers(story, 'harold', 'topics', { list: 'onboarding' });
    for (const n of [1, 2]) {
      await story.world.command(story.jane, story.anyAnswers, 'ask', `Onboarding question ${n}: what worked? #onboarding`);
      await story.settle();
      const copy = await story.fake.until(
        () => story.botMessages(ASK_AROUND).find((m) => shownText(m).includes(`Onboarding question ${n}`)),
        `copy ${n}`,
      );
      const reply = story.fake.postMessage(story.who('harold', copy.id), `A buddy for every starter @everyone (answer ${n})`);
      await story.handledId(reply, `Harold's answer ${n}`);
    }
    await story.world.command(story.jane, story.anyAnswers, 'ask', 'Onboarding question 3: remote starters? #onboarding');
    await story.settle();
    const dm = story.dm('harold');
    const prod = await story.fake.until(
      () => story.botMessages(dm).find((m) => shownText(m).includes('Onboarding question 3')),
      'the prod to Harold',
    );
    expect(shownText(prod)).toContain('You helped with #onboarding twice before, so feelers asked you first.');
    const create = story.fake.requests.find(
      (r) => r.method === 'POST' && r.path === `/channels/${dm}/messages` && JSON.stringify(r.body).includes('Onboarding question 3'),
    );
    expect(create?.body).toMatchObject({ allowed_mentions: { parse: [] } });

    expect(await feelers(story, 'harold', 'learned')).toContain('#onboarding: answered 2 questions');
  });
});
