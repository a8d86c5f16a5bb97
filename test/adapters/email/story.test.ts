import { afterEach, expect, it } from 'vitest';
import { shownText as discordText } from '../../support/discord.js';
import { button, shownText } from '../../support/slack.js';
import { EmailStory } from '../../support/mail/email-story.js';
import { linkByLabel, openLink } from '../../support/mail/links.js';
import { sendAs } from '../../support/mail/mailbox.js';
import { describeWithMail } from '../../support/mail/servers.js';

const QUESTION = 'Which organisations have a successful culture of collaborative learning? #learning';
const CANY = 'CANY';

/**
 * The story across three networks: Slack (fake, real Bolt), Discord (fake, real
 * discord.js) and a mailing list on the real Postfix and Dovecot. Every email input is a mail sent
 * through Postfix and read by the adapter from Dovecot, or a POST on a link page; every Discord
 * input is a gateway event from the fake (a slash command, a message in a thread).
 */
describeWithMail('email end to end with the engine', () => {
  let s: EmailStory;
  afterEach(async () => s?.close());

  it('asks in Slack, copies go to the Discord channel and the list, an emailed reply is digested in Slack, and the intro waits for consent by link', async () => {
    s = await new EmailStory().start();
    const alice = s.person('alice');
    await s.slash('UTESS', CANY, '/feelers', 'connect');
    await s.discord.connect();
    await s.slash('UJANE', CANY, '/feelers', 'contact jane@tz.example');
    // Alice gives feelers her contact by mail, as a command to the bot.
    await s.mailed(() => sendAs(alice.user, { to: s.mail.bot, text: '/feelers contact alice@potters.example' }));

    await s.slash('UJANE', CANY, '/ask', QUESTION);
    await s.settle();
    const cardTs = s.botMessages(CANY)[0]!.ts;
    expect(discordText(await s.discord.copy())).toContain('Jane in TrainingZone asks:');

    // The copy on the list: one mail, to the list, with the buttons as links and its own reply address.
    const copies = (await s.inbox(alice.user)).filter((m) => m.to.includes(s.mail.list));
    expect(copies).toHaveLength(1);
    const copy = copies[0]!;
    expect(copy.text).toContain('collaborative learning');
    expect(copy.header('auto-submitted')).toBe('auto-generated');
    expect(copy.text).toMatch(/Follow: http:\/\/127\.0\.0\.1:\d+\/email\/link\?t=/);
    const replyTo = copy.header('reply-to')!.replace(/.*<|>.*/g, '');

    // Alice answers from her mail client: a reply, quoting the copy below her words.
    await s.mailed(() =>
      sendAs(alice.user, {
        to: replyTo,
        subject: `Re: ${copy.subject}`,
        inReplyTo: copy.messageId,
        references: [copy.messageId],
        text: `The Open University runs learning circles.\n\nOn Fri, feelers wrote:\n> ${QUESTION}`,
        name: 'Alice Potter',
      }),
    );
    expect(await s.engine.digestTick()).toEqual({ digests: 1 });
    await s.settle();
    const digest = s.posts(CANY).filter((c) => c.args.thread_ts === cardTs)[0]!;
    expect(shownText(digest.args)).toContain('The Open University runs learning circles.');
    expect(shownText(digest.args)).not.toContain('feelers wrote');
    expect(shownText(digest.args)).toContain('Potters List');
    const digestTs = s.botMessages(CANY, cardTs)[0]!.ts;

    // Jane requests the intro in Slack; Alice is asked by mail, with a link that is hers alone.
    const request = button(digest.args.blocks, 'Request intro');
    await s.press('UJANE', CANY, digestTs, request, cardTs);
    await s.settle();
    const asked = (await s.inbox(alice.user)).find((m) => m.header('x-feelers-kind') === 'dm' && m.text.includes('Share my contact'))!;
    expect(asked.text).toContain('Jane');
    const everywhere = async () =>
      [
        ...s.discord.everything(),
        ...s.fake.calls.map((c) => JSON.stringify(c.args)),
        ...(await s.inbox(alice.user)).map((m) => m.text),
      ].join('\n');
    expect(await everywhere()).not.toContain('alice@potters.example');
    expect(await everywhere()).not.toContain('jane@tz.example');

    // Consent is the POST of the link page: opening it, as a mail scanner would, shares nothing.
    await openLink(linkByLabel(asked, 'Share my contact').url);
    await s.settle();
    expect(await everywhere()).not.toContain('alice@potters.example');
    await s.follow(asked, 'Share my contact');
    await s.settle();
    const toJane = s.posts('DUJANE');
    expect(shownText(toJane.at(-1)!.args)).toContain('alice@potters.example');
    expect((await s.inbox(alice.user)).filter((m) => m.text.includes('jane@tz.example'))).toHaveLength(1);
  });

  it("asks by email, confirmed by its link; copies go to Slack and the Discord channel; replies there are digested by email in the asker's thread", async () => {
    s = await new EmailStory().start();
    const alice = s.person('alice');
    await s.slash('UTESS', CANY, '/feelers', 'connect');
    await s.discord.connect();

    // A mail to the bot from a member of the Potters community is an ask, confirmed privately first.
    await s.mailed(() =>
      sendAs(alice.user, {
        to: s.mail.bot,
        subject: 'raku',
        text: 'Who teaches raku firing near Leeds? #pottery\n\n-- \nAlice Potter\nPotters List',
        name: 'Alice Potter',
      }),
    );
    await s.settle();
    const confirm = (await s.inbox(alice.user)).find((m) => m.text.includes('Post this as a new question?'))!;
    expect(confirm.text).toContain('Post this as a new question?');
    expect(s.posts(CANY)).toHaveLength(0);
    await openLink(linkByLabel(confirm, 'Ask it').url);
    await s.settle();
    expect(s.posts(CANY)).toHaveLength(0);

    await s.follow(confirm, 'Ask it');
    await s.settle();
    const copy = s.posts(CANY)[0]!;
    expect(shownText(copy.args)).toContain('Alice Potter in Potters List asks:');
    expect(shownText(copy.args)).toContain('raku firing');
    expect(shownText(copy.args)).not.toContain('-- ');
    const onDiscord = await s.discord.copy();
    expect(discordText(onDiscord)).toContain('Alice Potter in Potters List asks:');
    expect(discordText(onDiscord)).toContain('raku firing');
    const copyTs = s.botMessages(CANY)[0]!.ts;

    await s.say('USAM', CANY, 'Sam at the Leeds studio runs raku days.', copyTs);
    // Harold answers in the thread Discord opened on the copy.
    await s.discord.reply('harold', onDiscord.id, 'Try the Guild kiln open day.');
    expect(await s.engine.digestTick()).toEqual({ digests: 1 });
    await s.settle();

    // The digest is a mail in the asker's thread: In-Reply-To the ask card's mail, Re: its subject.
    const mails = await s.inbox(alice.user);
    const card = mails.find((m) => m.header('x-feelers-kind') === 'dm' && m.text.startsWith('Alice Potter asks:'))!;
    // Mail arrives in the order the relay delivers it, not the order it was sent: found by content.
    const digest = mails.find((m) => m.text.includes('new replies'))!;
    expect(digest.text).toContain('Sam at the Leeds studio runs raku days.');
    expect(digest.text).toContain('Try the Guild kiln open day.');
    expect(digest.text).toContain('Harold (L&D Guild)');
    expect(digest.inReplyTo).toBe(card.messageId);
    expect(digest.subject).toMatch(/^Re: /);
  });
});
