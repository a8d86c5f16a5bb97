/**
 * discord.js objects → ChatEvent. Mapping only, at the edge: nothing past here reads a Discord
 * field. Event ids are `discord:<guild or @me>:<interaction or message id>` so the core's dedupe
 * catches the gateway's replays after a RESUME.
 */
import {
  MessageReferenceType,
  PermissionFlagsBits,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type GuildMember,
  type Message,
  type ModalSubmitInteraction,
  type PartialMessage,
  type PermissionsBitField,
  type TextBasedChannel,
  type User,
  type UserSelectMenuInteraction,
} from 'discord.js';
import type { ActionEvent, Actor, CommandEvent, DeletedEvent, EditedEvent, MessageEvent, Place } from '../../src/ports/index.js';
import { FORM_SUFFIX } from './render.js';

export const NETWORK = 'discord';
/** The community part of ids for DMs, which belong to no guild. */
export const DM_GUILD = '@me';

export interface ParseContext {
  botId: string;
  /** The community a DM counts for (DMs keep the community the person came from). */
  dmCommunity(userId: string): string;
  communityName(guildId: string): string | undefined;
}

export function placeOf(
  guildId: string | null,
  channel: TextBasedChannel | null,
  channelId: string,
  ctx: ParseContext,
  userId: string,
): Place {
  if (!guildId) return { network: NETWORK, community: ctx.dmCommunity(userId), channel: channelId };
  if (channel?.isThread() && channel.parentId) {
    return { network: NETWORK, community: guildId, channel: channel.parentId, thread: channel.id };
  }
  return { network: NETWORK, community: guildId, channel: channelId };
}

function rightsFrom(perms: Readonly<PermissionsBitField> | null | undefined, channelPerms?: Readonly<PermissionsBitField> | null) {
  return {
    admin: perms?.has(PermissionFlagsBits.ManageGuild) ?? false,
    manageChannel: (channelPerms ?? perms)?.has(PermissionFlagsBits.ManageChannels) ?? false,
  };
}

export function actorOf(
  user: User,
  community: string,
  ctx: ParseContext,
  member: GuildMember | null,
  perms: { guild: Readonly<PermissionsBitField> | null; channel?: Readonly<PermissionsBitField> | null },
): Actor {
  return {
    network: NETWORK,
    community,
    user: user.id,
    name: member?.displayName ?? user.globalName ?? user.username,
    isBot: user.bot,
    isSelf: user.id === ctx.botId,
    rights: rightsFrom(perms.guild, perms.channel),
    handle: `@${user.username}`,
    profileUrl: `https://discord.com/users/${user.id}`,
  };
}

function memberRights(message: Message | PartialMessage): { guild: PermissionsBitField | null; channel: PermissionsBitField | null } {
  const member = message.member;
  if (!member) return { guild: null, channel: null };
  let channel: PermissionsBitField | null = null;
  try {
    // Threads inherit their parent's overwrites; an uncached parent leaves guild-level rights.
    const target = message.channel.isThread() ? message.channel.parent : message.channel;
    if (target && !target.isDMBased()) channel = member.permissionsIn(target);
  } catch {
    channel = null;
  }
  return { guild: member.permissions, channel };
}

function eventId(guildId: string | null, id: string, suffix = ''): string {
  return `${NETWORK}:${guildId ?? DM_GUILD}:${id}${suffix}`;
}

function stripBotMention(text: string, botId: string): string {
  return text
    .replace(new RegExp(`<@!?${botId}>`, 'g'), ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function parseMessage(message: Message, ctx: ParseContext): MessageEvent {
  const place = placeOf(message.guildId, message.channel, message.channelId, ctx, message.author.id);
  const mentionsBot = message.mentions.users.has(ctx.botId) || new RegExp(`<@!?${ctx.botId}>`).test(message.content);
  const reference = message.reference;
  const replyTo =
    // A forward also carries a reference, but it is not an answer to that message.
    reference && reference.type !== MessageReferenceType.Forward && reference.messageId ? reference.messageId : undefined;
  return {
    kind: 'message',
    id: eventId(message.guildId, message.id),
    actor: actorOf(message.author, place.community, ctx, message.member, memberRights(message)),
    place,
    // A DM counts for the guild the person came from: name that guild, not its bare id.
    communityName: ctx.communityName(place.community),
    messageId: message.id,
    text: stripBotMention(message.content, ctx.botId),
    direct: message.guildId === null,
    mentionsBot,
    replyTo,
    // Copies' threads are started by the bot, which then owns them.
    threadByBot: message.channel.isThread() && message.channel.ownerId ? message.channel.ownerId === ctx.botId : undefined,
    raw: { id: message.id, channelId: message.channelId, guildId: message.guildId },
  };
}

export function parseEdit(message: Message, ctx: ParseContext): EditedEvent {
  const base = parseMessage(message, ctx);
  const stamp = message.editedTimestamp ?? 0;
  return {
    kind: 'edited',
    id: eventId(message.guildId, message.id, `:edit:${stamp}`),
    actor: base.actor,
    place: base.place,
    communityName: base.communityName,
    messageId: message.id,
    text: base.text,
    raw: base.raw,
  };
}

export function parseDelete(message: Message | PartialMessage, ctx: ParseContext): DeletedEvent {
  const author = message.author;
  const place = placeOf(message.guildId, message.channel, message.channelId, ctx, author?.id ?? '');
  // A deleted message that was never cached arrives without its author.
  const actor: Actor = author
    ? actorOf(author, place.community, ctx, message.member, memberRights(message))
    : {
        network: NETWORK,
        community: place.community,
        user: '',
        name: '',
        isBot: false,
        isSelf: false,
        rights: { admin: false, manageChannel: false },
      };
  return {
    kind: 'deleted',
    id: eventId(message.guildId, message.id, ':deleted'),
    actor,
    place,
    communityName: message.guildId ? ctx.communityName(message.guildId) : undefined,
    messageId: message.id,
    raw: { id: message.id, channelId: message.channelId, guildId: message.guildId },
  };
}

type AnyInteraction = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction | UserSelectMenuInteraction;

function interactionBase(i: AnyInteraction, ctx: ParseContext) {
  const place = placeOf(i.guildId, i.channel, i.channelId ?? '', ctx, i.user.id);
  const member = i.inCachedGuild() ? i.member : null;
  // Discord computes the member's rights in the channel (overwrites included) for interactions.
  const actor = actorOf(i.user, place.community, ctx, member, { guild: i.memberPermissions });
  return {
    id: eventId(i.guildId, i.id),
    actor,
    place,
    communityName: ctx.communityName(place.community),
    raw: { id: i.id, type: i.type, channelId: i.channelId, guildId: i.guildId },
  };
}

/** The name of the channel a command was run in; in a thread, its parent's (the ground is the parent). */
function channelNameOf(channel: TextBasedChannel | null): string | undefined {
  if (!channel || channel.isDMBased()) return undefined;
  if (channel.isThread()) return channel.parent?.name ?? undefined;
  return 'name' in channel ? channel.name : undefined;
}

export function parseCommand(i: ChatInputCommandInteraction, ctx: ParseContext): CommandEvent {
  // A DM has no guild; the engine refuses channel-only commands (connect) there.
  const base = { ...interactionBase(i, ctx), direct: i.guildId === null, channelName: channelNameOf(i.channel) };
  if (i.commandName === 'ask') {
    return { ...base, kind: 'command', name: 'ask', text: (i.options.getString('question') ?? '').trim() };
  }
  const sub = i.options.getSubcommand(false) ?? '';
  const args = i.options.data
    .flatMap((o) => o.options ?? [])
    .map((o) => (typeof o.value === 'string' ? o.value : o.value === undefined ? '' : String(o.value)))
    .filter((v) => v.length > 0);
  return { ...base, kind: 'command', name: 'feelers', text: [sub, ...args].join(' ').trim() };
}

/** The card's button key: the custom_id without the form-kind suffix. */
export function actionIdOf(customId: string): string {
  for (const suffix of Object.values(FORM_SUFFIX)) if (customId.endsWith(suffix)) return customId.slice(0, -suffix.length);
  return customId;
}

export function parseButton(i: ButtonInteraction, ctx: ParseContext): ActionEvent {
  return { ...interactionBase(i, ctx), kind: 'action', actionId: actionIdOf(i.customId) };
}

export function parseModal(i: ModalSubmitInteraction, ctx: ParseContext, fieldId: string): ActionEvent {
  let text: string;
  try {
    text = i.fields.getTextInputValue(fieldId);
  } catch {
    // A modal submitted without the field (an old form): an empty answer, refused by the core.
    text = '';
  }
  return { ...interactionBase(i, ctx), kind: 'action', actionId: actionIdOf(i.customId), form: { text } };
}

export function parseUserSelect(i: UserSelectMenuInteraction, ctx: ParseContext): ActionEvent {
  const base = interactionBase(i, ctx);
  const picked = i.values[0];
  return {
    ...base,
    kind: 'action',
    actionId: actionIdOf(i.customId),
    form: picked ? { person: { network: NETWORK, community: base.place.community, user: picked } } : {},
  };
}
