/**
 * Which community a Discord DM counts for. A DM belongs to no guild, but feelers keys people by
 * community (profiles, open prompts, who may press a button: network:community:user), so the
 * adapter names one: the guild the bot last DMed the person for (a prod's answer must find
 * the prod), else the last guild it saw them write in.
 *
 * The link is kept in feelers' store (AdapterState), by Discord user id (one id across every
 * guild), not in this process: a restart, or another instance taking over the gateway lease,
 * reads the same link, where a guess would file a prod's answer under no prompt.
 */
import type { AdapterState, Logger } from '../../src/ports/index.js';

const KIND = 'dm-community';
/** A link nobody refreshed in this long is dropped (a user id and a guild id, nothing more). */
const LINK_TTL_MS = 120 * 24 * 3600_000;
/** A guild message rewrites an unchanged link at most this often (one write per user a day). */
const REWRITE_MS = 24 * 3600_000;
const MEMO_MAX = 10_000;

export class DmLinks {
  private readonly state: AdapterState;
  /** What this process last wrote per user, so busy channels don't cost a write per message. */
  private readonly written = new Map<string, { community: string; at: number }>();

  constructor(
    state: AdapterState | undefined,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    // Without feelers' store (the adapter alone, in tests), links live as long as the process.
    this.state = state ?? memoryState();
  }

  /** The bot DMs `user` for `community`: their next DM counts there. Always written. */
  async dmSent(user: string, community: string): Promise<void> {
    await this.write(user, community);
  }

  /** `user` wrote in a guild of `community`. */
  async seen(user: string, community: string): Promise<void> {
    const last = this.written.get(user);
    if (last?.community === community && this.now() - last.at < REWRITE_MS) return;
    await this.write(user, community);
  }

  /** Forget-me: the link goes (a failure is logged: the link expires on its own). */
  async forget(user: string): Promise<void> {
    this.written.delete(user);
    try {
      await this.state.delete(KIND, user);
    } catch (err) {
      this.log.warn({ err }, 'discord: could not delete which community a DM counts for; it expires on its own');
    }
  }

  /** The linked community, or undefined when none is kept (or the store cannot say). */
  async of(user: string): Promise<string | undefined> {
    try {
      const v = await this.state.get<unknown>(KIND, user);
      return typeof v === 'string' && v !== '' ? v : undefined;
    } catch (err) {
      this.log.warn({ err }, 'discord: could not read which community a DM counts for; using the first server');
      return undefined;
    }
  }

  /** A failed write loses only the link (the DM then counts for the first server), never the event. */
  private async write(user: string, community: string): Promise<void> {
    try {
      await this.state.set(KIND, user, community, LINK_TTL_MS);
    } catch (err) {
      this.log.warn({ err }, 'discord: could not keep which community a DM counts for');
      return;
    }
    this.written.delete(user);
    this.written.set(user, { community, at: this.now() });
    if (this.written.size > MEMO_MAX) {
      const oldest = this.written.keys().next().value;
      if (oldest !== undefined) this.written.delete(oldest);
    }
  }
}

function memoryState(): AdapterState {
  const docs = new Map<string, unknown>();
  return {
    get: <T>(kind: string, id: string) => Promise.resolve(docs.get(`${kind}:${id}`) as T | undefined),
    set: (kind, id, value) => {
      docs.set(`${kind}:${id}`, value);
      return Promise.resolve();
    },
    delete: (kind, id) => Promise.resolve(docs.delete(`${kind}:${id}`)),
    setAll: (all) => {
      for (const d of all) docs.set(`${d.kind}:${d.id}`, d.value);
      return Promise.resolve();
    },
  };
}
