/**
 * One ask fanned out to 500 list addresses through the local Postfix, against a plain
 * nodemailer loop with a pooled transport sending 500 mails of the same size in the same run.
 * Both count until the relay accepted the last mail (250 after DATA); delivery to mailboxes
 * happens after, in Postfix, for both alike. Target: feelers' time <= 1.05 × the loop's.
 *
 * The 500 "lists" are plain addresses (sink-<tag>-<n>@test.example): a list's expansion is
 * Postfix's work after acceptance, the same for both sides, and would only load the shared CPU.
 * The email adapter declares the local relay's capacity (FEELERS_EMAIL_RATE_PER_SEC's job in a
 * deployment): pacing at a hosted relay's quota would measure the quota, not feelers.
 *
 * Run: node scripts/bench.mjs email-fanout   (or npx tsx bench/email-fanout.ts [lists] [runs])
 */
import nodemailer from 'nodemailer';
import { SMTP_CONNECTIONS } from '../adapters/email/index.js';
import { EmailStory } from '../test/support/mail/email-story.js';
import { delivered, mailServers } from '../test/support/mail/servers.js';
import { check, int, median, result, since } from './measure.js';

const LISTS = Number(process.argv[2] ?? 500);
const RUNS = Number(process.argv[3] ?? 3);
/** The adapter's pool size; the loop gets the same. */
const CONNECTIONS = SMTP_CONNECTIONS;
const QUESTION = 'Which organisations have a successful culture of collaborative learning? #learning';

/** The plain loop: the same number of mails, about the size of a copy, through one pooled transport. */
async function baseline(smtpUrl: string, to: readonly string[], sample: { text: string; html: string }): Promise<number> {
  const t = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: CONNECTIONS, maxMessages: 100, logger: false });
  const start = performance.now();
  await Promise.all(
    to.map((address, i) =>
      t.sendMail({
        from: 'loop@test.example',
        to: address,
        subject: 'Jane asks: which organisations...',
        text: sample.text,
        html: sample.html,
        messageId: `<loop-${Date.now()}-${i}@test.example>`,
        headers: { 'Auto-Submitted': 'auto-generated' },
      }),
    ),
  );
  const seconds = since(start);
  t.close();
  return seconds;
}

async function feelersRun(run: number): Promise<{ seconds: number; sent: number; story: EmailStory }> {
  const tag = `${run}-${Date.now().toString(36)}`;
  const lists = Array.from({ length: LISTS - 1 }, (_, i) => `sink-${tag}-${i}@test.example`);
  const s = await new EmailStory({
    lists,
    // As DEFAULT_EMAIL_LIMITS: twice the pool's connections in flight, so none idles between two mails.
    adapter: { limits: { network: { ratePerSec: 10_000, burst: 10_000 }, concurrency: 2 * CONNECTIONS } },
  }).start();
  await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'connect');
  await delivered();
  const start = performance.now();
  await s.world.command(s.harold, s.askAround, 'ask', QUESTION);
  await s.drain(120_000);
  const seconds = since(start);
  const sent = s.mail.adapter
    ? (await s.engine.ctx.repo.copiesOf((await s.openAsks())[0]!)).filter((c) => c.ref?.network === 'email').length
    : 0;
  return { seconds, sent, story: s };
}

async function main(): Promise<void> {
  if (!mailServers) throw new Error('no mail servers: run scripts/mail-servers.sh start and export what it prints');
  const ours: number[] = [];
  const loops: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const f = await feelersRun(run);
    check(`run ${run + 1}: every list got its copy`, f.sent === LISTS, `${int(f.sent)} copies sent by email for ${int(LISTS)} lists`);
    await delivered();
    const sample = { text: 'x'.repeat(900), html: `<p>${'x'.repeat(1500)}</p>` };
    const to = Array.from({ length: LISTS }, (_, i) => `sink-loop-${run}-${i}@test.example`);
    await f.story.close();
    loops.push(await baseline(mailServers.smtpUrl, to, sample));
    ours.push(f.seconds);
    await delivered();
    console.log(`  run ${run + 1}: feelers ${f.seconds.toFixed(2)} s, loop ${loops.at(-1)!.toFixed(2)} s`);
  }
  const ratio = median(ours) / median(loops);
  result(
    `email fan-out: one ask to ${int(LISTS)} lists through Postfix`,
    `${median(ours).toFixed(2)} s (${int(LISTS / median(ours))} mails/s)`,
    'info',
  );
  result(
    'baseline: pooled nodemailer loop, same count',
    `${median(loops).toFixed(2)} s (${int(LISTS / median(loops))} mails/s)`,
    'for the ratio',
  );
  result('email fan-out vs the plain loop', `${ratio.toFixed(2)}×`, '<= 1.05', ratio <= 1.05);
}

await main();
