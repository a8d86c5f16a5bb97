/**
 * Two real feelers processes on one Redis, acknowledging Slack events under load.
 *
 * Signed Events API requests (message events in a copy's thread, each its own event id) at
 * RATE per second for SECONDS, alternating between the two instances' /slack/events, over
 * keep-alive connections, from this process (an open loop: requests go on schedule, not when
 * the previous answer came).
 *
 * Figures: ack latency p50/p99 (target p99 < 50 ms: Slack gives 3 s and retries past it),
 * events lost (replies stored in Redis vs events sent; target 0), peak RSS per instance
 * (VmHWM). The generator, both instances, Redis and the fake Slack share the machine's cores,
 * so the load average is printed before and after: read the latency with it.
 *
 * Run: npx tsx bench/multi-ack.ts [ratePerSec] [seconds]
 */
import { Agent } from 'node:http';
import { loadavg } from 'node:os';
import { sets } from '../src/core/keys.js';
import { FakeSlack } from '../test/fakes/slack/fake-web-api.js';
import { SlackDriver } from '../test/fakes/slack/signed-driver.js';
import { Cluster, flushDb, openInspector, SIGNING_SECRET, withDb } from '../test/support/cluster.js';
import { startTestRedis } from '../test/support/redis-server.js';
import { sleep } from '../test/support/wait.js';
import { check, int, percentile, postSigned, result } from './measure.js';

const RATE = Number(process.argv[2] ?? 200);
const SECONDS = Number(process.argv[3] ?? 60);
const TARGET_P99_MS = 50;
const CHANNEL = 'CG1';
const PEOPLE = 50;
const DB = 13;

const users = Array.from({ length: PEOPLE }, (_, i) => ({
  id: `UP${String(i).padStart(3, '0')}`,
  name: `person${i}`,
  realName: `Person ${i}`,
}));
const redis = await startTestRedis();
const url = withDb(redis.url, DB);
await flushDb(url);
const fake = await FakeSlack.start({
  team: { id: 'T1', name: 'TrainingZone' },
  users: [{ id: 'UJANE', name: 'jane', realName: 'Jane' }, ...users],
});
const yaml = `
grounds: [{ network: slack, community: "W1", channel: "${CHANNEL}" }]
schedule: { digest: "*/10 * * * * *", outboxRetry: "*/5 * * * * *" }
`;
const cluster = await Cluster.start({ size: 2, storeUrl: url, slackApiUrl: fake.apiUrl, slackBotToken: fake.botToken, yaml });
const inspect = await openInspector(url);

try {
  // One ask from T1, copied into the ground: the events answer that copy.
  await new SlackDriver({ url: `${cluster.base(0)}/slack/events`, signingSecret: SIGNING_SECRET, teamId: 'T1' }).command({
    command: '/ask',
    text: 'Who has run a mentoring scheme across two companies?',
    user: 'UJANE',
    channel: 'CASK',
  });
  let copyTs: string | undefined;
  for (let i = 0; i < 300 && !copyTs; i++) {
    copyTs = fake.messagesIn(CHANNEL).find((m) => m.user === fake.botUserId && !m.thread_ts)?.ts;
    if (!copyTs) await sleep(100);
  }
  const [askId] = await inspect.store.setMembers(sets.openAsks);
  if (!copyTs || !askId) throw new Error(`the copy did not reach the Slack channel\n${cluster.logs()}`);

  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const targets = [0, 1].map((i) => new URL(`${cluster.base(i)}/slack/events`));
  const latencies: number[] = [];
  let non2xx = 0;
  let failed = 0;

  const body = (i: number): string =>
    JSON.stringify({
      token: 'legacy',
      team_id: 'W1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: `EvMulti${i}`,
      event_time: Math.floor(Date.now() / 1000),
      event: {
        type: 'message',
        channel: CHANNEL,
        channel_type: 'channel',
        user: users[i % PEOPLE]!.id,
        text: `Answer ${i}`,
        ts: `1800000000.${String(i).padStart(6, '0')}`,
        thread_ts: copyTs,
      },
      authorizations: [{ team_id: 'W1', user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    });

  const send = async (i: number): Promise<void> => {
    const { status, ms } = await postSigned(agent, targets[i % 2]!, body(i), SIGNING_SECRET);
    if (status === 0) failed += 1;
    else {
      latencies.push(ms);
      if (status < 200 || status >= 300) non2xx += 1;
    }
  };

  const load = async (from: number, to: number): Promise<number> => {
    const pending: Promise<void>[] = [];
    const t0 = performance.now();
    for (let i = from; i < to; i++) {
      const wait = t0 + ((i - from) * 1000) / RATE - performance.now();
      if (wait > 1) await sleep(wait);
      pending.push(send(i));
    }
    await Promise.all(pending);
    return (performance.now() - t0) / 1000;
  };

  const loadBefore = loadavg()[0] ?? NaN;
  // Two seconds unmeasured: the first requests pay for lazy loading and JIT in each instance.
  const warm = Math.round(RATE * 2);
  await load(0, warm);
  latencies.length = 0;
  const total = warm + Math.round(RATE * SECONDS);
  const loadSeconds = await load(warm, total);
  const loadAfter = loadavg()[0] ?? NaN;

  // Acked is not processed (Bolt acks first): wait until the stored count stops moving.
  let stored = -1;
  for (let still = 0, i = 0; i < 600 && still < 10; i++) {
    const now = await inspect.store.setSize(sets.replies(askId));
    still = now === stored ? still + 1 : 0;
    stored = now;
    if (stored >= total) break;
    await sleep(200);
  }

  latencies.sort((a, b) => a - b);
  const p99 = percentile(latencies, 99);
  const measured = total - warm;
  console.log(
    `multi ack: ${int(measured)} signed events (after ${int(warm)} warm-up) at ${RATE}/s over ${loadSeconds.toFixed(1)} s, alternating over 2 instances on one Redis`,
  );
  console.log(
    `load average (1 min) before ${loadBefore.toFixed(2)}, after ${loadAfter.toFixed(2)} on a shared machine: the generator shares the cores, so latency is noisy`,
  );
  result('multi ack latency p50', `${percentile(latencies, 50).toFixed(1)} ms`, 'info', undefined);
  result('multi ack latency p99', `${p99.toFixed(1)} ms`, `< ${TARGET_P99_MS} ms`, p99 < TARGET_P99_MS);
  result('multi ack max', `${(latencies[latencies.length - 1] ?? NaN).toFixed(1)} ms`, 'info', undefined);
  result('multi ack events lost', int(total - stored), '0', stored === total);
  for (const i of [0, 1]) {
    const kb = cluster.peakRssKb(i) ?? NaN;
    // Info only: the instances run through tsx, whose loader thread and transpiled sources add to
    // the figure; bench/rss.ts measures an idle instance the same way for comparison.
    result(`multi ack peak RSS instance ${i} (under tsx)`, `${(kb / 1024).toFixed(0)} MB`, 'info', undefined);
  }
  check('multi ack non-2xx answers', non2xx === 0 && failed === 0, `${non2xx} non-2xx, ${failed} connection errors`);
  check('multi ack every event processed', stored === total, `replies stored ${int(stored)} / events sent ${int(total)}`);
  agent.destroy();
} finally {
  await inspect.store.close();
  await cluster.stop();
  await fake.close();
  await redis.stop();
}
