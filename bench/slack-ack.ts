/**
 * How fast the Slack endpoint acknowledges events while the engine works behind it.
 *
 * Signed Events API requests (message events in a copy's thread, each with its own event id
 * and ts) at RATE per second for SECONDS, over keep-alive connections, against the real
 * adapter's handler on node:http with the engine on SQLite behind it. Load comes from this
 * process (an open loop: requests go on schedule, not when the previous answer came).
 *
 * Figures: ack latency p50/p99 (target p99 < 50 ms; Slack gives 3 s, and retries past it),
 * requests sent, non-2xx answers, and that every event was processed (replies stored ==
 * events sent).
 *
 * Run: npx tsx bench/slack-ack.ts [ratePerSec] [seconds]
 */
import { Agent } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sets } from '../src/core/keys.js';
import { ASK_AROUND, benchSettings } from '../test/support/core.js';
import { SIGNING_SECRET, SlackWorld } from '../test/support/slack.js';
import { sleep } from '../test/support/wait.js';
import { check, int, percentile, postSigned, result } from './measure.js';

const RATE = Number(process.argv[2] ?? 200);
const SECONDS = Number(process.argv[3] ?? 30);
const TARGET_P99_MS = 50;
const CHANNEL = 'CBENCH';
const PEOPLE = 50;

const users = Array.from({ length: PEOPLE }, (_, i) => ({
  id: `UP${String(i).padStart(3, '0')}`,
  name: `person${i}`,
  realName: `Person ${i}`,
}));
const bed = await new SlackWorld({
  store: 'sqlite',
  fake: { team: { id: 'T1', name: 'TrainingZone' }, users },
  settings: benchSettings([ASK_AROUND, { network: 'slack', community: 'T1', channel: CHANNEL }]),
  // SLACK_BENCH_CONCURRENCY overrides the deliverer's in-flight cap for the Slack network, to see
  // whether a figure is bound by it.
  concurrency: Number(process.env.SLACK_BENCH_CONCURRENCY ?? 0),
}).start();

// One ask from the Guild, copied into the Slack channel: the events answer that copy.
await bed.world.command(bed.karyn, bed.askAround, 'ask', 'Who has run a mentoring scheme across two companies?');
await bed.drain(600_000);
const copy = bed.fake.messagesIn(CHANNEL).find((m) => m.user === bed.fake.botUserId && !m.thread_ts);
const [askId] = await bed.store.setMembers(sets.openAsks);
if (!copy || !askId) throw new Error('the copy did not reach the Slack channel');
const copyTs = copy.ts;

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const target = new URL(bed.url);
const latencies: number[] = [];
let non2xx = 0;
let failed = 0;

function body(i: number): string {
  const user = users[i % PEOPLE]!.id;
  const ts = `1800000000.${String(i).padStart(6, '0')}`;
  return JSON.stringify({
    token: 'legacy',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `EvBench${i}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'message', channel: CHANNEL, channel_type: 'channel', user, text: `Answer number ${i}`, ts, thread_ts: copyTs },
    authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
  });
}

async function send(i: number): Promise<void> {
  const { status, ms } = await postSigned(agent, target, body(i), SIGNING_SECRET);
  if (status === 0) failed += 1;
  else {
    latencies.push(ms);
    if (status < 200 || status >= 300) non2xx += 1;
  }
}

const interval = 1000 / RATE;

/** Sends events [from, to) on schedule from the start, so a slow answer does not slow the offered load. */
async function load(from: number, to: number): Promise<number> {
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = from; i < to; i++) {
    const wait = t0 + (i - from) * interval - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(send(i));
  }
  await Promise.all(pending);
  return (performance.now() - t0) / 1000;
}

// One second of the same load first, not measured: the first requests pay for lazy module
// loading, JIT and SQLite's first pages, which a long-running server paid long ago.
const warm = Math.round(RATE);
await load(0, warm);
latencies.length = 0;
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
const total = warm + Math.round(RATE * SECONDS);
const loadSeconds = await load(warm, total);
loop.disable();

// Every acked event must also have been processed by the engine.
const deadline = Date.now() + 120_000;
while (bed.handled < bed.received || bed.received < total) {
  if (Date.now() > deadline) break;
  await sleep(20);
}
const stored = await bed.store.setSize(sets.replies(askId));

latencies.sort((a, b) => a - b);
const p50 = percentile(latencies, 50);
const p99 = percentile(latencies, 99);
const measured = total - warm;
console.log(
  `slack ack: ${int(measured)} signed events (after ${int(warm)} warm-up) at ${RATE}/s over ${loadSeconds.toFixed(1)} s, engine on SQLite behind the handler`,
);
result('slack ack latency p50', `${p50.toFixed(1)} ms`, 'info', undefined);
result('slack ack latency p99', `${p99.toFixed(1)} ms`, `< ${TARGET_P99_MS} ms`, p99 < TARGET_P99_MS);
result('slack ack max', `${(latencies[latencies.length - 1] ?? NaN).toFixed(1)} ms`, 'info', undefined);
result('slack ack event-loop delay p99', `${(loop.percentile(99) / 1e6).toFixed(1)} ms`, 'info', undefined);
result('slack ack requests sent', int(measured), `${int(measured)}`, latencies.length + failed === measured);
check('slack ack non-2xx answers', non2xx === 0 && failed === 0, `${non2xx} non-2xx, ${failed} connection errors`);
check(
  'slack ack every event processed',
  stored === total,
  `replies stored ${int(stored)} / events sent ${int(total)} (engine finished ${int(bed.handled)})`,
);

agent.destroy();
await bed.close();
