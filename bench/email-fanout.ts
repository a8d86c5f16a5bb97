/**
 * One ask fanned out to 500 list addresses through the local Postfix, against a plain
 * nodemailer loop with a pooled transport sending 500 of the same mail (a copy feelers sent,
 * read back from its mailbox) in the same run.
 * Both count until the relay accepted the last mail (250 after DATA); delivery to mailboxes
 * happens after, in Postfix, for both alike. Target: feelers' time <= 1.05 × the loop's.
 *
 * feelers runs as deployed by default: SQLite in a file, the email adapter's state in the same
 * store (`memory` as the third argument measures the in-process store). Both sides get warm-up
 * rounds that are not counted (the first fan-out of a process pays the JIT, and a bot is a
 * long-running process), then the counted rounds alternate which side goes first, and each side
 * starts with the relay's queue empty.
 *
 * The 500 "lists" are plain addresses (sink-<tag>-<n>@test.example, new each round for both
 * sides, so the mailboxes Dovecot creates at a first delivery cost both alike): a list's expansion is
 * Postfix's work after acceptance, the same for both sides, and would only load the shared CPU.
 * The email adapter declares the local relay's capacity (FEELERS_EMAIL_RATE_PER_SEC's job in a
 * deployment): pacing at a hosted relay's quota would measure the quota, not feelers.
 *
 * Run: node scripts/bench.mjs email-fanout   (or npx tsx bench/email-fanout.ts [lists] [runs] [sqlite|memory] [warm-up rounds])
 */
import nodemailer from 'nodemailer';
import { SMTP_CONNECTIONS } from '../adapters/email/index.js';
import type { StoreKind } from '../test/support/core.js';
import { EmailStory } from '../test/support/mail/email-story.js';
import { readMailbox } from '../test/support/mail/mailbox.js';
import { delivered, mailServers } from '../test/support/mail/servers.js';
import { check, cpuMs, int, median, result, since } from './measure.js';

const LISTS = Number(process.argv[2] ?? 500);
const RUNS = Number(process.argv[3] ?? 5);
/** Both stores unless one is named: SQLite as deployed, and the memory store, which shows the engine's own share. */
const STORES: readonly StoreKind[] =
  process.argv[4] === 'memory' ? ['memory'] : process.argv[4] === 'sqlite' ? ['sqlite'] : ['sqlite', 'memory'];
const WARMUP = Number(process.argv[5] ?? 2);
/** The adapter's pool size; the loop gets the same. */
const CONNECTIONS = SMTP_CONNECTIONS;
const QUESTION = 'Which organisations have a successful culture of collaborative learning? #learning';

/** What one copy looked like in its reader's mailbox: the loop sends the same mail. */
interface Sample {
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly replyTo: string;
}

/**
 * The plain loop: the same number of mails, each the copy feelers sent (its subject, text and
 * HTML parts with their links, its Reply-To and Auto-Submitted), through one pooled transport.
 */
async function baseline(smtpUrl: string, to: readonly string[], sample: Sample): Promise<Timed> {
  const t = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: CONNECTIONS, maxMessages: 100, logger: false });
  const start = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    to.map((address, i) =>
      t.sendMail({
        from: { name: 'feelers', address: sample.from },
        envelope: { from: sample.from, to: [address] },
        to: address,
        subject: sample.subject,
        text: sample.text,
        html: sample.html,
        replyTo: sample.replyTo,
        messageId: `<loop-${Date.now()}-${i}@test.example>`,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Feelers-Kind': 'post' },
      }),
    ),
  );
  const timed = { seconds: since(start), cpuMs: cpuMs(cpu) };
  t.close();
  return timed;
}

/** Wall time, and this process's CPU time over it (user + system). */
interface Timed {
  readonly seconds: number;
  readonly cpuMs: number;
}

/** The copy one list received, read back from its mailbox. */
async function sampleOf(s: EmailStory, address: string): Promise<Sample> {
  await delivered();
  const copy = (await readMailbox(address)).find((m) => m.from === s.mail.bot);
  if (!copy) throw new Error(`no copy in ${address}`);
  return { from: s.mail.bot, subject: copy.subject, text: copy.text, html: copy.html, replyTo: copy.header('reply-to') ?? s.mail.bot };
}

async function feelersRun(store: StoreKind, run: number): Promise<Timed & { sent: number; story: EmailStory; sink: string }> {
  const tag = `${run}-${Date.now().toString(36)}`;
  const lists = Array.from({ length: LISTS - 1 }, (_, i) => `sink-${tag}-${i}@test.example`);
  const s = await new EmailStory({
    lists,
    store,
    // As DEFAULT_EMAIL_LIMITS: twice the pool's connections in flight, so none idles between two mails.
    adapter: { limits: { network: { ratePerSec: 10_000, burst: 10_000 }, concurrency: 2 * CONNECTIONS } },
  }).start();
  await s.world.command(s.guildAdmin, s.askAround, 'feelers', 'connect');
  await delivered();
  const start = performance.now();
  const cpu = process.cpuUsage();
  await s.world.command(s.harold, s.askAround, 'ask', QUESTION);
  await s.drain(120_000);
  const timed = { seconds: since(start), cpuMs: cpuMs(cpu) };
  const sent = (await s.engine.ctx.repo.copiesOf((await s.openAsks())[0]!)).filter((c) => c.ref?.network === 'email').length;
  return { ...timed, sent, story: s, sink: lists[0]! };
}

/** Both sides of one round, in the order given; the loop sends the copy the first feelers run sent. */
async function round(
  smtpUrl: string,
  store: StoreKind,
  run: number,
  loopFirst: boolean,
  sample: Sample | undefined,
): Promise<{ ours: Timed; loop: Timed; sample: Sample }> {
  const loopSide = async (copy: Sample): Promise<Timed> => {
    // New addresses each round, as feelers' lists are: Dovecot makes a mailbox at a first delivery,
    // and that work (on the shared cores) must fall on both sides alike.
    const tag = `loop-${run}-${Date.now().toString(36)}`;
    const to = Array.from({ length: LISTS }, (_, i) => `sink-${tag}-${i}@test.example`);
    const t = await baseline(smtpUrl, to, copy);
    await delivered();
    return t;
  };
  const first = loopFirst && sample ? await loopSide(sample) : undefined;
  const f = await feelersRun(store, run);
  check(`round ${run + 1}: every list got its copy`, f.sent === LISTS, `${int(f.sent)} copies sent by email for ${int(LISTS)} lists`);
  const copy = sample ?? (await sampleOf(f.story, f.sink));
  await f.story.close();
  await delivered();
  return { ours: f, loop: first ?? (await loopSide(copy)), sample: copy };
}

/** Medians of the counted rounds of one store: feelers and the loop, wall time and process CPU. */
interface Figures {
  readonly ours: number;
  readonly loop: number;
  readonly ourCpu: number;
  readonly loopCpu: number;
}

async function rounds(smtpUrl: string, store: StoreKind, first: Sample | undefined): Promise<{ figures: Figures; sample: Sample }> {
  console.log(
    `  feelers on ${store === 'sqlite' ? 'SQLite (a file, as deployed)' : 'the memory store'}: ${WARMUP} warm-up rounds, then ${RUNS} counted`,
  );
  const ours: number[] = [];
  const loops: number[] = [];
  const ourCpu: number[] = [];
  const loopCpu: number[] = [];
  let sample = first;
  for (let run = 0; run < WARMUP + RUNS; run++) {
    const loopFirst = run % 2 === 1;
    const r = await round(smtpUrl, store, run, loopFirst, sample);
    if (!sample) console.log(`  a copy: ${int(r.sample.text.length)} characters of text, ${int(r.sample.html.length)} of HTML`);
    sample = r.sample;
    const counted = run >= WARMUP;
    if (counted) {
      ours.push(r.ours.seconds);
      loops.push(r.loop.seconds);
      ourCpu.push(r.ours.cpuMs);
      loopCpu.push(r.loop.cpuMs);
    }
    console.log(
      `  ${counted ? `run ${run - WARMUP + 1}` : 'warm-up'} (${loopFirst ? 'loop first' : 'feelers first'}): feelers ${r.ours.seconds.toFixed(2)} s (CPU ${int(r.ours.cpuMs)} ms), loop ${r.loop.seconds.toFixed(2)} s (CPU ${int(r.loop.cpuMs)} ms)`,
    );
  }
  if (!sample) throw new Error('no round ran');
  return { figures: { ours: median(ours), loop: median(loops), ourCpu: median(ourCpu), loopCpu: median(loopCpu) }, sample };
}

async function main(): Promise<void> {
  if (!mailServers) throw new Error('no mail servers: run scripts/mail-servers.sh start and export what it prints');
  let sample: Sample | undefined;
  const by = new Map<StoreKind, Figures>();
  for (const store of STORES) {
    const r = await rounds(mailServers.smtpUrl, store, sample);
    sample = r.sample;
    by.set(store, r.figures);
  }
  for (const [store, f] of by) {
    const on = store === 'sqlite' ? 'SQLite, as deployed' : 'memory store';
    result(
      `email fan-out (${on}): one ask to ${int(LISTS)} lists through Postfix`,
      `${f.ours.toFixed(2)} s (${int(LISTS / f.ours)} mails/s); loop ${f.loop.toFixed(2)} s (${int(LISTS / f.loop)} mails/s)`,
      'info',
    );
    // The relay (Postfix, Dovecot's LMTP delivery, the kernel's writeback) shares the two cores
    // with the sender: the process's CPU per mail says what feelers itself adds.
    result(
      `process CPU per mail (${on}): feelers / plain loop`,
      `${(f.ourCpu / LISTS).toFixed(2)} ms / ${(f.loopCpu / LISTS).toFixed(2)} ms`,
      'info',
    );
    const ratio = f.ours / f.loop;
    result(`email fan-out vs the plain loop (${on})`, `${ratio.toFixed(2)}×`, '<= 1.05', ratio <= 1.05);
  }
}

await main();
