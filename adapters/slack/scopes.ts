/**
 * The bot scopes the adapter's calls and events need: no more (Slack shows every scope on the
 * install screen, and admins refuse apps that ask for more than they use), no fewer (a missing
 * one is `missing_scope` at the first call that needs it). config/slack-manifest.yaml lists the
 * same ones; a test keeps the two equal.
 *
 * Metadata on chat.postMessage needs no scope of its own: chat:write posts it, and the history
 * scopes read it back. `metadata.message:read` is only for subscribing to metadata events.
 */
export const BOT_SCOPES = [
  // The message.channels / message.groups / message.im events (replies in copies' threads, DMs),
  // and conversations.history/.replies for the resend check of a send that may be out.
  'channels:history',
  'groups:history',
  'im:history',
  // app_mention events: "@feelers who knows …" in channels the bot is in.
  'app_mentions:read',
  // chat.postMessage, chat.update, chat.delete (a retracted ask's copies), chat.postEphemeral.
  'chat:write',
  // /ask and /feelers.
  'commands',
  // conversations.open, to DM a person (prods, digests for followers, introductions).
  'im:write',
  // Slack's upload flow (files.getUploadURLExternal, files.completeUploadExternal): the JSON
  // file /feelers my-data sends to the person's own DM.
  'files:write',
  // users.info: display names and whether someone is a workspace admin.
  'users:read',
  // team.info: the workspace's name on copies and digests.
  'team:read',
] as const;

/** The bot events the adapter maps (plus the two that remove an installation). */
export const BOT_EVENTS = ['app_mention', 'message.channels', 'message.groups', 'message.im', 'app_uninstalled', 'tokens_revoked'] as const;

export const SLASH_COMMANDS = ['/ask', '/feelers'] as const;
