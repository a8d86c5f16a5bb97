/**
 * The story across two networks: TrainingZone on the memory adapter, L&D Guild on the real
 * discord.js adapter against the fake Discord, with the engine deciding everything.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../../src/ports/events.js';
import { buttonLabels } from '../../support/core.js';
import { ASK_AROUND, DiscordStory, DUSERS, customIdOf, labels, shownText } from '../../support/discord.js';

const QUESTION = 'Which organisations have a successful culture of collaborative learning? #learning';
const DIGEST_INTERVAL = 10 * 60_000;

let s: DiscordStory | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const isNotice = (text: string) => (r: { followUps: Record<string, unknown>[] }) =>
  r.followUps.some((f) => String(f['content'] ?? '').includes(text));

/** Connect both sides and ask on memory; returns the ask card (memory) and the copy (Discord). */
async function connectedAndAsked(story: DiscordStory) {
  const connect = story.fake.slashCommand(story.who('gita'), 'feelers', { sub: 'connect' });
  await story.handledId(connect.id, '/feelers connect');
  await story.fake.until(() => connect.followUps.find((f) => String(f['content']).startsWith('Connected')), 'connect answer');
  await story.world.command(story.tess, story.anyAnswers, 'feelers', 'connect');
  await story.world.command(story.jane, story.anyAnswers, 'ask', QUESTION);
  await story.settle();
  const card = story.last(story.anyAnswers);
  const copy = await story.fake.until(() => story.botMessages(ASK_AROUND)[0], 'the copy');
  return { card, copy };
}

describe('discord story: the engine with the real Discord adapter and the memory network', () => {
  it('connect, copy with thread, thread reply, referral by DM, digest, intro by DM, follow, close', async () => {
    s = await DiscordStory.start({ messageContent: true });
    const story = s;
    const { card, copy } = await connectedAndAsked(story);

    // The copy: embeds + buttons, and a thread started on it in ask-around.
    expect(shownText(copy)).toContain('Jane in TrainingZone asks:');
    expect(shownText(copy)).toContain('collaborative learning');
    expect(labels(copy)).toEqual(['I can help', 'I know someone', 'Answer', 'Follow', 'Report', 'Remove']);
    expect(copy.embeds.length).toBeGreaterThan(0);
    const thread = await story.fake.until(() => story.fake.world.channels.get(copy.id), 'the thread');
    expect(thread.parent_id).toBe(ASK_AROUND);
    expect(story.botMessages(ASK_AROUND)).toHaveLength(1);

    // Harold and Jane leave contacts; Maria follows from the copy.
    const hc = story.fake.slashCommand(story.who('harold'), 'feelers', { sub: 'contact', options: { text: 'harold@guild.example' } });
    await story.handledId(hc.id, '/feelers contact');
    await story.world.command(story.jane, story.anyAnswers, 'feelers', 'contact jane@tz.example');
    const follow = story.fake.pressButton(story.who('maria'), copy.id, customIdOf(copy, 'Follow'));
    await story.handledId(follow.id, 'Follow');
    await story.fake.until(() => isNotice("You're following this question")(follow), 'follow notice');

    // Harold answers in the thread: with the intent on, the text arrives and is collected.
    const reply = story.fake.postMessage(story.who('harold', copy.id), 'The Open University runs learning circles.');
    await story.handledId(reply, "Harold's thread reply");

    // Karyn knows someone: the button opens a user select; she picks Sam, who gets a DM.
    const press = story.fake.pressButton(story.who('karyn'), copy.id, customIdOf(copy, 'I know someone'));
    await story.fake.until(() => press.responses[0], 'the user select');
    expect(press.responses[0]).toMatchObject({ type: 4, data: { flags: 64 } });
    const selectId =
      (press.responses[0] as { data: { components: { components: { custom_id: string }[] }[] } }).data.components[0]?.components[0]
        ?.custom_id ?? '';
    const pick = story.fake.selectUser(story.who('karyn'), copy.id, selectId, DUSERS.sam.id);
    await story.handledId(pick.id, 'the pick');
    expect(
      story.fake
        .requestsTo('POST', /^\/users\/@me\/channels$/)
        .some((r) => (r.body as { recipient_id?: string }).recipient_id === DUSERS.sam.id),
    ).toBe(true);
    const samDm = story.dm('sam');
    const prompt = await story.fake.until(() => story.botMessages(samDm)[0], "Sam's DM");
    expect(shownText(prompt)).toContain('Karyn (L&D Guild) thought you might know');

    // Sam answers by DM: collected for Jane's question.
    const samReply = story.fake.postMessage({ channel: samDm, user: DUSERS.sam.id }, 'Look at how Buurtzorg teams teach each other.');
    await story.handledId(samReply, "Sam's DM reply");

    // The digest lands in Jane's thread on memory.
    story.clock.advance(DIGEST_INTERVAL);
    expect(await story.engine.digestTick()).toEqual({ digests: 1 });
    await story.settle();
    const digest = story.last(story.thread(card));
    expect(digest.text).toContain('The Open University runs learning circles.');
    expect(digest.text).toContain('Harold (L&D Guild)');
    expect(digest.text).toContain('Buurtzorg');
    expect(digest.text).toContain('Sam (L&D Guild), via Karyn');
    expect(buttonLabels(digest)).toEqual(['Request intro', 'Request intro']);

    // Maria follows: the digest reaches her by DM on Discord.
    const mariaDm = story.dm('maria');
    const forMaria = await story.fake.until(
      () => story.botMessages(mariaDm).find((m) => shownText(m).includes('Buurtzorg')),
      "Maria's digest",
    );
    expect(shownText(forMaria)).toContain('The Open University');

    // Jane requests an intro to Harold: Harold's DM has Share / Decline; nothing is shared yet.
    await story.world.press(story.jane, digest.id, 'Request intro');
    await story.settle();
    const haroldDm = story.dm('harold');
    const request = await story.fake.until(
      () => story.botMessages(haroldDm).find((m) => labels(m).includes('Share my contact')),
      'intro request',
    );
    expect(labels(request)).toEqual(['Share my contact', 'Not now', 'Decline']);
    expect(story.world.everything().join('\n')).not.toContain('harold@guild.example');

    // Harold shares: both sides get the other's contact.
    const share = story.fake.pressButton(
      { channel: haroldDm, user: DUSERS.harold.id },
      request.id,
      customIdOf(request, 'Share my contact'),
    );
    await story.handledId(share.id, 'Share');
    expect(story.lastDm(story.jane).text).toContain('harold@guild.example');
    const toHarold = await story.fake.until(
      () => story.botMessages(haroldDm).find((m) => shownText(m).includes('jane@tz.example')),
      "Jane's contact for Harold",
    );
    expect(shownText(toHarold)).toContain('https://tz.example/jane');

    // Jane closes: the copy is edited to say so, buttons gone, mentions off.
    await story.world.press(story.jane, card.id, 'Close');
    await story.settle();
    const edits = story.fake.requestsTo('PATCH', new RegExp(`^/channels/${ASK_AROUND}/messages/${copy.id}$`));
    expect(edits.length).toBeGreaterThan(0);
    const last = edits.at(-1)?.body as { allowed_mentions?: unknown; components?: unknown[] };
    expect(last.allowed_mentions).toEqual({ parse: [] });
    expect(last.components).toEqual([]);
    const closed = story.fake.world.findMessage(ASK_AROUND, copy.id);
    expect(closed && shownText(closed)).toContain('Jane closed this question');
    expect(closed && labels(closed)).toEqual([]);
    expect(story.last(story.thread(card)).text).toContain('You closed this question');
    const toMariaClosed = await story.fake.until(
      () => story.botMessages(mariaDm).find((m) => shownText(m).includes('Jane closed the question you follow')),
      "Maria's close",
    );
    expect(toMariaClosed).toBeDefined();
  });

  it('with the Message Content intent off, the Answer button opens a modal and the submission is collected', async () => {
    s = await DiscordStory.start({ messageContent: false });
    const story = s;
    const { card, copy } = await connectedAndAsked(story);

    // Discord blanks a thread reply's text without the intent: nothing to collect from it.
    const blank = story.fake.postMessage(story.who('harold', copy.id), 'words Discord hides from the bot');
    const blankEvent = (await story.handledId(blank, 'blank reply')) as Extract<ChatEvent, { kind: 'message' }>;
    expect(blankEvent.text).toBe('');

    const press = story.fake.pressButton(story.who('harold'), copy.id, customIdOf(copy, 'Answer'));
    await story.fake.until(() => press.responses[0], 'the modal');
    expect(press.responses).toHaveLength(1);
    const modal = press.responses[0] as {
      type: number;
      data: { custom_id: string; components: { components: { custom_id: string }[] }[] };
    };
    expect(modal.type).toBe(9);
    const field = modal.data.components[0]?.components[0]?.custom_id ?? '';
    const submit = story.fake.submitModal(story.who('harold'), modal.data.custom_id, { [field]: 'Learning circles at the OU.' });
    await story.handledId(submit.id, 'modal submit');

    story.clock.advance(DIGEST_INTERVAL);
    expect(await story.engine.digestTick()).toEqual({ digests: 1 });
    await story.settle();
    const digest = story.last(story.thread(card));
    expect(digest.text).toContain('Learning circles at the OU.');
    expect(digest.text).toContain('Harold (L&D Guild)');
    expect(digest.text).not.toContain('words Discord hides');
  });

  it('an ask by DM, once confirmed, gets its ask card in the DM, and its digest replies to that card', async () => {
    s = await DiscordStory.start({ messageContent: false });
    const story = s;
    await story.world.command(story.tess, story.anyAnswers, 'feelers', 'connect');
    const milDm = story.dm('milo');
    const asked = story.fake.postMessage({ channel: milDm, user: DUSERS.milo.id }, 'Who runs good mentoring schemes? #learning');
    await story.handledId(asked, 'the DM ask');
    // A DM is private: asked only once Milo presses Ask it on the card that quotes it.
    const confirm = await story.fake.until(() => story.botMessages(milDm).find((m) => labels(m).includes('Ask it')), 'the confirmation');
    expect(shownText(confirm)).toContain('Who runs good mentoring schemes?');
    expect(story.botPosts(story.anyAnswers)).toHaveLength(0);
    const press = story.fake.pressButton({ channel: milDm, user: DUSERS.milo.id }, confirm.id, customIdOf(confirm, 'Ask it'));
    await story.handledId(press.id, 'Ask it');
    const askCard = await story.fake.until(
      () => story.botMessages(milDm).find((m) => labels(m).includes('Close')),
      'the ask card in the DM',
    );
    expect(shownText(askCard)).toContain('Who runs good mentoring schemes?');
    expect(story.fake.requestsTo('POST', /\/threads$/)).toHaveLength(0);

    const copy = story.last(story.anyAnswers);
    expect(copy.text).toContain('Milo in L&D Guild asks:');
    await story.world.say(story.tess, story.thread(copy), 'Our mentoring circles pair new and old hands.');
    story.clock.advance(DIGEST_INTERVAL);
    expect(await story.engine.digestTick()).toEqual({ digests: 1 });
    await story.settle();
    const digest = await story.fake.until(
      () => story.botMessages(milDm).find((m) => shownText(m).includes('mentoring circles')),
      'the digest in the DM',
    );
    expect(digest.message_reference).toMatchObject({ message_id: askCard.id });
  });
});
