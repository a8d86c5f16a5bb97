import type { ChatAdapter } from '../ports/chat-adapter.js';
import type { Repo } from './repo.js';
import type { EngineSettings } from './settings.js';

/**
 * Membership: which communities belong to the network. A community belongs when the YAML lists
 * it (`communities.allow`), when an operator approved it, or when its network admits it because
 * nobody else could have added feelers there (the adapter's `admission`: single-token Slack's own
 * workspace, a private Discord bot's servers). Anything else met (an install, a first command)
 * waits as "pending" until an operator approves or refuses it on the console (joining.ts).
 *
 * Checked on every inbound event (engine.ts), when choosing whom an ask reaches (fan-out.ts)
 * and again right before each send (delivery-hooks.ts): a community taken off the list, or
 * refused, stops sending and receiving at once, including what was already queued for it.
 */
export type Standing = 'member' | 'pending' | 'refused';

export class Membership {
  constructor(
    private readonly repo: Repo,
    private readonly adapters: ReadonlyMap<string, ChatAdapter>,
    private readonly settings: EngineSettings,
  ) {}

  async standing(network: string, community: string): Promise<Standing> {
    // The operator's own list needs no store read, and wins over an operator's old refusal.
    if (this.settings.membership.allow[network]?.includes(community)) return 'member';
    const record = await this.repo.communities.get(network, community);
    if (record?.state === 'approved') return 'member';
    if (record?.state === 'refused') return 'refused';
    const adapter = this.adapters.get(network);
    // A network that says nothing has only communities from feelers' own configuration.
    const admission = adapter?.admission?.() ?? { every: true };
    if (admission.every || admission.communities.includes(community)) return 'member';
    return 'pending';
  }

  /** One answer per community while choosing many targets at once (a fan-out). */
  memo(): (place: { network: string; community: string }) => Promise<boolean> {
    const seen = new Map<string, Promise<Standing>>();
    return async (p) => {
      const key = `${p.network}\u0000${p.community}`;
      let s = seen.get(key);
      if (!s) seen.set(key, (s = this.standing(p.network, p.community)));
      return (await s) === 'member';
    };
  }
}
