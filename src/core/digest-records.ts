import type { MessageRef } from '../ports/places.js';
import type { Store } from '../ports/store.js';
import type { Tally } from './digest-cards.js';
import { digestItem, keys, sets } from './keys.js';

/** Who a digest was for: the asker's thread (with their buttons), a follower's DM, or a final summary. */
export type DigestAudience = 'thread' | 'follower' | 'summary-thread' | 'summary-follower';

/**
 * What one sent digest showed: enough to draw it again with a retracted reply struck out.
 * The card itself is not kept (it is forgotten once sent, see deliverer.ts); its items are.
 */
export interface DigestShown {
  readonly deliveryId: string;
  readonly askId: string;
  readonly audience: DigestAudience;
  /** Fresh-set members it showed (`reply:<id>`, `offer:<id>`), in order. */
  readonly members: readonly string[];
  /** Thread digests: replies written in the thread itself, counted rather than quoted. */
  readonly inThread: number;
  /** For a final summary: how the ask ended and its tally, as the summary said. */
  readonly final?: { readonly how: 'closed' | 'expired'; readonly tally: Tally; readonly by?: 'operator' | undefined } | undefined;
  /** Where it is, once sent (written with the delivery's own marks). */
  ref?: MessageRef | undefined;
}

/**
 * Which digests each reply went out in (`shown-in:<reply>`), and what each showed
 * (`digest-shown:<delivery>`): what striking a retracted reply from digests already sent needs.
 * Kept as long as the replies; ids only, no text or names. Part of the repository.
 */
export class DigestRecords {
  constructor(private readonly store: Store) {}

  async shown(d: DigestShown): Promise<void> {
    await this.store.set(keys.digestShown(d.deliveryId), d);
    for (const m of d.members) {
      const [kind, id] = m.split(':');
      if (kind === 'reply' && id) await this.store.setAdd(sets.shownIn(id), d.deliveryId);
    }
  }

  /**
   * A digest went out in an ask's thread: where it is, kept as long as the record. A follower's
   * DM is not written here: its place names the person (their DM channel), so it is read from
   * the delivery record, which forget-me deletes and which is kept 7 days once sent.
   */
  async sent(deliveryId: string, ref: MessageRef): Promise<void> {
    const d = await this.store.get<DigestShown>(keys.digestShown(deliveryId));
    if (d && !d.ref && (d.audience === 'thread' || d.audience === 'summary-thread')) {
      await this.store.set(keys.digestShown(deliveryId), { ...d, ref });
    }
  }

  /** The digests a reply was shown in. */
  async of(replyId: string): Promise<DigestShown[]> {
    const ids = await this.store.setMembers(sets.shownIn(replyId));
    const found = await Promise.all(ids.map((id) => this.store.get<DigestShown>(keys.digestShown(id))));
    return found.filter((d): d is DigestShown => d !== undefined && d.members.includes(digestItem('reply', replyId)));
  }
}
