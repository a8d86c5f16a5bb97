import type { Button } from '../ports/cards.js';
import { personKey, samePerson, threadOf, type MessageRef, type PersonRef } from '../ports/places.js';
import type { Ctx } from './context.js';
import { followerDigestCard, summaryCard, threadDigestCard, type DigestItem, type Tally } from './digest-cards.js';
import { stableId } from './ids.js';
import { digestItem, parseDigestItem } from './keys.js';
import type { Ask, Offer, Reply } from './model.js';
import { TickLock } from './tick-lock.js';

export interface Fresh {
  readonly members: string[];
  readonly replies: Reply[];
  readonly offers: Offer[];
}

/** The final summary of a closed or expired ask: how it ended and what it gathered in all. */
export interface Final {
  readonly how: 'closed' | 'expired';
  readonly tally: Tally;
  /** Who closed it, when not the asker: the summary says so rather than "You closed". */
  readonly by?: 'operator' | undefined;
}

export async function digestTick(ctx: Ctx, owner: string): Promise<{ digests: number }> {
  const lock = new TickLock(ctx, 'digest', owner);
  if (!(await lock.take())) return { digests: 0 };
  let digests = 0;
  try {
    for (const askId of await ctx.repo.dirtyAskIds()) {
      if (!(await lock.keep())) break;
      if (await digestOne(ctx, askId)) digests++;
    }
  } finally {
    await lock.release();
  }
  if (digests) ctx.outbox.kick();
  return { digests };
}

/**
 * One ask's digest, safe to redo after a death at any point: the members a digest takes are
 * written down first (`takeDigest`), the digest is enqueued under an id derived from them,
 * and only then are they cleared. A redo finishes that same digest before starting another,
 * so an item is never in two digests nor in none.
 */
async function digestOne(ctx: Ctx, askId: string): Promise<boolean> {
  const ask = await ctx.repo.ask(askId);
  if (!ask || ask.state !== 'open') {
    await ctx.repo.notDirty(askId);
    return false;
  }
  // No ask card out yet means no thread to digest into: the ask stays dirty for the next tick.
  const card = await ctx.repo.askCard(askId);
  if (!card) return false;
  let posted = await finishPendingDigest(ctx, ask, card);
  const members = await ctx.repo.freshItems(askId);
  if (members.length) {
    await ctx.repo.takeDigest(askId, members);
    if (await sendDigest(ctx, ask, card, await load(ctx, members))) posted = true;
  }
  await ctx.repo.settleDirty(askId);
  return posted;
}

/** A digest whose tick died after taking its items is sent now, before anything else. */
export async function finishPendingDigest(ctx: Ctx, ask: Ask, card: MessageRef): Promise<boolean> {
  const pending = await ctx.repo.pendingDigest(ask.id);
  return pending ? sendDigest(ctx, ask, card, await load(ctx, pending)) : false;
}

/** What an ask gathered since its last digest (replies withdrawn or deleted meanwhile drop out). */
export async function freshOf(ctx: Ctx, askId: string): Promise<Fresh> {
  return load(ctx, await ctx.repo.freshItems(askId));
}

/**
 * Sends one digest of `fresh`: in the ask card's thread, the items written elsewhere, with the
 * asker's buttons (replies in the thread itself are counted, not quoted back); to each
 * follower, every item, by DM. With `final`, it is the ask's final summary instead, sent even
 * when nothing is fresh. Either way the items leave the fresh set. Returns whether anything
 * was fresh.
 */
export async function sendDigest(ctx: Ctx, ask: Ask, card: MessageRef | undefined, fresh: Fresh, final?: Final): Promise<boolean> {
  const posted = fresh.replies.length + fresh.offers.length > 0;
  const id = final ? stableId('summary', ask.id) : stableId('digest', ask.id, fresh.members.join(','));
  const purpose = { kind: final ? 'notify' : 'digest', askId: ask.id } as const;
  if (posted || final) {
    const elsewhere = outsideAskThread(fresh);
    const inThread = fresh.replies.length - elsewhere.replies.length;
    if (card && (final || elsewhere.replies.length + elsewhere.offers.length > 0)) {
      const items = await itemsFor(ctx, ask, elsewhere, true);
      const thread = final ? summaryCard(ask, final, items, false) : threadDigestCard(ask, items, inThread);
      await ctx.outbox.post(threadOf(card), thread, purpose, id);
      const shown = { askId: ask.id, members: shownMembers(elsewhere), inThread, final };
      await ctx.repo.digestsShown.shown({ ...shown, deliveryId: id, audience: final ? 'summary-thread' : 'thread' });
      await ctx.repo.asks.digestPosted(ask.id, id, ctx.now());
    }
    const all = await itemsFor(ctx, ask, fresh, false);
    for (const f of await followersOf(ctx, ask)) {
      const dm = final ? summaryCard(ask, final, all, true) : followerDigestCard(ask, all);
      const dmId = final ? stableId('summary', ask.id, personKey(f)) : stableId('follow', id, personKey(f));
      await ctx.outbox.dm(f, dm, purpose, dmId);
      const audience = final ? 'summary-follower' : 'follower';
      await ctx.repo.digestsShown.shown({ deliveryId: dmId, askId: ask.id, audience, members: shownMembers(fresh), inThread: 0, final });
    }
    if (!final && posted) ctx.metrics.digestPosted();
  }
  await ctx.repo.digested(ask.id, fresh.members);
  return posted;
}

/** The members a digest shows, in the order it shows them (replies, then offers). */
function shownMembers(fresh: Fresh): string[] {
  return [...fresh.replies.map((r) => digestItem('reply', r.id)), ...fresh.offers.map((o) => digestItem('offer', o.id))];
}

/** Items with the asker's buttons: Request intro per reply, Accept/Decline per offer (none on a struck reply). */
export async function itemsFor(ctx: Ctx, ask: Ask, fresh: Fresh, withButtons: boolean): Promise<DigestItem[]> {
  const only = personKey(ask.asker);
  const items: DigestItem[] = [];
  for (const reply of fresh.replies) {
    const buttons: Button[] = [];
    if (withButtons && !reply.anonymous && !reply.retracted && !reply.deleted && !samePerson(reply.author, ask.asker)) {
      buttons.push({ id: await ctx.buttons.bind({ op: 'request-intro', askId: ask.id, replyId: reply.id, only }), label: 'Request intro' });
    }
    items.push({ kind: 'reply', reply, buttons });
  }
  for (const offer of fresh.offers) {
    const keys = withButtons
      ? await ctx.buttons.bindAll({ askId: ask.id, offerId: offer.id, only }, ['accept-offer', 'decline-offer'] as const)
      : undefined;
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
async function followersOf(ctx: Ctx, ask: Ask): Promise<PersonRef[]> {
  return (await ctx.repo.followersOf(ask.id)).filter((p) => !samePerson(p, ask.asker));
}

/** Replies written in the ask card's own thread are already there: counted, not quoted back. */
function outsideAskThread(fresh: Fresh): Fresh {
  return { ...fresh, replies: fresh.replies.filter((r) => r.source !== 'ask-thread') };
}

/** The replies and offers behind fresh-set members (withdrawn or deleted ones drop out), oldest first. */
async function load(ctx: Ctx, members: readonly string[]): Promise<Fresh> {
  const all = await loadItems(ctx, members);
  const replies = all.replies.filter((r) => !r.deleted && !r.retracted);
  const offers = all.offers.filter((o) => !o.decided);
  replies.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  offers.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  return { members: all.members, replies, offers };
}

/** Every reply and offer behind digest items that still exists, as it is now (retracted, deleted or decided included), in the items' order. */
export async function loadItems(ctx: Ctx, members: readonly string[]): Promise<Fresh> {
  const replies: Reply[] = [];
  const offers: Offer[] = [];
  for (const m of members) {
    const { kind, id } = parseDigestItem(m);
    if (kind === 'reply') {
      const r = await ctx.repo.reply(id);
      if (r) replies.push(r);
    } else if (kind === 'offer') {
      const o = await ctx.repo.offer(id);
      if (o) offers.push(o);
    }
  }
  return { members: [...members], replies, offers };
}
