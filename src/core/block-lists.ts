import type { PersonRef } from '../ports/places.js';
import { personKey, samePerson } from '../ports/places.js';
import type { Store } from '../ports/store.js';
import { stableId } from './ids.js';
import { keys } from './keys.js';
import type { Author } from './model.js';
import { FORGOTTEN_USER, type PersonIndex } from './person-index.js';

/** Admins remembered per community: the latest few who acted as such. */
const MAX_ADMINS = 20;

/** One entry of a community's block list. */
export interface BlockEntry {
  readonly kind: 'person' | 'community';
  /** The blocked person's or community's network and community. */
  readonly network: string;
  readonly community: string;
  readonly communityName: string;
  /**
   * A blocked person, by a one-way hash of their id: what matching reads. It outlives their
   * forget-me (which clears `person`), so forgetting oneself does not lift a block.
   */
  readonly hash?: string | undefined;
  /** A blocked person as shown in `/feelers blocks` (scrubbed to "Someone" by forget-me). */
  readonly person?: Author | undefined;
  readonly at: number;
}

/** A person's hash as block entries keep it. */
export function blockHash(p: PersonRef): string {
  return stableId('block', personKey(p));
}

/** Does this entry block this person (or their whole community)? */
export function blocks(entry: BlockEntry, who: PersonRef): boolean {
  if (entry.network !== who.network || entry.community !== who.community) return false;
  return entry.kind === 'community' || entry.hash === blockHash(who);
}

/**
 * Each community's block list (`blocks:<community>`), and the people seen acting as its admins
 * (`community-admins:<community>`): the engine knows a community's admins only from the rights
 * the platform puts on their events, so it remembers who acted as one. Both name people, noted
 * for forget-me. Part of the repository.
 */
export class BlockLists {
  constructor(
    private readonly store: Store,
    private readonly people: PersonIndex,
  ) {}

  async of(network: string, community: string): Promise<BlockEntry[]> {
    return (await this.store.get<BlockEntry[]>(keys.blocks(network, community))) ?? [];
  }

  /** Adds an entry; false when the same person or community is blocked already. */
  async add(receiver: { network: string; community: string }, entry: BlockEntry): Promise<boolean> {
    const list = await this.of(receiver.network, receiver.community);
    const same = list.some(
      (b) => b.kind === entry.kind && b.network === entry.network && b.community === entry.community && b.hash === entry.hash,
    );
    if (same) return false;
    const key = keys.blocks(receiver.network, receiver.community);
    if (entry.person) await this.people.note([entry.person], key);
    await this.store.set(key, [...list, entry]);
    return true;
  }

  /** Removes the entry at `index` (as `/feelers blocks` numbers them from 1); the removed one, if any. */
  async remove(receiver: { network: string; community: string }, index: number): Promise<BlockEntry | undefined> {
    const list = await this.of(receiver.network, receiver.community);
    const gone = list[index - 1];
    if (!gone) return undefined;
    await this.store.set(
      keys.blocks(receiver.network, receiver.community),
      list.filter((_, i) => i !== index - 1),
    );
    return gone;
  }

  /** Someone acted as an admin of their community (the platform said so): remembered, newest last. */
  async sawAdmin(admin: Author): Promise<void> {
    const key = keys.communityAdmins(admin.network, admin.community);
    const list = (await this.store.get<Author[]>(key)) ?? [];
    if (list.some((a) => samePerson(a, admin))) return;
    await this.people.note([admin], key);
    await this.store.set(key, [...list, admin].slice(-MAX_ADMINS));
  }

  /** The admins seen for a community (forgotten ones left out). */
  async admins(network: string, community: string): Promise<Author[]> {
    const list = (await this.store.get<Author[]>(keys.communityAdmins(network, community))) ?? [];
    return list.filter((a) => a.user !== FORGOTTEN_USER);
  }
}
