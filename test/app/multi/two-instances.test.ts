import { createClient } from '@keyv/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionBinding } from '../../../src/core/model.js';
import type { Repo } from '../../../src/core/repo.js';
import type { Store } from '../../../src/ports/store.js';
import { FakeSlack, type StoredMessage } from '../../fakes/slack/fake-web-api.js';
import { SlackDriver } from '../../fakes/slack/signed-driver.js';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import {
  Cluster,
  deliveryKey,
  flushDb,
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
 * Two real feelers processes on one Redis behind a round-robin load balancer: every signed
 * Slack request goes to the other instance than the one before, and both instances' crons
 * race for the digest ticks. The story must come out as if there were one.
 */

const DB = 11;
const CASK = 'CASK';
const GROUNDS = [
  { team: 'T1', channel: 'CG1' },
  { team: 'T2', channel: 'CG2' },
  { team: 'T3', channel: 'CG3' },
];
const RESPONDERS = ['USAM', 'URIA', 'UOLA', 'UKIT'];
const YAML = `
connect: { allowAnyone: false }
schedule: { digest: "*/2 * * * * *", outboxRetry: "*/1 * * * * *", expirySweep: "0 0 * * *" }
claims: { seconds: 3 }
limits: { asksPerDay: 50 }
`;

let redis: TestRedis;
let url: string;
let fake: FakeSlack;
let cluster: Cluster | undefined;
let lb: LoadBalancer | undefined;
let inspect: { store: Store; repo: Repo } | undefined;
const drivers = new Map<string, SlackDriver>();

function driver(team: string): SlackDriver {
  if (!lb) throw new Error('no load balancer');
  let d = drivers.get(team);
  if (!d) drivers.set(team, (d = new SlackDriver({ url: lb.url, signingSecret: SIGNING_SECRET, teamId: team })));
  return d;
}

function botTop(channel: string): StoredMessage[] {
  return fake.messagesIn(channel).filter((m) => m.user === fake.botUserId && !m.thread_ts);
}

function botIn(channel: string, thread: string): StoredMessage[] {
  return fake.messagesIn(channel).filter((m) => m.user === fake.botUserId && m.thread_ts === thread);
}

/** The instances (`host-pid-random`) that took a digest tick in the last minute (lease keys live 60 s). */
async function digestTickOwners(): Promise<Set<string>> {
  const client = createClient({ url });
  await client.connect();
  const owners = new Set<string>();
  try {
    for await (const batch of client.scanIterator({ MATCH: 'feelers:lease:cron:*', COUNT: 500 })) {
      for (const key of batch) {
        if (!key.includes('digest')) continue;
        const owner = await client.hGet(key, 'owner');
        if (owner) owners.add(owner);
      }
    }
  } finally {
    await client.close();
  }
  return owners;
}

function buttons(blocks: unknown): { action_id: string; label: string }[] {
  if (!Array.isArray(blocks)) return [];
  return (blocks as { type?: string; elements?: { type?: string; action_id?: string; text?: { text?: string } }[] }[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .filter((e) => e.type === 'button' && typeof e.action_id === 'string')
    .map((e) => ({ action_id: e.action_id ?? '', label: e.text?.text ?? '' }));
}

beforeAll(async () => {
  redis = await startTestRedis();
  url = withDb(redis.url, DB);
  await flushDb(url);
  fake = await FakeSlack.start({
    team: { id: 'T1', name: 'TrainingZone' },
    users: [
      { id: 'UJANE', name: 'jane', realName: 'Jane' },
      { id: 'UTESS', name: 'tess', realName: 'Tess', isAdmin: true },
      ...RESPONDERS.map((id) => ({ id, name: id.slice(1).toLowerCase(), realName: id.slice(1, 2) + id.slice(2).toLowerCase() })),
    ],
  });
  cluster = await Cluster.start({ size: 2, storeUrl: url, slackApiUrl: fake.apiUrl, slackBotToken: fake.botToken, yaml: YAML });
  const c = cluster;
  lb = await LoadBalancer.start(() => c.bases);
  inspect = await openInspector(url);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  await lb?.close();
  await inspect?.store.close();
  await fake?.close();
  await redis?.stop();
}, 60_000);

describe('two instances on one Redis', () => {
  it('completes the story with events alternating between instances and both crons ticking', async () => {
    const c = cluster!;
    const { repo } = inspect!;
    const fail = () => c.logs();

    // Admins connect three grounds in three workspaces; the requests alternate between instances.
    for (const g of GROUNDS) {
      const res = await driver(g.team).command({ command: '/feelers', text: 'connect', user: 'UTESS', channel: g.channel });
      expect(res.status).toBe(200);
    }
    await until(
      async () => (await repo.allGrounds()).length === 3,
      () => `3 grounds\n${fail()}`,
    );
    await driver('T1').command({ command: '/feelers', text: 'contact jane@tz.example', user: 'UJANE', channel: CASK });
    await driver('T2').command({ command: '/feelers', text: 'contact sam@guild.example', user: 'USAM', channel: 'CG2' });
    await until(
      async () =>
        (await repo.profile({ network: 'slack', community: 'T1', user: 'UJANE' }))?.contact !== undefined &&
        (await repo.profile({ network: 'slack', community: 'T2', user: 'USAM' }))?.contact !== undefined,
      'both contacts saved',
    );

    await driver('T1').command({
      command: '/ask',
      text: 'Who has run a mentoring scheme across two companies?',
      user: 'UJANE',
      channel: CASK,
    });
    await until(
      () => botTop(CASK).length >= 1 && GROUNDS.every((g) => botTop(g.channel).length >= 1),
      () => `ask card and copies\n${fail()}`,
    );
    const card = botTop(CASK)[0]!;
    expect(shown(card)).toContain('mentoring scheme');

    // Three waves of replies in every copy's thread, each wave spread over both instances,
    // with digest ticks (every 2 s, on whichever instance wins the tick) in between.
    const sent: string[] = [];
    for (let wave = 0; wave < 3; wave++) {
      for (const [gi, g] of GROUNDS.entries()) {
        const copyTs = botTop(g.channel)[0]!.ts;
        const who = RESPONDERS[(wave + 3 * gi) % RESPONDERS.length]!;
        const token = `answer-w${wave}-g${gi}-${who.toLowerCase()}`;
        const res = await driver(g.team).event(threadReply(g.channel, who, `We did that: ${token}`, copyTs));
        expect(res.status).toBe(200);
        sent.push(token);
      }
      await sleep(2_500);
    }

    const digestsWith = (token: string) => botIn(CASK, card.ts).filter((m) => shown(m).includes(token));
    await until(
      () => sent.every((t) => digestsWith(t).length > 0),
      () => `every reply digested\n${fail()}`,
      30_000,
    );
    // Two more ticks: a tick run twice (one per instance) would show up as a second digest now.
    await sleep(4_500);

    const digests = botIn(CASK, card.ts);
    for (const t of sent) expect(digestsWith(t), t).toHaveLength(1);
    const keys = digests.map(deliveryKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(digests.length).toBeGreaterThanOrEqual(2);
    expect(botTop(CASK)).toHaveLength(1);
    for (const g of GROUNDS) expect(botTop(g.channel), g.channel).toHaveLength(1);

    // Both instances' crons run digest ticks: node-cron's coordinator key names the instance (its pid).
    // Which instance wins a tick is a race one of them can win every time, so an instance that
    // has not won one yet gets the next ticks to itself while the other is frozen.
    const pids = c.instances.map((x) => x.pids[0]);
    let owners = await digestTickOwners();
    for (const [i, pid] of pids.entries()) {
      if ([...owners].some((o) => o.includes(`-${pid}-`))) continue;
      const others = c.instances.filter((x) => x.index !== i);
      for (const o of others) c.freeze(o.index, true);
      try {
        await sleep(4_500);
      } finally {
        for (const o of others) c.freeze(o.index, false);
      }
      owners = await digestTickOwners();
    }
    for (const pid of pids)
      expect(
        [...owners].some((o) => o.includes(`-${pid}-`)),
        `digest ticks owned by pid ${pid}: ${[...owners].join(', ')}`,
      ).toBe(true);

    // Jane asks for an introduction to Sam on one instance; Sam consents on the other.
    // Sam's reply in CG2 (workspace T2, where he saved his contact).
    const samDigest = digests.find((m) => shown(m).includes('answer-w1-g1-usam'))!;
    let request: string | undefined;
    // Sam is a person of the workspace his reply came from; only he, there, may press Share.
    let samTeam = '';
    for (const b of buttons(samDigest.blocks).filter((x) => x.label === 'Request intro')) {
      const binding = await inspect!.store.get<ActionBinding>(`act:${b.action_id}`);
      const reply = binding?.replyId ? await repo.reply(binding.replyId) : undefined;
      if (reply?.author.user === 'USAM' && reply.author.community === 'T2') {
        request = b.action_id;
        samTeam = reply.author.community;
      }
    }
    expect(request).toBeDefined();
    lb!.pin = 0;
    await driver('T1').blockAction({ user: 'UJANE', channel: CASK, messageTs: samDigest.ts, threadTs: card.ts, actionId: request! });
    await until(
      () => fake.messagesIn('DUSAM').some((m) => buttons(m.blocks).some((b) => b.label === 'Share my contact')),
      () => `intro request DM\n${fail()}`,
    );
    const ask = fake.messagesIn('DUSAM').find((m) => buttons(m.blocks).some((b) => b.label === 'Share my contact'))!;
    expect(shown(ask)).toContain('Jane');
    const everything = () => fake.calls.map((x) => JSON.stringify(x.args)).join('\n');
    expect(everything()).not.toContain('jane@tz.example');
    expect(everything()).not.toContain('sam@guild.example');

    lb!.pin = 1;
    const share = buttons(ask.blocks).find((b) => b.label === 'Share my contact')!;
    await driver(samTeam).blockAction({ user: 'USAM', channel: 'DUSAM', messageTs: ask.ts, actionId: share.action_id });
    lb!.pin = undefined;
    await until(
      () =>
        fake.messagesIn('DUJANE').some((m) => shown(m).includes('sam@guild.example')) &&
        fake.messagesIn('DUSAM').some((m) => shown(m).includes('jane@tz.example')),
      () => `contacts exchanged; Sam was told ${JSON.stringify(fake.ephemeralsFor('USAM'))}\n${fail()}`,
    );
    expect(lb!.stats.answeredBy.every((n) => n > 0)).toBe(true);
    expect(lb!.stats.gaveUp).toBe(0);
  }, 150_000);
});
