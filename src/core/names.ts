import type { Actor } from '../ports/events.js';
import type { Author } from './model.js';

/** How communities and people are shown. A name in the config wins over what a network reports. */
export class Names {
  constructor(private readonly configured: Readonly<Record<string, string>>) {}

  community(network: string, community: string, reported?: string): string {
    return this.configured[`${network}:${community}`] ?? reported ?? community;
  }

  /** The author of an ask or reply, as it is stored and shown. */
  author(actor: Actor, reportedCommunityName?: string): Author {
    return {
      network: actor.network,
      community: actor.community,
      user: actor.user,
      name: actor.name,
      communityName: this.community(actor.network, actor.community, reportedCommunityName),
    };
  }
}

/** The name shown to other communities: "Someone" when the writer's community hides names. */
export function shownName(a: Author): string {
  return a.hidden ? 'Someone' : a.name;
}
