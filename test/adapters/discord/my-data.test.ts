/**
 * `/feelers my-data` through INTERACTION_CREATE from the fake Discord, with the engine behind the
 * real discord.js adapter: the DM carries feelers-my-data.json as an attachment (multipart).
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

describe('discord /feelers my-data with the engine behind', () => {
  it('registers my-data among the /feelers subcommands', async () => {
    s = await DiscordStory.start();
    const def = s.fake.world.commands.get(s.askAround.community)?.find((c) => c['name'] === 'feelers');
    expect((def?.['options'] as { name: string }[]).map((o) => o.name)).toContain('my-data');
  });

  it('DMs the summary with feelers-my-data.json attached as files[0], described in payload_json', async () => {
    s = await DiscordStory.start();
    const story = s;
    await feelers(story, 'karyn', 'topics', { list: 'coaching, learning' });
    await feelers(story, 'karyn', 'contact', { text: 'karyn@guild.example' });
    const ask = story.fake.slashCommand(story.who('karyn'), 'ask', { options: { question: 'Who coaches new managers? #coaching' } });
    await story.handledId(ask.id, '/ask');
    const channelPosts = story.botMessages(ASK_AROUND).length;

    expect(await feelers(story, 'karyn', 'my-data')).toBe("I've sent you everything feelers holds about you by DM.");
    await story.settle();
    const dm = story.dm('karyn');
    const sent = await story.fake.until(() => story.botMessages(dm).find((m) => (m.attachments ?? []).length > 0), 'the DM with a file');
    expect(shownText(sent)).toContain('Everything feelers holds about you');
    expect(story.botMessages(ASK_AROUND)).toHaveLength(channelPosts);

    // On the wire: multipart/form-data, payload_json for the message and files[0] for the file.
    const create = story.fake.requests.find((r) => r.method === 'POST' && r.path === `/channels/${dm}/messages` && r.files?.length);
    expect(create?.contentType).toMatch(/^multipart\/form-data/);
    expect(create?.files?.map((f) => [f.field, f.filename])).toEqual([['files[0]', 'feelers-my-data.json']]);
    expect(create?.body).toMatchObject({ attachments: [{ id: 0, filename: 'feelers-my-data.json' }], allowed_mentions: { parse: [] } });

    const [file] = sent.attachments ?? [];
    expect(file).toMatchObject({ filename: 'feelers-my-data.json', content_type: 'application/json' });
    const data = JSON.parse(file!.text) as { topics: string[]; contact: string; asks: { question: string }[] };
    expect(data).toMatchObject({ topics: ['coaching', 'learning'], contact: 'karyn@guild.example' });
    expect(data.asks.map((a) => a.question)).toEqual(['Who coaches new managers? #coaching']);
  });

  it('someone feelers knows nothing about gets a short private answer and no DM', async () => {
    s = await DiscordStory.start();
    expect(await feelers(s, 'maria', 'my-data')).toBe('feelers holds nothing about you.');
    await s.settle();
    expect(s.botMessages(s.dm('maria'))).toHaveLength(0);
  });
});
