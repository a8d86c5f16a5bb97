import type { CommunityView, MemoryWorld } from '../../../adapters/memory/world.js';
import { personKey, type PersonRef } from '../../ports/places.js';

/**
 * Who the visitor can act as: every person (not bot) of every community. The choice travels
 * as `as=<personKey>` in the URL and in every form, so the page needs no session.
 */
export interface Person extends PersonRef {
  readonly key: string;
  readonly name: string;
  readonly admin: boolean;
  readonly communityName: string;
}

export function peopleOf(world: MemoryWorld): Person[] {
  return world.communities().flatMap((c) =>
    c.members
      .filter((m) => !m.isBot)
      .map((m) => {
        const ref = { network: c.network, community: c.id, user: m.id };
        return { ...ref, key: personKey(ref), name: m.name, admin: m.admin, communityName: c.name };
      }),
  );
}

/** The person an `as` value names, or undefined when nobody in this world has that key. */
export function findPerson(world: MemoryWorld, key: string | undefined): Person | undefined {
  if (key === undefined) return undefined;
  return peopleOf(world).find((p) => p.key === key);
}

export function communityOf(world: MemoryWorld, network: string, community: string): CommunityView | undefined {
  return world.communities().find((c) => c.network === network && c.id === community);
}

/** An element id made from platform ids: letters, digits, '-' and '_' only, so it is safe in a URL fragment too. */
export function domId(...parts: readonly string[]): string {
  return parts.map((p) => p.replace(/[^A-Za-z0-9_-]/g, '_')).join('--');
}
