import { afterEach, describe, expect, it } from 'vitest';
import type { ChatEvent, CommandEvent, MessageEvent } from '../../../src/ports/events.js';
import type { Logger } from '../../../src/ports/logger.js';
import { G, GENERAL, USERS, startHarness, type Harness } from '../../support/discord-adapter.js';

/** A logger that keeps every line, for what the adapter tells the operator at start. */
function recordingLogger(lines: { obj: object; msg?: string | undefined }[]): Logger {
  const log: Logger = {
    debug: () => {},
    info: (obj, msg) => void lines.push({ obj, msg }),
    warn: (obj, msg) => void lines.push({ obj, msg }),
    error: (obj, msg) => void lines.push({ obj, msg }),
    child: () => log,
  };
  return log;
}

const MESSAGE_CONTENT = 1 << 15;
let h: Harness | undefined;

afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const isMessage =
  (text: string) =>
  (e: ChatEvent): e is MessageEvent =>
    e.kind === 'message' && e.text === text;

describe('discord adapter over the fake gateway', () => {
  it('reaches ready, identifies without the privileged intent, and registers guild commands', async () => {
    h = await startHarness();
    expect(h.adapter.health().connected).toBe(true);
    const identify = h.fake.gateway.received.find((f) => f.op === 2);
    const intents = Number((identify?.d as { intents?: number } | undefined)?.intents);
    expect(intents & MESSAGE_CONTENT).toBe(0);
    // Guilds (1), GuildMessages (1<<9), DirectMessages (1<<12).
    expect(intents).toBe(1 | (1 << 9) | (1 << 12));
    const puts = h.fake.requestsTo('PUT', new RegExp(`/applications/\\d+/guilds/${G}/commands$`));
    expect(puts).toHaveLength(1);
    const names = (puts[0]?.body as { name: string }[]).map((c) => c.name).sort();
    expect(names).toEqual(['ask', 'feelers']);
    expect(h.fake.requestsTo('PUT', /\/applications\/\d+\/commands$/)).toHaveLength(0);
  });

  it('logs the invite URL at start, and delays the login after a crash loop on the injected clock', async () => {
    const lines: { obj: object; msg?: string | undefined }[] = [];
    const slept: number[] = [];
    const now = Date.UTC(2026, 0, 5, 9, 0, 0);
    let saved: readonly number[] = [now - 30_000, now - 20_000, now - 10_000, now - 5_000];
    h = await startHarness({
      adapter: {
        logger: recordingLogger(lines),
        clock: { now: () => now, sleep: async (ms) => void slept.push(ms) },
        startHistory: { load: async () => saved, save: async (s) => void (saved = s) },
      },
    });
    // Fifth start in 10 minutes: 2^(5-3) s, before the IDENTIFY.
    expect(slept).toEqual([4_000]);
    expect(saved).toHaveLength(5);
    const invite = lines.map((l) => (l.obj as { inviteUrl?: string }).inviteUrl).find((u) => u !== undefined);
    const url = new URL(invite ?? 'http://missing');
    expect(url.searchParams.get('client_id')).toBe(h.fake.world.applicationId);
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
  });

  it('asks for Message Content only when configured, and registers globally without guildIds', async () => {
    h = await startHarness({ adapter: { messageContent: true, guildIds: undefined } });
    expect(h.fake.gateway.intents & MESSAGE_CONTENT).toBe(MESSAGE_CONTENT);
    expect(h.fake.requestsTo('PUT', /\/applications\/\d+\/commands$/)).toHaveLength(1);
  });

  it('turns /ask into a command event, deferred ephemerally first and answered by notice', async () => {
    h = await startHarness();
    const rec = h.fake.slashCommand({ guild: G, channel: GENERAL, user: USERS.jane.id }, 'ask', {
      options: { question: 'Who knows embedded Rust?' },
    });
    const ev = await h.waitFor((e): e is CommandEvent => e.kind === 'command', 'command');
    expect(ev).toMatchObject({
      id: `discord:${G}:${rec.id}`,
      name: 'ask',
      text: 'Who knows embedded Rust?',
      place: { network: 'discord', community: G, channel: GENERAL },
      communityName: 'Rust Makers',
      actor: { user: USERS.jane.id, name: 'Jane D', isBot: false, isSelf: false },
    });
    expect(rec.responses[0]).toMatchObject({ type: 5, data: { flags: 64 } });
    await h.adapter.notice(ev.actor, ev.place, 'Sent to 3 communities.');
    const texts = () => rec.followUps.map((f) => f['content']);
    await h.fake.until(() => texts().includes('Sent to 3 communities.'), 'notice in the deferred reply');
  });

  it('maps /feelers subcommands with their argument', async () => {
    h = await startHarness();
    h.fake.slashCommand({ guild: G, channel: GENERAL, user: USERS.mod.id }, 'feelers', {
      sub: 'connect',
      options: { topics: 'rust, embedded' },
    });
    const ev = await h.waitFor((e): e is CommandEvent => e.kind === 'command', 'command');
    expect(ev.name).toBe('feelers');
    expect(ev.text).toBe('connect rust, embedded');
    expect(ev.actor.rights).toEqual({ admin: false, manageChannel: true });
  });

  it('passes a mention with its text, without the bot mention; plain messages arrive without content', async () => {
    h = await startHarness();
    h.fake.postMessage({ guild: G, channel: GENERAL, user: USERS.jane.id }, 'hidden words');
    h.fake.postMessage({ guild: G, channel: GENERAL, user: USERS.jane.id }, 'who knows serde?', { mentionsBot: true });
    const ev = await h.waitFor(isMessage('who knows serde?'), 'mention');
    expect(ev).toMatchObject({ mentionsBot: true, direct: false, place: { community: G, channel: GENERAL } });
    // Without the privileged intent Discord blanks guild text that does not mention the bot.
    const plain = h.events.find((e): e is MessageEvent => e.kind === 'message' && !e.mentionsBot && !e.actor.isSelf);
    expect(plain?.text).toBe('');
  });

  it('resumes a dropped gateway and hands on the MESSAGE_CREATE replayed from the gap', async () => {
    h = await startHarness();
    h.fake.gateway.drop();
    await h.fake.until(() => !h?.fake.gateway.connected, 'disconnect');
    const id = h.fake.postMessage({ guild: G, channel: GENERAL, user: USERS.sam.id }, 'sent while away', { mentionsBot: true });
    const ev = await h.waitFor(isMessage('sent while away'), 'replayed message');
    expect(ev.messageId).toBe(id);
    expect(h.fake.gateway.received.filter((f) => f.op === 6)).toHaveLength(1);
    expect(h.fake.gateway.received.filter((f) => f.op === 2)).toHaveLength(1);
    await h.fake.until(() => h?.adapter.health().connected, 'health back to connected');
  });
});
