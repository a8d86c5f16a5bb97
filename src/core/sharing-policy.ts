import { communityKey } from './keys.js';

/**
 * A community's sharing policy, set by its admins (`/feelers share`, or an operator on the
 * console): where its members' asks go, whose asks it receives, and whether its members' names
 * travel with what they write (docs/governance.md#sharing). Communities are named by their
 * community key (`communityKey`: `network:community`). The default is today's behaviour:
 * every community of the network, names shown.
 */
export interface SharingPolicy {
  readonly network: string;
  readonly community: string;
  /** Communities its members' asks may reach: 'all', or only these. */
  sendTo: 'all' | string[];
  /** Communities whose asks it receives: 'all', or only these. */
  receiveFrom: 'all' | string[];
  /** 'hidden': its members show to other communities as "Someone in <community>". */
  names: 'shown' | 'hidden';
  /** Members see the audience of an ask before it goes out, unless they turned it off themselves (preview.ts). */
  preview?: boolean | undefined;
  updatedAt?: number | undefined;
}

export function openPolicy(network: string, community: string): SharingPolicy {
  return { network, community, sendTo: 'all', receiveFrom: 'all', names: 'shown' };
}

/** Whether an ask from `from`'s community may reach `to`'s: both sides must agree. */
export function mayShare(from: SharingPolicy, to: SharingPolicy): boolean {
  const toKey = communityKey(to.network, to.community);
  const fromKey = communityKey(from.network, from.community);
  if (toKey === fromKey) return true;
  return (from.sendTo === 'all' || from.sendTo.includes(toKey)) && (to.receiveFrom === 'all' || to.receiveFrom.includes(fromKey));
}
