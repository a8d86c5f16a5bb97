/**
 * The adapter contract over the real discord.js and the loopback fake Discord. The harness runs
 * with the Message Content intent granted, the setup the contract's thread-reply cases assume.
 */
import { FEELERS_SUBCOMMANDS } from '../../../adapters/discord/commands.js';
import { actionIdOf } from '../../../adapters/discord/parse.js';
import type { MessageRef, PersonRef, Place } from '../../../src/ports/places.js';
import { adapterFor, G, GENERAL, startFake, USERS } from '../../support/discord-adapter.js';
import type { FakeDiscord } from '../../fakes/discord/fake-discord.js';
import type { StoredMessage } from '../../fakes/discord/fake-state.js';
import { hasLiveMention } from '../../fakes/discord/mention-corpus.js';
import { runAdapterContract, type AdapterHarness, type Delivered } from '../../support/contracts/adapter-contract.js';

const HOOKBOT = { id: '900000000000000150', username: 'hookbot', bot: true };

function shown(m: StoredMessage): Delivered {
  const parts: string[] = [m.content];
  for (const e of m.embeds as { description?: string }[]) if (e.description) parts.push(e.description);
  for (const row of m.components as { components?: { label?: string }[] }[]) {
    for (const c of row.components ?? []) if (c.label) parts.push(c.label);
  }
  return { id: m.id, text: parts.filter((p) => p.length > 0).join('\n') };
}

function buttonCustomId(fake: FakeDiscord, channel: string, messageId: string, buttonId: string): string {
  const msg = fake.world.findMessage(channel, messageId);
  for (const row of (msg?.components ?? []) as { components?: { custom_id?: string }[] }[]) {
    for (const c of row.components ?? []) if (c.custom_id && actionIdOf(c.custom_id) === buttonId) return c.custom_id;
  }
  throw new Error(`no button ${buttonId} on message ${messageId}`);
}

async function discordHarness(): Promise<AdapterHarness> {
  const fake = await startFake();
  fake.world.guilds.get(G)?.members.push({ user: HOOKBOT, roles: [] });
  fake.world.users.set(HOOKBOT.id, HOOKBOT);
  const person = (u: { id: string }): PersonRef => ({ network: 'discord', community: G, user: u.id });
  const channelOf = (place: Place): string => place.thread ?? place.channel;
  const who = (p: PersonRef, channel: string) => ({
    guild: fake.world.channels.get(channel)?.guild_id,
    channel,
    user: p.user,
  });
  const refChannel = (ref: MessageRef): string => fake.channelOfMessage(ref.id) ?? ref.channel;

  return {
    adapter: adapterFor(fake, { messageContent: true }),
    channel: { network: 'discord', community: G, channel: GENERAL },
    alice: person(USERS.jane),
    bob: person(USERS.sam),
    otherBot: person(HOOKBOT),
    say: async (p, place, text, opts) => fake.postMessage(who(p, channelOf(place)), text, opts?.replyTo ? { replyTo: opts.replyTo } : {}),
    mentionBot: (text) => `<@${fake.world.bot.id}> ${text}`,
    dmBot: async (p, text) => fake.postMessage(who(p, fake.dmChannel(p.user).id), text),
    command: async (p, place, name, text) => {
      const w = who(p, channelOf(place));
      if (name === 'ask') {
        fake.slashCommand(w, 'ask', { options: { question: text } });
        return;
      }
      const [sub = 'help', ...rest] = text.split(' ');
      const arg = FEELERS_SUBCOMMANDS.find((s) => s.name === sub)?.arg;
      fake.slashCommand(w, 'feelers', { sub, options: arg && rest.length ? { [arg.name]: rest.join(' ') } : {} });
    },
    press: async (p, ref, id) => {
      const channel = refChannel(ref);
      fake.pressButton(who(p, channel), ref.id, buttonCustomId(fake, channel, ref.id, id));
    },
    submit: async (p, ref, id, form) => {
      const channel = refChannel(ref);
      const customId = buttonCustomId(fake, channel, ref.id, id);
      const press = fake.pressButton(who(p, channel), ref.id, customId);
      const first = await fake.until(() => press.responses[0], 'the form');
      const data = first['data'] as { custom_id?: string; components?: { components?: { custom_id?: string }[] }[] };
      const inner = data.components?.[0]?.components?.[0]?.custom_id ?? 'text';
      if ('text' in form) fake.submitModal(who(p, channel), data.custom_id ?? customId, { [inner]: form.text });
      else fake.selectUser(who(p, channel), ref.id, inner, form.person.user);
    },
    edit: async (_p, id, text) => fake.editMessage(fake.channelOfMessage(id) ?? '', id, text),
    remove: async (_p, id) => fake.deleteMessage(fake.channelOfMessage(id) ?? '', id),
    botSays: async (place, text) => fake.postMessage({ guild: G, channel: channelOf(place), user: fake.world.bot.id }, text),
    otherBotSays: async (place, text) => fake.postMessage({ guild: G, channel: channelOf(place), user: HOOKBOT.id }, text),
    redeliverLast: async () => fake.redeliver(),
    messagesIn: async (place) => fake.world.messagesIn(channelOf(place)).map(shown),
    message: async (ref) => {
      const channel = fake.channelOfMessage(ref.id);
      const m = channel ? fake.world.findMessage(channel, ref.id) : undefined;
      return m ? shown(m) : undefined;
    },
    dmsTo: async (p) =>
      fake.world
        .messagesIn(fake.dmChannel(p.user).id)
        .filter((m) => m.author.id === fake.world.bot.id)
        .map(shown),
    filesTo: async (p) =>
      fake.world
        .messagesIn(fake.dmChannel(p.user).id)
        .flatMap((m) => m.attachments ?? [])
        .map((a) => ({ name: a.filename, text: a.text })),
    noticesTo: async (p) => {
      const dms = fake.world.messagesIn(fake.dmChannel(p.user).id).filter((m) => m.author.id === fake.world.bot.id);
      const ephemeral = [...fake.rest.interactions.values()]
        .filter((r) => r.userId === p.user)
        .flatMap((r) => r.followUps.map((f) => String(f['content'] ?? '')));
      return [...dms.map((m) => shown(m).text), ...ephemeral];
    },
    isLiveMention: hasLiveMention,
    liveMentionSample: 'hi @everyone',
    close: () => fake.stop(),
  };
}

runAdapterContract('discord', discordHarness);
