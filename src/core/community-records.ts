import type { Store } from '../ports/store.js';
import { communityKey, keys, sets } from './keys.js';
import type { SharingPolicy } from './sharing-policy.js';

/** A community feelers has met that neither the configuration nor its network admits on its own. */
export interface CommunityRecord {
  readonly network: string;
  readonly community: string;
  /** Its display name as last seen. */
  name: string;
  state: 'pending' | 'approved' | 'refused';
  /** When feelers first met it. */
  readonly since: number;
  /** When an operator decided, and who (the operator's name, as the console's other actions log it). */
  decidedAt?: number | undefined;
  decidedBy?: string | undefined;
  /**
   * Channels whose `/feelers connect` came while it was pending: connected when it is approved,
   * so its admins need not run the command again. Channel ids and topics only, no person.
   */
  waiting: { channel: string; channelName?: string | undefined; topics: string[] }[];
}

/** Channels remembered per pending community: an admin may try a few, not flood the record. */
const MAX_WAITING = 20;

/** The `community:` records and their list, and each community's `sharing:` policy (keys.ts): a part of the repository. */
export class CommunityRecords {
  constructor(private readonly store: Store) {}

  get(network: string, community: string): Promise<CommunityRecord | undefined> {
    return this.store.get<CommunityRecord>(keys.community(network, community));
  }

  async save(r: CommunityRecord): Promise<void> {
    r.waiting = r.waiting.slice(-MAX_WAITING);
    await this.store.set(keys.community(r.network, r.community), r);
    await this.store.setAdd(sets.communities, communityKey(r.network, r.community));
  }

  sharing(network: string, community: string): Promise<SharingPolicy | undefined> {
    return this.store.get<SharingPolicy>(keys.sharing(network, community));
  }

  saveSharing(p: SharingPolicy): Promise<void> {
    return this.store.set(keys.sharing(p.network, p.community), p);
  }

  /** Every record, pending first, then by name. */
  async all(): Promise<CommunityRecord[]> {
    const out: CommunityRecord[] = [];
    for (const k of await this.store.setMembers(sets.communities)) {
      const [network = '', community = ''] = k.split(':').map(decodeURIComponent);
      const r = await this.get(network, community);
      if (r) out.push(r);
    }
    const rank = { pending: 0, approved: 1, refused: 2 } as const;
    return out.sort((a, b) => rank[a.state] - rank[b.state] || a.name.localeCompare(b.name));
  }
}
