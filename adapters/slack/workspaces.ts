import { webApi } from '@slack/bolt';
import { DeliveryError, type Clock } from '../../src/ports/index.js';
import type { Self } from './directory.js';
import type { StoreInstallations } from './installations.js';

/** What one workspace's calls need: a client holding that workspace's bot token, and who the bot is there. */
export interface Workspace {
  readonly client: webApi.WebClient;
  readonly self: Self;
}

/**
 * The token for a team. One installation (SLACK_BOT_TOKEN) answers for every team; with OAuth
 * each team has its own bot token and bot user, and a token of team A used on team B's
 * channel is `channel_not_found`.
 */
export interface Workspaces {
  /** Throws a `gone` DeliveryError when feelers is not installed there. */
  get(team: string): Promise<Workspace>;
  /** Drop what is cached for a team (it uninstalled the app). */
  forget(team: string): void;
}

export class SingleWorkspace implements Workspaces {
  self: Self;

  constructor(
    readonly client: webApi.WebClient,
    botUserId: string | undefined,
  ) {
    this.self = { userId: botUserId ?? '' };
  }

  get(): Promise<Workspace> {
    return Promise.resolve({ client: this.client, self: this.self });
  }

  forget(): void {}
}

/**
 * Installations are read from the store and cached briefly: posting reads the token on every
 * call, and another instance's uninstall must reach this one within a minute, not never.
 */
const CACHE_MS = 60_000;

export class InstalledWorkspaces implements Workspaces {
  private readonly cache = new Map<string, { ws: Workspace; at: number }>();

  constructor(
    private readonly installations: StoreInstallations,
    private readonly clientOptions: webApi.WebClientOptions,
    private readonly clock: Clock,
  ) {}

  async get(team: string): Promise<Workspace> {
    const hit = this.cache.get(team);
    if (hit && this.clock.now() - hit.at < CACHE_MS) return hit.ws;
    const found = await this.installations.forTeam(team);
    const bot = found?.bot;
    if (!bot) {
      this.cache.delete(team);
      throw new DeliveryError('gone', `slack: feelers is not installed in workspace ${team}`);
    }
    // A token seen before keeps its client (and the client's connection pool).
    const ws =
      hit && hit.ws.self.userId === bot.userId && tokenOf(hit.ws) === bot.token
        ? hit.ws
        : { client: new webApi.WebClient(bot.token, this.clientOptions), self: { userId: bot.userId, botId: bot.id } };
    this.cache.set(team, { ws, at: this.clock.now() });
    return ws;
  }

  forget(team: string): void {
    this.cache.delete(team);
  }
}

function tokenOf(ws: Workspace): string | undefined {
  return ws.client.token;
}
