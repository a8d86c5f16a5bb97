import type { Button } from '../ports/cards.js';
import type { Ctx } from './context.js';
import { followerDigestCard, threadDigestCard, type DigestItem } from './digest-cards.js';
import { stableId } from './ids.js';
import type { Ask, Offer, Reply } from './model.js';
import { parsePersonKey, personKey, samePerson, threadOf, type MessageRef } from '../ports/places.js';
import { sets } from './repo.js';
import { TickLock } from './tick-lock.js';

export interface Fresh {
  readonly members: string[];
  readonly replies: Reply[];
  readonly offers: Offer[];
}

/** What an ask gathered since its last digest (replies withdrawn or deleted meanwhile drop out). */
export async function freshOf(ctx: Ctx, askId: string): Promise<Fresh> {
  return load(ctx, (await ctx.store.setMembers(sets.fresh(askId))).sort());
}

/** Items with the asker's buttons: Request intro per reply, Accept/Decline per offer. */
export async function itemsFor(ctx: Ctx, ask: Ask, fresh: Fresh, withButtons: boolean): Promise<DigestItem[]> {
  const only = personKey(ask.asker);
  const items: DigestItem[] = [];
  for (const reply of fresh.replies) {
    const buttons: Button[] = [];
    if (withButtons && !reply.anonymous && !samePerson(reply.author, ask.asker)) {
      buttons.push({ id: await ctx.bind({ op: 'request-intro', askId: ask.id, replyId: reply.id, only }), label: 'Request intro' });
    }
    items.push({ kind: 'reply', reply, buttons });
  }
  for (const offer of fresh.offers) {
    const keys = withButtons ? await ctx.bindAll({ askId: ask.id, offerId: offer.id, only }, ['accept-offer', 'decline-offer'] as const) : undefined;
    const buttons: Button[] = keys
      ? [
          { id: keys['accept-offer'], label: 'Accept intro', style: 'primary' },
          { id: keys['decline-offer'], label: 'Decline' },
        ]
      : [];
    items.push({ kind: 'offer', offer, buttons });
  }
  return items;
}

/** Followers other than the asker, who has the thread. */
export async function followersOf(ctx: Ctx, ask: Ask) {
  const keys = await ctx.store.setMembers(sets.followers(ask.id));
  return keys.sort().map(parsePersonKey).filter((p) => !samePerson(p, ask.asker));
}

export async function digestTick(ctx: Ctx, owner: string): Promise<{ digests: number }> {
  const lock = new TickLock(ctx, 'lock:digest', owner);
  if (!(await lock.take())) return { digests: 0 };
  let digests = 0;
  try {
    const dirty = (await ctx.store.setMembers(sets.dirtyAsks)).sort();
    for (const askId of dirty) {
      if (!(await lock.keep())) break;
      if (await digestOne(ctx, askId)) digests++;
    }
  } finally {
    await lock.release();
  }
  if (digests) ctx.deliverer.kick();
  return { digests };
}

/**
 * One ask's digest, safe to redo after a death at any point: the members a digest takes are
 * written down first (`digest-pending:<ask>`), the digest is enqueued under an id derived from
 * them, and only then are they cleared. A redo finishes that same digest before starting
 * another, so an item is never in two digests nor in none.
 */
async function digestOne(ctx: Ctx, askId: string): Promise<boolean> {
  const ask = await ctx.repo.ask(askId);
  if (!ask || ask.state !== 'open') {
    await ctx.store.setRemove(sets.dirtyAsks, askId);
    return false;
  }
  // No ask card out yet means no thread to digest into: the ask stays dirty for the next tick.
  const card = await ctx.repo.askCard(askId);
  if (!card) return false;
  let posted = await finishPendingDigest(ctx, ask, card);
  const members = (await ctx.store.setMembers(sets.fresh(askId))).sort();
  if (members.length) {
    await ctx.store.set(`digest-pending:${askId}`, members);
    if (await sendDigest(ctx, ask, card, members)) posted = true;
  }
  // Off the dirty list last; a reply that landed meanwhile is in `fresh` and puts it back.
  await ctx.store.setRemove(sets.dirtyAsks, askId);
  if ((await ctx.store.setSize(sets.fresh(askId))) > 0) await ctx.store.setAdd(sets.dirtyAsks, askId);
  return posted;
}

/** A digest whose tick died after taking its items is sent now, before anything else. */
export async function finishPendingDigest(ctx: Ctx, ask: Ask, card: MessageRef): Promise<boolean> {
  const pending = await ctx.store.get<string[]>(`digest-pending:${ask.id}`);
  return pending ? sendDigest(ctx, ask, card, pending) : false;
}

/** New items of an ask for its next digest: in the ask's fresh set first, then the ask marked dirty. */
export async function markFresh(ctx: Ctx, askId: string, item: string): Promise<void> {
  // This order is what digestOne's "off the dirty list last" relies on.
  await ctx.store.setAdd(sets.fresh(askId), item);
  await ctx.store.setAdd(sets.dirtyAsks, askId);
}

/** Replies written in the ask card's own thread are already there: counted, not quoted back. */
export function outsideAskThread(fresh: Fresh): Fresh {
  return { ...fresh, replies: fresh.replies.filter((r) => r.source !== 'ask-thread') };
}

async function sendDigest(ctx: Ctx, ask: Ask, card: MessageRef, members: string[]): Promise<boolean> {
  const fresh = await load(ctx, members);
  const digestId = stableId('digest', ask.id, members.join(','));
  const posted = fresh.replies.length + fresh.offers.length > 0;
  if (posted) {
    const elsewhere = outsideAskThread(fresh);
    const inThread = fresh.replies.length - elsewhere.replies.length;
    if (elsewhere.replies.length + elsewhere.offers.length > 0) {
      const items = await itemsFor(ctx, ask, elsewhere, true);
      await ctx.post(threadOf(card), threadDigestCard(ask, items, inThread), { kind: 'digest', askId: ask.id }, digestId);
    }
    const all = await itemsFor(ctx, ask, fresh, false);
    for (const f of await followersOf(ctx, ask)) {
      await ctx.dm(f, followerDigestCard(ask, all), { kind: 'digest', askId: ask.id }, stableId('follow', digestId, personKey(f)));
    }
    ctx.metrics.digestPosted();
  }
  await ctx.store.setRemove(sets.fresh(ask.id), ...members);
  await ctx.store.delete(`digest-pending:${ask.id}`);
  return posted;
}

/** The replies and offers behind fresh-set members (withdrawn or deleted ones drop out). */
async function load(ctx: Ctx, members: readonly string[]): Promise<Fresh> {
  const replies: Reply[] = [];
  const offers: Offer[] = [];
  for (const m of members) {
    const [kind, id = ''] = m.split(':');
    if (kind === 'reply') {
      const r = await ctx.repo.reply(id);
      if (r && !r.deleted && !r.retracted) replies.push(r);
    } else if (kind === 'offer') {
      const o = await ctx.repo.offer(id);
      if (o && !o.decided) offers.push(o);
    }
  }
  replies.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  offers.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  return { members: [...members], replies, offers };
}
