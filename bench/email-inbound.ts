/**
 * Inbound mail handled per second: a mailbox of 10,000 replies to a copy on a mailing list, read
 * by the email adapter from the real Dovecot (IMAP FETCH of the sources, mailparser, quoted text
 * stripped, the thread found by In-Reply-To) and handled by the engine (each becomes a reply of
 * the ask). Target on these machines: >= 200 mails/s.
 *
 * Needs the test mail servers (scripts/mail-servers.sh start; FEELERS_TEST_SMTP_URL,
 * FEELERS_TEST_IMAP_URL, FEELERS_TEST_MAIL_DIR).
 *
 * Run: node scripts/bench.mjs email-inbound   (or npx tsx bench/email-inbound.ts [mails])
 */
import { EmailStory } from '../test/support/mail/email-story.js';
import { simpleParser } from 'mailparser';
import { appendTo, readMailbox, withImap } from '../test/support/mail/mailbox.js';
import { delivered, mailServers } from '../test/support/mail/servers.js';
import { until } from '../test/support/wait.js';
import { check, int, result, since } from './measure.js';

const MAILS = Number(process.argv[2] ?? 10_000);
const PEOPLE = 50;
const TARGET = 200;

function reply(s: EmailStory, copyId: string, i: number): Buffer {
  const who = s.mail.address(`p${i % PEOPLE}`);
  return Buffer.from(
    [
      `From: Person ${i % PEOPLE} <${who}>`,
      `To: ${s.mail.list}`,
      `Subject: Re: Which organisations have a culture of collaborative learning?`,
      `Message-ID: <bench-${i}-${s.mail.tag}@test.example>`,
      `In-Reply-To: ${copyId}`,
      `References: ${copyId}`,
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Reply number ${i}: the Open University runs learning circles; ask their L&D lead.`,
      '',
      'On Fri, 4 Dec 2026, feelers wrote:',
      '> Which organisations have a culture of collaborative learning?',
      '',
    ].join('\r\n'),
  );
}

async function main(): Promise<void> {
  if (!mailServers) throw new Error('no mail servers: run scripts/mail-servers.sh start and export what it prints');
  const s = await new EmailStory().start();
  try {
    await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'connect');
    await s.world.command(s.harold, s.askAround, 'ask', 'Which organisations have a culture of collaborative learning? #learning');
    await s.settle();
    await delivered();
    const copy = (await readMailbox(s.mail.archive)).find((m) => m.from === s.mail.bot)!;
    const [askId] = await s.openAsks();

    // The mailbox is filled while the adapter is stopped, so the figure is reading a full mailbox.
    await s.mail.adapter.stop();
    const filling = performance.now();
    const batch: Buffer[] = [];
    for (let i = 0; i < MAILS; i++) batch.push(reply(s, copy.messageId, i));
    // Eight IMAP connections append at once: one APPEND waits for its answer before the next.
    const lanes = 8;
    await Promise.all(
      Array.from({ length: lanes }, (_, l) =>
        appendTo(
          s.mail.bot,
          batch.filter((_, i) => i % lanes === l),
        ),
      ),
    );
    console.log(`  setup: ${int(MAILS)} mails appended to the bot's INBOX in ${since(filling).toFixed(1)} s`);

    const before = s.mailHandled;
    const start = performance.now();
    await s.mail.adapter.start(async (e) => {
      try {
        return await s.mailSink!(e);
      } finally {
        s.mailHandled += 1;
      }
    });
    await until(() => s.mailHandled - before >= MAILS, `${MAILS} mails handled`, 600_000, 50);
    const seconds = since(start);
    const rate = MAILS / seconds;
    const replies = await s.replyTexts(askId!);
    check('every mail became one reply of the ask', replies.length === MAILS, `${int(replies.length)} replies for ${int(MAILS)} mails`);
    check(
      'quoted text stripped',
      replies.every((r) => !r.includes('feelers wrote')),
      'no "feelers wrote" in any reply',
    );
    result(
      `email inbound: ${int(MAILS)} mails read, parsed and handled`,
      `${int(rate)} mails/s (${seconds.toFixed(1)} s)`,
      `>= ${TARGET}/s`,
      rate >= TARGET,
    );

    // Baseline in the same run: the same mailbox fetched with imapflow and parsed with mailparser, nothing else.
    const base = performance.now();
    let parsed = 0;
    await withImap(s.mail.bot, async (c) => {
      for await (const m of c.fetch('1:*', { uid: true, source: true })) {
        if (m.source) {
          await simpleParser(m.source);
          parsed++;
        }
      }
    });
    const baseRate = parsed / since(base);
    result('baseline: the same mailbox fetched and parsed only', `${int(baseRate)} mails/s`, 'for the ratio');
    result('email inbound vs fetch-and-parse baseline', `${(baseRate / rate).toFixed(2)}× the baseline's time per mail`, 'info');
  } finally {
    await s.close();
  }
}

await main();
