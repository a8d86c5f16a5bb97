import type { Author } from './model.js';
import type { Repo } from './repo.js';
import { communityKey } from './keys.js';
import { mayShare, openPolicy, type SharingPolicy } from './sharing-policy.js';

type Where = { readonly network: string; readonly community: string };

/** The policies, read through the repository, with the decisions fan-out and the stages need. */
export class Sharing {
  constructor(private readonly repo: Repo) {}

  async policy(network: string, community: string): Promise<SharingPolicy> {
    return (await this.repo.communities.sharing(network, community)) ?? openPolicy(network, community);
  }

  /** For one fan-out: may an ask from `origin` reach this place's community? One read per community. */
  from(origin: Where): (to: Where) => Promise<boolean> {
    const seen = new Map<string, Promise<SharingPolicy>>();
    const read = (w: Where) => {
      const k = communityKey(w.network, w.community);
      let p = seen.get(k);
      if (!p) seen.set(k, (p = this.policy(w.network, w.community)));
      return p;
    };
    return async (to) => mayShare(await read(origin), await read(to));
  }

  /**
   * The author as other communities will see them: hidden when their community keeps names to
   * itself. `shownTo` is the community reading, when it is known to be one (their own sees names).
   */
  async travelling(author: Author, shownTo?: Where): Promise<Author> {
    if (shownTo && shownTo.network === author.network && shownTo.community === author.community) return author;
    const p = await this.policy(author.network, author.community);
    return p.names === 'hidden' ? { ...author, hidden: true } : author;
  }
}
