import { createSlackAdapter } from '../../../adapters/slack/index.js';
import { silentLogger } from '../../../src/ports/logger.js';
import type { MessageRef, PersonRef, Place } from '../../../src/ports/places.js';
import type { AdapterHarness, Delivered } from '../../support/contracts/adapter-contract.js';
import { FakeSlack, type StoredMessage } from './fake-web-api.js';
import { SlackDriver } from './signed-driver.js';
import { mountOnHttp, SIGNING_SECRET } from './stack.js';

const TEAM = 'T1';
const person = (user: string): PersonRef => ({ network: 'slack', community: TEAM, user });

/** What Slack shows of a message: every `text` field of the message and its blocks. */
function shownText(m: StoredMessage): string {
  const out: string[] = [m.text];
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string' && key === 'text') out.push(v);
    else if (Array.isArray(v)) for (const x of v) walk(x, key);
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(m.blocks, '');
  return out.join('\n');
}

/** Slack pings for `<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^…>` and `<@U…>` on the wire. */
export function isSlackLiveMention(wire: string): boolean {
  return /<!(channel|here|everyone|subteam\^)|<@[UW]/.test(wire);
}

/** The adapter contract's test bed: the real adapter and Bolt, a fake Slack, a signed driver. */
export async function slackHarness(): Promise<AdapterHarness> {
  const fake = await FakeSlack.start({
    team: { id: TEAM, name: 'Clockmakers' },
    users: [
      { id: 'U0ALICE', name: 'alice', realName: 'Alice' },
      { id: 'U0BOB', name: 'bob', realName: 'Bob' },
      { id: 'U0HOOK', name: 'hook', realName: 'Hook', isBot: true },
    ],
  });
  const adapter = createSlackAdapter({
    botToken: fake.botToken,
    signingSecret: SIGNING_SECRET,
    apiUrl: fake.apiUrl,
    logger: silentLogger,
  });
  const mounted = await mountOnHttp(() => adapter);
  const driver = new SlackDriver({ url: mounted.url, signingSecret: SIGNING_SECRET, teamId: TEAM });
  const channel: Place = { network: 'slack', community: TEAM, channel: 'C0GENERAL' };
  const dmOf = (p: PersonRef): string => `D${p.user}`;

  async function expectOk(res: Promise<{ status: number }>): Promise<void> {
    const { status } = await res;
    if (status !== 200) throw new Error(`the adapter answered ${status}`);
  }

  /** A person's message: stored in the fake (as Slack would), then its event sent signed. */
  async function write(user: string, place: Place, text: string, extra: { botId?: string; channelType?: string } = {}): Promise<string> {
    const m = fake.seedMessage({ channel: place.channel, text, user, thread_ts: place.thread, bot_id: extra.botId });
    const event: Record<string, unknown> = {
      type: 'message',
      channel: place.channel,
      channel_type: extra.channelType ?? 'channel',
      user,
      text,
      ts: m.ts,
      event_ts: m.ts,
    };
    if (place.thread) event.thread_ts = place.thread;
    if (extra.botId) event.bot_id = extra.botId;
    await expectOk(driver.event(event));
    return m.ts;
  }

  function find(messageId: string): StoredMessage {
    for (const c of [channel.channel, 'DU0ALICE', 'DU0BOB']) {
      const m = fake.message(c, messageId);
      if (m) return m;
    }
    throw new Error(`no message ${messageId}`);
  }

  function buttonValue(ref: MessageRef, buttonId: string): string {
    const m = fake.message(ref.channel, ref.id);
    for (const b of (m?.blocks ?? []) as { elements?: { action_id?: string; value?: string }[] }[]) {
      const el = b.elements?.find((e) => e.action_id === buttonId);
      if (el) return el.value ?? buttonId;
    }
    throw new Error(`no button ${buttonId} on ${ref.id}`);
  }

  async function press(p: PersonRef, ref: MessageRef, buttonId: string): Promise<void> {
    await expectOk(
      driver.blockAction({ user: p.user, channel: ref.channel, messageTs: ref.id, actionId: buttonId, value: buttonValue(ref, buttonId) }),
    );
  }

  return {
    adapter,
    channel,
    alice: person('U0ALICE'),
    bob: person('U0BOB'),
    otherBot: person('U0HOOK'),
    say: (p, place, text, opts) => write(p.user, opts?.replyTo && !place.thread ? { ...place, thread: opts.replyTo } : place, text),
    mentionBot: (text) => `<@${fake.botUserId}> ${text}`,
    dmBot: (p, text) => write(p.user, { ...channel, channel: dmOf(p) }, text, { channelType: 'im' }),
    command: (p, place, name, text) => expectOk(driver.command({ command: `/${name}`, text, user: p.user, channel: place.channel })),
    press,
    async submit(p, ref, buttonId, form) {
      const before = fake.callsTo('views.open').length;
      await press(p, ref, buttonId);
      const deadline = Date.now() + 5000;
      while (fake.callsTo('views.open').length <= before) {
        if (Date.now() > deadline) throw new Error('the adapter did not open the form');
        await new Promise((r) => setTimeout(r, 5));
      }
      const view = fake.callsTo('views.open')[before]?.args.view as { callback_id: string; private_metadata: string };
      const value =
        'text' in form ? { type: 'plain_text_input', value: form.text } : { type: 'users_select', selected_user: form.person.user };
      await expectOk(
        driver.viewSubmission({
          user: p.user,
          callbackId: view.callback_id,
          privateMetadata: view.private_metadata,
          values: { feelers_form: { value } },
        }),
      );
    },
    async edit(p, messageId, text) {
      const m = find(messageId);
      const previous = { user: p.user, text: m.text, ts: m.ts, thread_ts: m.thread_ts };
      m.text = text;
      await expectOk(
        driver.event({
          type: 'message',
          subtype: 'message_changed',
          channel: m.channel,
          hidden: true,
          message: { ...previous, text, edited: { user: p.user, ts: `${Date.now() / 1000}` } },
          previous_message: previous,
          event_ts: `${Date.now() / 1000}`,
        }),
      );
    },
    async remove(p, messageId) {
      const m = find(messageId);
      await expectOk(
        driver.event({
          type: 'message',
          subtype: 'message_deleted',
          channel: m.channel,
          hidden: true,
          deleted_ts: m.ts,
          previous_message: { user: p.user, text: m.text, ts: m.ts, thread_ts: m.thread_ts },
          event_ts: `${Date.now() / 1000}`,
        }),
      );
    },
    botSays: (place, text) => write(fake.botUserId, place, text, { botId: fake.botId }),
    otherBotSays: (place, text) => write('U0HOOK', place, text, { botId: 'B0HOOK' }),
    redeliverLast: () => expectOk(driver.redeliverLast()),
    async messagesIn(place) {
      const all = fake.messagesIn(place.channel);
      const picked = place.thread
        ? all.filter((m) => m.ts === place.thread || m.thread_ts === place.thread)
        : all.filter((m) => !m.thread_ts || m.thread_ts === m.ts);
      return picked.map((m): Delivered => ({ id: m.ts, text: shownText(m) }));
    },
    async message(ref) {
      const m = fake.message(ref.channel, ref.id);
      return m ? { id: m.ts, text: shownText(m) } : undefined;
    },
    dmsTo: async (p) =>
      fake
        .messagesIn(dmOf(p))
        .filter((m) => m.user === fake.botUserId)
        .map((m) => ({ id: m.ts, text: shownText(m) })),
    filesTo: async (p) => fake.sharedFiles(dmOf(p)).map((f) => ({ name: f.name, text: f.content })),
    noticesTo: async (p) => [
      ...fake.ephemeralsFor(p.user).map((e) => e.text),
      ...fake
        .messagesIn(dmOf(p))
        .filter((m) => m.user === fake.botUserId)
        .map(shownText),
    ],
    isLiveMention: isSlackLiveMention,
    liveMentionSample: 'hi <!channel>',
    async close() {
      await mounted.close();
      await fake.close();
    },
  };
}
