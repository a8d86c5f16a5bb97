/**
 * The link an operator opens to add the bot to a server, with exactly the permissions feelers
 * uses and nothing more: a server admin should be able to read the list and see why each is there.
 */
import { OAuth2Scopes, PermissionFlagsBits } from 'discord.js';

/** Each permission feelers needs, and the reason (docs/discord.md repeats these). */
export const BOT_PERMISSIONS = {
  /** See the connected channel at all: without it every post there is a 403. */
  ViewChannel: PermissionFlagsBits.ViewChannel,
  /** Post copies of questions and ask cards in connected channels. */
  SendMessages: PermissionFlagsBits.SendMessages,
  /** Post digests and summaries in the threads of ask cards. */
  SendMessagesInThreads: PermissionFlagsBits.SendMessagesInThreads,
  /** Start a thread on each copy, where people answer. */
  CreatePublicThreads: PermissionFlagsBits.CreatePublicThreads,
  /** Cards are embeds: without it Discord strips them and a copy shows up empty. */
  EmbedLinks: PermissionFlagsBits.EmbedLinks,
  /** Find a copy already posted before resending it after a crash (the footer search). */
  ReadMessageHistory: PermissionFlagsBits.ReadMessageHistory,
} as const;

/** The bit set of BOT_PERMISSIONS. */
export function invitePermissions(): bigint {
  return Object.values(BOT_PERMISSIONS).reduce((all, bit) => all | bit, 0n);
}

/**
 * `bot` makes the bot a member; `applications.commands` lets it register /ask and /feelers in
 * the server (without it the slash commands never appear).
 */
export function inviteUrl(applicationId: string): string {
  const params = new URLSearchParams({
    client_id: applicationId,
    scope: [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands].join(' '),
    permissions: invitePermissions().toString(),
  });
  return `https://discord.com/oauth2/authorize?${params.toString()}`;
}
