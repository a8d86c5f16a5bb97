import type { Client, Guild } from 'discord.js';
import type { Admission, JoinedEvent, Logger } from '../../src/ports/index.js';

/**
 * Which servers belong to the network without an operator's word (docs/governance.md). With
 * DISCORD_GUILD_IDS, those. Without it, every server the bot is in, but only while the
 * application is private: Discord lets only the owner add a bot whose `bot_public` flag is off
 * (GET /applications/@me), so nobody else can have brought feelers into a server. A public bot
 * can be added by anyone with the invite link: its servers need the allowlist or an approval.
 */
export async function readAdmission(client: Client, guildIds: readonly string[] | undefined, log: Logger): Promise<Admission> {
  if (guildIds && guildIds.length > 0) return { every: false, communities: [...guildIds] };
  try {
    const app = await client.application?.fetch();
    if (app?.botPublic === false) return { every: true };
    log.info({}, 'discord: the bot is public, so servers join only when listed or approved');
  } catch (err) {
    // Not knowing is treated as public: a server admitted by mistake would receive every ask.
    log.warn({ err }, 'discord: could not read whether the bot is public; servers join only when listed or approved');
  }
  return { every: false, communities: [] };
}

/**
 * The bot was added to a server: the core decides whether it belongs and tells who added it.
 * Discord does not say who that was, so the server's owner is told (by DM).
 */
export function joinedEvent(g: Guild, names: Readonly<Record<string, string>> | undefined): JoinedEvent {
  return {
    kind: 'joined',
    id: `discord:${g.id}:joined:${g.joinedTimestamp}`,
    actor: {
      network: 'discord',
      community: g.id,
      user: g.ownerId,
      name: g.ownerId,
      isBot: false,
      isSelf: false,
      rights: { admin: true, manageChannel: true },
    },
    place: { network: 'discord', community: g.id, channel: '' },
    communityName: names?.[g.id] ?? g.name,
  };
}
