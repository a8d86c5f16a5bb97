import { createClient } from '@keyv/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sets } from '../../../src/core/keys.js';
import { FakeSlack, type StoredMessage } from '../../fakes/slack/fake-web-api.js';
import { SlackDriver, slackSignature } from '../../fakes/slack/signed-driver.js';
import { mulberry32 } from '../../support/prng.js';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import {
  Cluster,
  deliveryKey,
  flushDb,
  forwardWithFailover,
  LoadBalancer,
  openInspector,
  shown,
  SIGNING_SECRET,
  sleep,
  threadReply,
  until,
  withDb,
} from '../../support/cluster.js';

/**
 * SIGKILL one of two instances at seeded random moments while an ask fans out to 50 channels,
 * ten times in a row, with replies flowing through the load balancer the whole time. Each
 * channel must end with exactly one copy of each ask, and each reply that an instance
 * acknowledged must be in exactly one digest.
 *
 * FEELERS_CHAOS_SEED repeats the kill schedule (timings still vary); the seed is printed. When
 * something is lost, the printed report names each loss and its path: an ask whose fan-out was
 * cut short (copies never written to the outbox), a delivery written but never added to it,
 * or a reply acknowledged and then killed before it was stored.
 */

const DB = 12;
const SEED = Number(process.env['FEELERS_CHAOS_SEED'] ?? 20_240_611);
const ROUNDS = 10;
const CASK = 'CASK';
/**
 * 50 grounds in 10 workspaces: the adapter paces 5 posts/s per workspace, so they go in parallel.
 * Every ask card and digest goes to one channel, CASK, which Slack allows about one post a
 * second: digests every 10 s keep that channel's backlog short.
 */
const GROUNDS = Array.from({ length: 50 }, (_, i) => ({ team: `W${Math.floor(i / 5)}`, channel: `CG${String(i).padStart(2, '0')}` }));
const RESPONDERS = Array.from({ length: 20 }, (_, i) => `UR${String(i).padStart(2, '0')}`);
const YAML = `
grounds:
${GROUNDS.map((g) => `  - { network: slack, community: "${g.team}", channel: "${g.channel}" }`).join('\n')}
schedule: { digest: "*/10 * * * * *", outboxRetry: "*/1 * * * * *", expirySweep: "0 0 * * *" }
claims: { seconds: 3 }
limits: { asksPerDay: 100, prodsPerAsk: 0 }
`;

let redis: TestRedis;
let fake: FakeSlack;
let cluster: Cluster | undefined;
let lb: LoadBalancer | undefined;

beforeAll(async () => {
  redis = await startTestRedis();
  const url = withDb(redis.url, DB);
  await flushDb(url);
  fake = await FakeSlack.start({
    team: { id: 'T1', name: 'TrainingZone' },
    users: [
      { id: 'UJANE', name: 'jane', realName: 'Jane' },
      ...RESPONDERS.map((id) => ({ id, name: id.toLowerCase(), realName: `Person ${id}` })),
    ],
  });
  cluster = await Cluster.start({ size: 2, storeUrl: url, slackApiUrl: fake.apiUrl, slackBotToken: fake.botToken, yaml: YAML });
  const c = cluster;
  lb = await LoadBalancer.start(() => c.bases);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  await lb?.close();
  await fake?.close();
  await redis?.stop();
}, 60_000);

/** For a failure message: each missing copy's outbox entry as the store has it. */
async function missingCopies(asks: readonly string[], copiesOf: (askToken: string) => StoredMessage[]): Promise<string> {
  const { store, repo } = await openInspector(withDb(redis.url, DB));
  const lines: string[] = [];
  try {
    const outbox = await store.setMembers(sets.outbox);
    lines.push(`outbox holds ${outbox.length}`);
    for (const askId of await store.setMembers(sets.openAsks)) {
      const ask = await repo.ask(askId);
      const token = asks.find((a) => ask?.text.includes(a));
      if (!ask || !token) continue;
      const have = new Set(copiesOf(token).map((m) => m.channel));
      const written = await store.setSize(sets.copies(askId));
      if (written !== GROUNDS.length)
        lines.push(`${token}: only ${written} of ${GROUNDS.length} copies were ever written to the outbox (fan-out cut short)`);
      for (const copyId of await store.setMembers(sets.copies(askId))) {
        const copy = await repo.copy(copyId);
        if (!copy?.place || have.has(copy.place.channel)) continue;
        const d = await repo.deliveries.delivery(copy.deliveryId);
        lines.push(
          `missing ${token} in ${copy.place.channel}: delivery ${JSON.stringify({ ...d, card: undefined })} inOutbox=${outbox.includes(copy.deliveryId)}`,
        );
      }
    }
  } finally {
    await store.close();
  }
  return lines.join('\n');
}

/** Tokens of every reply the store holds, whatever digests say. */
async function storedReplyTokens(): Promise<Set<string>> {
  const { store, repo } = await openInspector(withDb(redis.url, DB));
  const out = new Set<string>();
  try {
    for (const askId of await store.setMembers(sets.openAsks)) {
      for (const id of await store.setMembers(sets.replies(askId))) {
        const token = /chaosreply\d+/.exec((await repo.reply(id))?.text ?? '')?.[0];
        if (token) out.add(token);
      }
    }
  } finally {
    await store.close();
  }
  return out;
}

/** The digest lock, the asks waiting for a digest, and the outbox, as Redis has them. */
async function digestState(): Promise<string> {
  const url = withDb(redis.url, DB);
  const client = createClient({ url });
  await client.connect();
  const { store, repo } = await openInspector(url);
  try {
    const lock = await client.hGetAll('feelers:lease:lock:digest');
    const dirty = await client.sMembers('feelers:set:dirty-asks');
    const lines = [`lock:digest ${JSON.stringify(lock)} (now ${Date.now()}); dirty asks ${dirty.length}`];
    for (const askId of await store.setMembers(sets.openAsks)) {
      const fresh = await store.setSize(sets.fresh(askId));
      if (fresh) lines.push(`ask ${askId}: ${fresh} items waiting in its fresh set, dirty=${dirty.includes(askId)}`);
    }
    for (const id of await store.setMembers(sets.outbox)) {
      const d = await repo.deliveries.delivery(id);
      lines.push(
        `outbox ${id}: ${d ? `${d.purpose.kind} ${d.state} attempts=${d.attempts} sendingSince=${d.sendingSince ?? '-'} lastError=${d.lastError ?? '-'}` : 'no document'}`,
      );
    }
    return lines.join('\n');
  } finally {
    await store.close();
    await client.close();
  }
}

interface SentReply {
  readonly token: string;
  readonly askToken: string;
  readonly status: number;
  readonly instance: number;
  readonly failovers: number;
  readonly at: number;
  /** What the last attempt got, when no instance answered 2xx. */
  readonly detail?: string;
}

describe('chaos: SIGKILL during fan-out', () => {
  it('leaves one copy per channel per ask and digests every acknowledged reply once', async () => {
    const c = cluster!;
    const random = mulberry32(SEED);
    console.log(`chaos seed ${SEED} (set FEELERS_CHAOS_SEED to repeat)`);
    const jane = new SlackDriver({ url: lb!.url, signingSecret: SIGNING_SECRET, teamId: 'T1' });
    const kills: { instance: number; at: number; round: number }[] = [];
    const sent: SentReply[] = [];
    const asks: string[] = [];

    const copiesOf = (askToken: string): StoredMessage[] =>
      GROUNDS.flatMap((g) =>
        fake.messagesIn(g.channel).filter((m) => m.user === fake.botUserId && !m.thread_ts && shown(m).includes(askToken)),
      );

    // Replies go on all the time, through the load balancer's failover, into copies already out.
    let replying = true;
    let seq = 0;
    const replier = (async () => {
      while (replying) {
        const askToken = asks[Math.floor(random() * asks.length)];
        const copies = askToken ? copiesOf(askToken) : [];
        const copy = copies[Math.floor(random() * copies.length)];
        if (askToken && copy) {
          const team = GROUNDS.find((g) => g.channel === copy.channel)!.team;
          const who = RESPONDERS[seq % RESPONDERS.length]!;
          const token = `chaosreply${String(seq++).padStart(4, '0')}`;
          const d = new SlackDriver({ url: lb!.url, signingSecret: SIGNING_SECRET, teamId: team });
          const body = JSON.stringify(d.envelope(threadReply(copy.channel, who, `Here is one: ${token}`, copy.ts)));
          const ts = Math.floor(Date.now() / 1000);
          const f = await forwardWithFailover(c.bases, seq % 2, '/slack/events', body, {
            'content-type': 'application/json',
            'x-slack-request-timestamp': String(ts),
            'x-slack-signature': slackSignature(SIGNING_SECRET, ts, body),
          });
          const detail = f.status === 200 ? undefined : `${f.status} ${f.body.slice(0, 300)}`;
          sent.push({ token, askToken, status: f.status, instance: f.instance, failovers: f.failovers, at: Date.now(), detail });
        }
        await sleep(150);
      }
    })();

    try {
      for (let round = 0; round < ROUNDS; round++) {
        const askToken = `chaosask${round}`;
        const victim = random() < 0.5 ? 0 : 1;
        const delay = Math.floor(random() * 1_500);
        const res = await jane.command({
          command: '/ask',
          text: `Round ${round}: who knows about ${askToken}?`,
          user: 'UJANE',
          channel: CASK,
        });
        expect(res.status, `ask ${round}`).toBe(200);
        asks.push(askToken);
        await sleep(delay);
        kills.push({ instance: victim, at: Date.now(), round });
        await c.kill(victim);
        await c.startOne(victim);
      }
    } finally {
      replying = false;
      await replier;
    }

    const acked = sent.filter((s) => s.status === 200);
    const wanted = asks.length * GROUNDS.length;
    const copyCount = () => asks.reduce((n, a) => n + new Set(copiesOf(a).map((m) => m.channel)).size, 0);
    const cardOf = (askToken: string) =>
      fake.messagesIn(CASK).find((m) => m.user === fake.botUserId && !m.thread_ts && shown(m).includes(askToken));
    const digestsWith = (s: SentReply): StoredMessage[] => {
      const card = cardOf(s.askToken);
      return card
        ? fake.messagesIn(CASK).filter((m) => m.thread_ts === card.ts && m.user === fake.botUserId && shown(m).includes(s.token))
        : [];
    };
    // What never arrives is reported below with its cause, not waited for forever.
    await until(() => copyCount() === wanted, 'all copies', 45_000).catch(() => undefined);
    await until(() => acked.every((s) => digestsWith(s).length > 0), 'every acknowledged reply digested', 60_000).catch(() => undefined);
    // One more digest tick: a tick run twice, or a digest resent, would show up now.
    await sleep(11_000);

    const copyProblems: string[] = [];
    for (const a of asks) {
      const perChannel = new Map<string, number>();
      for (const m of copiesOf(a)) perChannel.set(m.channel, (perChannel.get(m.channel) ?? 0) + 1);
      const doubledIn = [...perChannel].filter(([, n]) => n > 1).map(([ch]) => ch);
      if (doubledIn.length) copyProblems.push(`${a}: posted twice in ${doubledIn.join(', ')}`);
      if (perChannel.size !== GROUNDS.length) copyProblems.push(`${a}: in ${perChannel.size} of ${GROUNDS.length} channels`);
    }
    const botPosts = [...GROUNDS.map((g) => g.channel), CASK].flatMap((ch) => fake.messagesIn(ch).filter((m) => m.user === fake.botUserId));
    const keys = botPosts.map(deliveryKey).filter((k): k is string => k !== undefined);

    const doubled = acked.filter((s) => digestsWith(s).length > 1);
    const lost = acked.filter((s) => digestsWith(s).length === 0);
    const storedTokens = await storedReplyTokens();
    const describeLoss = (s: SentReply): string => {
      const kill = kills.find((k) => k.instance === s.instance && k.at >= s.at);
      const when = kill ? `SIGKILLed ${kill.at - s.at} ms after its ack (round ${kill.round})` : 'never killed after its ack';
      return `${s.token}: acked by instance ${s.instance} (after ${s.failovers} failovers), ${when}; reply ${storedTokens.has(s.token) ? 'stored but never digested' : 'never stored'}`;
    };
    console.log(
      `chaos seed ${SEED}: ${asks.length} asks x ${GROUNDS.length} channels, copies ${copyCount()}/${wanted}; ` +
        `${sent.length} replies sent, ${acked.length} acknowledged, ${sent.reduce((n, s) => n + s.failovers, 0)} failovers, ` +
        `${lost.length} lost, ${doubled.length} digested twice`,
    );
    for (const line of copyProblems) console.log(`  copies: ${line}`);
    for (const s of lost) console.log(`  lost reply: ${describeLoss(s)}`);
    for (const s of sent.filter((x) => x.status !== 200)) console.log(`  unacknowledged reply ${s.token}: ${s.detail ?? ''}`);
    if (copyProblems.length) console.log(await missingCopies(asks, copiesOf));
    if (lost.length) console.log(await digestState());

    // Never twice: these hold whatever the kills hit.
    expect(keys.length - new Set(keys).size, 'posts sharing an idempotency key').toBe(0);
    expect(
      copyProblems.filter((p) => p.includes('twice')),
      'copies posted twice',
    ).toEqual([]);
    expect(
      doubled.map((s) => s.token),
      'replies digested twice',
    ).toEqual([]);
    // Never lost: an event acknowledged to Slack must be finished by someone.
    expect(sent.length - acked.length, 'replies no instance acknowledged').toBe(0);
    expect(copyProblems, 'copies missing').toEqual([]);
    expect(lost.map(describeLoss), 'acknowledged replies missing from every digest').toEqual([]);
  }, 240_000);
});
