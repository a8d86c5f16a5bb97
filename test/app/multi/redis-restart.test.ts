import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack, type StoredMessage } from '../../fakes/slack/fake-web-api.js';
import { SlackDriver } from '../../fakes/slack/signed-driver.js';
import { spawnTestRedis, type OwnedRedis } from '../../support/redis-server.js';
import { Cluster, deliveryKey, LoadBalancer, shown, SIGNING_SECRET, sleep, threadReply, until } from '../../support/cluster.js';

/**
 * Redis (append-only, so its data survives) stops mid-run while replies keep arriving through
 * two instances. Meanwhile each instance stays alive (/livez), says it is unhealthy and why
 * (/healthz 503 naming redis), and keeps what Slack sends in its local spool; once Redis is
 * back, the spooled events are processed: nothing lost, nothing doubled.
 */

const CASK = 'CASK';
const GROUNDS = [
  { team: 'W1', channel: 'CG1' },
  { team: 'W2', channel: 'CG2' },
  { team: 'W3', channel: 'CG3' },
];
const RESPONDERS = ['URIA', 'UOLA', 'UKIT', 'USAM'];
const YAML = `
grounds:
${GROUNDS.map((g) => `  - { network: slack, community: "${g.team}", channel: "${g.channel}" }`).join('\n')}
schedule: { digest: "*/2 * * * * *", outboxRetry: "*/1 * * * * *", expirySweep: "0 0 * * *" }
claims: { seconds: 3 }
`;

let redis: OwnedRedis | undefined;
let fake: FakeSlack;
let cluster: Cluster | undefined;
let lb: LoadBalancer | undefined;

beforeAll(async () => {
  redis = await spawnTestRedis({ persistent: true });
  fake = await FakeSlack.start({
    team: { id: 'T1', name: 'TrainingZone' },
    users: [
      { id: 'UJANE', name: 'jane', realName: 'Jane' },
      ...RESPONDERS.map((id) => ({ id, name: id.toLowerCase(), realName: id.slice(1) })),
    ],
  });
  cluster = await Cluster.start({ size: 2, storeUrl: redis.url, slackApiUrl: fake.apiUrl, slackBotToken: fake.botToken, yaml: YAML });
  const c = cluster;
  lb = await LoadBalancer.start(() => c.bases);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  await lb?.close();
  await fake?.close();
  await redis?.dispose();
}, 60_000);

/** Rows waiting in an instance's spool file (read-only, beside the running instance). */
function spooled(path: string): number {
  if (!existsSync(path)) return 0;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM spool').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('Redis restarted mid-run', () => {
  it('keeps serving, spools what arrives meanwhile, and loses or doubles nothing', async () => {
    const c = cluster!;
    const r = redis!;
    const driver = (team: string) => new SlackDriver({ url: lb!.url, signingSecret: SIGNING_SECRET, teamId: team });
    const top = (channel: string): StoredMessage[] => fake.messagesIn(channel).filter((m) => m.user === fake.botUserId && !m.thread_ts);

    await driver('T1').command({
      command: '/ask',
      text: 'Who has moved a team from Jenkins to GitHub Actions?',
      user: 'UJANE',
      channel: CASK,
    });
    await until(
      () => top(CASK).length === 1 && GROUNDS.every((g) => top(g.channel).length === 1),
      () => `card and copies\n${c.logs()}`,
    );
    const card = top(CASK)[0]!;

    const sent: string[] = [];
    const reply = async (n: number): Promise<void> => {
      const g = GROUNDS[n % GROUNDS.length]!;
      const token = `outage-reply-${n}`;
      const res = await driver(g.team).event(
        threadReply(g.channel, RESPONDERS[n % RESPONDERS.length]!, `Done it: ${token}`, top(g.channel)[0]!.ts),
      );
      expect(res.status, token).toBe(200);
      sent.push(token);
    };
    for (let n = 0; n < 4; n++) await reply(n);

    // Stop Redis just after a digest tick starts (ticks fall on even seconds), when a digest of
    // the replies above is most likely half done: the case a restart must not double.
    await sleep(2_000 - (Date.now() % 2_000) + 15);
    await r.stop();
    for (const i of [0, 1]) {
      await until(async () => (await c.health(i)).status === 503, `instance ${i} /healthz 503`);
      const h = await c.health(i);
      const parts = (JSON.parse(h.body) as { parts: Record<string, { ok: boolean; detail?: string }> }).parts;
      expect(parts['store']?.ok).toBe(false);
      expect(parts['store']?.detail).toMatch(/redis/i);
      expect(await c.livez(i)).toBe(200);
    }
    // Slack keeps sending while Redis is down; each instance acks and keeps the event locally.
    for (let n = 4; n < 10; n++) await reply(n);
    await until(
      () => c.instances.reduce((sum, x) => sum + spooled(x.spool), 0) >= 6,
      () => `6 events spooled (have ${c.instances.map((x) => spooled(x.spool)).join(' + ')})\n${c.logs()}`,
    );
    expect(
      c.instances.every((x) => spooled(x.spool) > 0),
      'both instances spooled',
    ).toBe(true);
    for (const i of [0, 1]) expect(await c.livez(i)).toBe(200);

    await r.start();
    for (const i of [0, 1]) await until(async () => (await c.health(i)).status === 200, `instance ${i} healthy again`);
    const digestsWith = (token: string) =>
      fake.messagesIn(CASK).filter((m) => m.thread_ts === card.ts && m.user === fake.botUserId && shown(m).includes(token));
    await until(
      () => sent.every((t) => digestsWith(t).length > 0),
      () => `every reply digested; missing ${sent.filter((t) => digestsWith(t).length === 0).join(', ')}\n${c.logs()}`,
      30_000,
    );
    await sleep(4_500);

    // On a failure, which digest carried what: a digest redone with a different set of items shows here.
    const digests = fake.messagesIn(CASK).filter((m) => m.thread_ts === card.ts && m.user === fake.botUserId);
    const contents = digests.map((m) => `${deliveryKey(m)}: ${sent.filter((t) => shown(m).includes(t)).join(' ')}`).join('\n');
    for (const t of sent) expect(digestsWith(t), `${t} in digests:\n${contents}`).toHaveLength(1);
    for (const x of c.instances) expect(spooled(x.spool), `spool of instance ${x.index}`).toBe(0);
    expect(top(CASK)).toHaveLength(1);
    for (const g of GROUNDS) expect(top(g.channel), g.channel).toHaveLength(1);
    const keys = fake
      .messagesIn(CASK)
      .filter((m) => m.user === fake.botUserId)
      .map(deliveryKey);
    expect(new Set(keys).size).toBe(keys.length);
  }, 150_000);
});
