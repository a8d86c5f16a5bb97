import { closedAskCard, closedCopyCard, expiryWarningCard } from './ask-cards.js';
import { DAY_MS } from '../ports/clock.js';
import type { Ctx } from './context.js';
import { summaryCard, type Tally } from './digest-cards.js';
import { finishPendingDigest, followersOf, freshOf, itemsFor, outsideAskThread } from './digest.js';
import { stableId } from './ids.js';
import type { Ask, Copy } from './model.js';
import { personKey, threadOf, type PersonRef } from '../ports/places.js';
import { sets } from './repo.js';
import { TickLock } from './tick-lock.js';
import { plural } from './text.js';


/** Follow toggles: a second press unfollows. Returns the new state. */
export async function toggleFollow(ctx: Ctx, ask: Ask, person: PersonRef): Promise<boolean> {
  const key = personKey(person);
  if (await ctx.store.setHas(sets.followers(ask.id), key)) {
    await ctx.store.setRemove(sets.followers(ask.id), key);
    await ctx.store.setRemove(sets.following(person), ask.id);
    return false;
  }
  await ctx.store.setAdd(sets.followers(ask.id), key);
  await ctx.store.setAdd(sets.following(person), ask.id);
  return true;
}

async function tally(ctx: Ctx, ask: Ask): Promise<Tally> {
  const replyIds = await ctx.store.setMembers(sets.replies(ask.id));
  const replies = await ctx.repo.loadAll(replyIds, (id) => ctx.repo.reply(id));
  const live = replies.filter((r) => !r.deleted && !r.retracted);
  const introIds = await ctx.store.setMembers(sets.intros(ask.id));
  const intros = await ctx.repo.loadAll(introIds, (id) => ctx.repo.intro(id));
  return {
    replies: live.length,
    communities: new Set(live.map((r) => `${r.author.network}:${r.author.community}`)).size,
    intros: intros.filter((i) => i.state === 'shared').length,
  };
}

/**
 * Close or expire: the final summary goes to the asker's thread and to every follower, with
 * replies not digested yet; each copy is edited to say so (copies not sent yet are dropped
 * by the deliverer's last look).
 */
export async function finish(ctx: Ctx, ask: Ask, how: 'closed' | 'expired'): Promise<boolean> {
  const current = await ctx.repo.ask(ask.id);
  if (!current || current.state !== 'open') return false;
  current.state = how;
  current.closedAt = ctx.now();
  await ctx.repo.saveAsk(current);
  await ctx.store.setRemove(sets.openAsks, ask.id);
  await ctx.store.setRemove(sets.dirtyAsks, ask.id);

  const card = await ctx.repo.askCard(ask.id);
  // Items a digest already took (its tick died before sending it) go in that digest first.
  if (card) await finishPendingDigest(ctx, current, card);
  const fresh = await freshOf(ctx, ask.id);
  const t = await tally(ctx, current);
  const purpose = { kind: 'notify', askId: ask.id } as const;
  if (card) {
    const elsewhere = outsideAskThread(fresh);
    const items = await itemsFor(ctx, current, elsewhere, true);
    await ctx.post(threadOf(card), summaryCard(current, how, t, items, false), purpose, stableId('summary', ask.id));
    const closing = how === 'closed' ? 'Closed. The final summary is in the thread.' : 'Expired. The final summary is in the thread.';
    await ctx.edit(card, closedAskCard(current, closing), purpose, stableId('close-card', ask.id));
  }
  const all = await itemsFor(ctx, current, fresh, false);
  for (const f of await followersOf(ctx, current)) {
    await ctx.dm(f, summaryCard(current, how, t, all, true), purpose, stableId('summary', ask.id, personKey(f)));
  }
  if (fresh.members.length) await ctx.store.setRemove(sets.fresh(ask.id), ...fresh.members);
  const copyIds = await ctx.store.setMembers(sets.copies(ask.id));
  for (const copy of await ctx.repo.loadAll(copyIds, (id) => ctx.repo.copy(id))) await markCopyClosed(ctx, current, copy);
  ctx.deliverer.kick();
  ctx.log.info({ ask: ask.id, how }, 'ask finished');
  return true;
}

/** Edits a sent copy to say the ask is over (buttons removed). */
export async function markCopyClosed(ctx: Ctx, ask: Ask, copy: Copy): Promise<void> {
  if (!copy.ref || ask.state === 'open') return;
  await ctx.edit(copy.ref, closedCopyCard(ask, ask.state), { kind: 'notify', askId: ask.id }, stableId('close-copy', copy.id));
}

export async function extend(ctx: Ctx, ask: Ask): Promise<number> {
  const current = (await ctx.repo.ask(ask.id)) ?? ask;
  current.expiresAt = ctx.now() + ctx.settings.expiry.days * DAY_MS;
  current.warnedAt = undefined;
  await ctx.repo.saveAsk(current);
  return current.expiresAt;
}

export async function expirySweep(ctx: Ctx, owner: string): Promise<{ warned: number; expired: number }> {
  const lock = new TickLock(ctx, 'lock:expiry', owner);
  if (!(await lock.take())) return { warned: 0, expired: 0 };
  let warned = 0;
  let expired = 0;
  try {
    const now = ctx.now();
    const warnMs = ctx.settings.expiry.warnBeforeHours * 3600_000;
    for (const id of (await ctx.store.setMembers(sets.openAsks)).sort()) {
      if (!(await lock.keep())) break;
      const ask = await ctx.repo.ask(id);
      if (!ask || ask.state !== 'open') {
        await ctx.store.setRemove(sets.openAsks, id);
        continue;
      }
      if (now >= ask.expiresAt) {
        if (await finish(ctx, ask, 'expired')) expired++;
      } else if (now >= ask.expiresAt - warnMs && ask.warnedAt === undefined) {
        ask.warnedAt = now;
        await ctx.repo.saveAsk(ask);
        const only = personKey(ask.asker);
        const keys = await ctx.bindAll({ askId: ask.id, only }, ['extend', 'close'] as const);
        const days = ctx.settings.expiry.days;
        await ctx.dm(ask.asker, expiryWarningCard(ask, days, keys), { kind: 'notify', askId: ask.id }, stableId('warn', ask.id, String(ask.expiresAt)));
        warned++;
      }
    }
  } finally {
    await lock.release();
  }
  if (warned || expired) ctx.deliverer.kick();
  return { warned, expired };
}

export function untilText(ctx: Ctx, at: number): string {
  const days = Math.round((at - ctx.now()) / DAY_MS);
  return `${new Date(at).toISOString().slice(0, 10)} (${plural(days, 'day')} from now)`;
}
