/**
 * The fake Slack in a process of its own, for benchmarks whose figure is how fast a sender can
 * post: in the sender's process, the fake's HTTP parsing, token buckets and storage would take
 * CPU from the sender and show up in its time (bench/slack-fan-out.ts).
 *
 * Started by `RemoteFakeSlack.start()` over Node's IPC channel; it answers with where it listens,
 * then with a report of what it received when asked, and exits when told to close.
 */
import { FakeSlack, type RecordedCall } from '../../test/fakes/slack/fake-web-api.js';
import type { RateLimits } from '../../test/fakes/slack/token-buckets.js';
import type { Bucket } from '../../src/ports/chat-adapter.js';

/** What the parent sends: the limits to enforce (channel ids carry their workspace, C<ws>X<n>). */
export interface FakeProcessConfig {
  readonly team: { readonly id: string; readonly name: string };
  readonly perChannel: Bucket;
  readonly perWorkspace: Bucket;
}

/** One chat.postMessage as the fake received it; `arrivedAt` in epoch milliseconds (comparable across processes). */
export interface ReportedPost {
  readonly channel: string;
  readonly thread: boolean;
  readonly key: string | undefined;
  readonly arrivedAt: number;
  readonly rateLimited: boolean;
  readonly args: Record<string, unknown>;
}

export type ParentMessage = { readonly kind: 'report' } | { readonly kind: 'close' };
export type ChildMessage =
  | { readonly kind: 'ready'; readonly apiUrl: string; readonly botToken: string }
  | { readonly kind: 'report'; readonly posts: readonly ReportedPost[] };

function keyOf(c: RecordedCall): string | undefined {
  const meta = c.args.metadata as { event_payload?: { key?: unknown } } | undefined;
  return typeof meta?.event_payload?.key === 'string' ? meta.event_payload.key : undefined;
}

async function main(): Promise<void> {
  const send = (m: ChildMessage): void => void process.send?.(m);
  const config = JSON.parse(process.argv[2] ?? '{}') as FakeProcessConfig;
  const limits: RateLimits = {
    perChannel: config.perChannel,
    perWorkspace: config.perWorkspace,
    workspaceOf: (channel) => `T${channel.slice(1, 4)}`,
  };
  const fake = await FakeSlack.start({ team: config.team, rateLimits: limits });
  process.on('message', (m: ParentMessage) => {
    if (m.kind === 'close') {
      void fake.close().then(() => process.exit(0));
      return;
    }
    const posts = fake.callsTo('chat.postMessage').map((c) => ({
      channel: String(c.args.channel),
      thread: c.args.thread_ts !== undefined,
      key: keyOf(c),
      arrivedAt: performance.timeOrigin + c.arrivedAt,
      rateLimited: c.rateLimited === true,
      args: c.args,
    }));
    send({ kind: 'report', posts });
  });
  // The parent's death ends this process too.
  process.on('disconnect', () => process.exit(0));
  send({ kind: 'ready', apiUrl: fake.apiUrl, botToken: fake.botToken });
}

void main();
