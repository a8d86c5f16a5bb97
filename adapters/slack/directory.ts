import type { Actor, Clock, Logger } from '../../src/ports/index.js';
import type { Workspaces } from './workspaces.js';

/**
 * Who someone is, from users.info; what a workspace is called, from team.info. Both cached:
 * users.info is Tier 4 but runs on every event, and an admin demoted in Slack should lose
 * admin rights in feelers within minutes, not at the next restart.
 */
export const USER_TTL_MS = 5 * 60_000;
const TEAM_TTL_MS = 60 * 60_000;
const MAX_ENTRIES = 5000;

interface Cached<T> {
  readonly value: T;
  readonly at: number;
}

export interface Self {
  readonly userId: string;
  readonly botId?: string | undefined;
}

export class SlackDirectory {
  private readonly users = new Map<string, Cached<Omit<Actor, 'isSelf'>>>();
  private readonly teams = new Map<string, Cached<string | undefined>>();

  constructor(
    private readonly workspaces: Workspaces,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly names: Readonly<Record<string, string>>,
  ) {}

  async actor(team: string, user: string, self: Self, botId?: string): Promise<Actor> {
    const isSelf = user === self.userId || (botId !== undefined && botId === self.botId);
    if (botId !== undefined && user === botId) {
      // A bot_message without a user: no users.info to ask, and bots never ask or reply.
      return { network: 'slack', community: team, user, name: user, isBot: true, isSelf, rights: none };
    }
    const key = `${team}:${user}`;
    const hit = this.users.get(key);
    if (hit && this.clock.now() - hit.at < USER_TTL_MS) return { ...hit.value, isSelf };
    const found = await this.lookUp(team, user);
    remember(this.users, key, { value: found, at: this.clock.now() });
    return { ...found, isSelf };
  }

  private async lookUp(team: string, user: string): Promise<Omit<Actor, 'isSelf'>> {
    try {
      const { client } = await this.workspaces.get(team);
      const res = await client.users.info({ user });
      const u = res.user;
      const admin = u?.is_admin === true || u?.is_owner === true || u?.is_primary_owner === true;
      const name = u?.profile?.display_name || u?.real_name || u?.profile?.real_name || u?.name || user;
      return {
        network: 'slack',
        community: team,
        user,
        name,
        isBot: u?.is_bot === true,
        // Slack has no per-channel manager role an app can read; workspace admins manage channels.
        rights: { admin, manageChannel: admin },
        handle: u?.name,
        profileUrl: `https://slack.com/app_redirect?team=${encodeURIComponent(team)}&channel=${encodeURIComponent(user)}`,
      };
    } catch (err) {
      // A user from another org in a shared channel is user_not_found; such a person still
      // gets an event, with no rights rather than no answer.
      this.log.warn({ err, team, user }, 'slack users.info failed; acting with no rights');
      return { network: 'slack', community: team, user, name: user, isBot: false, rights: none };
    }
  }

  async communityName(team: string): Promise<string | undefined> {
    const configured = this.names[team] ?? this.names[`slack:${team}`];
    if (configured) return configured;
    const hit = this.teams.get(team);
    if (hit && this.clock.now() - hit.at < TEAM_TTL_MS) return hit.value;
    let name: string | undefined;
    try {
      const { client } = await this.workspaces.get(team);
      const res = await client.team.info({ team });
      name = res.team?.name;
    } catch (err) {
      this.log.warn({ err, team }, 'slack team.info failed');
    }
    remember(this.teams, team, { value: name, at: this.clock.now() });
    return name;
  }
}

const none = { admin: false, manageChannel: false } as const;

function remember<T>(map: Map<string, T>, key: string, value: T): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_ENTRIES) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}
