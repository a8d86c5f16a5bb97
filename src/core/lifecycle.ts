import { closedAskCard, closedCopyCard, expiryWarningCard } from './ask-cards.js';
import { DAY_MS } from '../ports/clock.js';
import type { Ctx } from './context.js';
import type { Tally } from './digest-cards.js';
import { finishPendingDigest, freshOf, sendDigest } from './digest.js';
import { editOrFollowUp } from './edits.js';
import { stableId } from './ids.js';
import type { Ask, Copy } from './model.js';
import { personKey, type PersonRef } from '../ports/places.js';
import { lapseIntroRequests } from './intros.js';
import { TickLock } from './tick-lock.js';
import { learnFromEnd } from './routing-learning.js';
import { widenIfDue, type Waits } from './escalation.js';
import { plural } from './text.js';

/** Follow toggles: a second press unfollows. Returns the new state. */
export async function toggleFollow(ctx: Ctx, ask: Ask, person: PersonRef): Promise<boolean> {
  if (await ctx.repo.isFollowing(ask.id, person)) {
    await ctx.repo.unfollow(ask.id, person);
    return false;
  }
  await ctx.repo.follow(ask.id, person);
  return true;
}

async function tally(ctx: Ctx, ask: Ask): Promise<Tally> {
  const live = (await ctx.repo.repliesOf(ask.id)).filter((r) => !r.deleted && !r.retracted);
  const intros = await ctx.repo.introsOf(ask.id);
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
export async function finish(ctx: Ctx, ask: Ask, how: 'closed' | 'expired', by?: 'operator'): Promise<boolean> {
  const current = await ctx.repo.ask(ask.id);
  if (!current || current.state !== 'open') return false;
  current.state = how;
  current.closedAt = ctx.now();
  await ctx.repo.saveAsk(current);
  await ctx.repo.unlistAsk(ask.id);
  await ctx.repo.asks.refile(current);
  await ctx.repo.retention.listFinished(ask.id, current.closedAt);

  const card = await ctx.repo.askCard(ask.id);
  // Items a digest already took (its tick died before sending it) go in that digest first.
  if (card) await finishPendingDigest(ctx, current, card);
  const fresh = await freshOf(ctx, ask.id);
  await sendDigest(ctx, current, card, fresh, { how, tally: await tally(ctx, current), by });
  if (card) {
    const closing = how === 'closed' ? 'Closed. The final summary is in the thread.' : 'Expired. The final summary is in the thread.';
    // As on the open card, not the asker's alone: an admin of their community may retract too (retract.ts).
    const retract = await ctx.buttons.bind({ op: 'retract', askId: ask.id });
    // Where the card cannot be edited, the final summary just sent to its thread says it all.
    await editOrFollowUp(
      ctx,
      card,
      closedAskCard(current, closing, retract),
      { kind: 'notify', askId: ask.id },
      stableId('close-card', ask.id),
    );
  }
  for (const copy of await ctx.repo.copiesOf(ask.id)) await markCopyClosed(ctx, current, copy);
  // Which prods and grounds went unanswered (fairness pauses, ground pace): routing-learning.ts.
  await learnFromEnd(ctx, current).catch((err: unknown) => ctx.log.warn({ err, ask: ask.id }, 'learning from an ended ask failed'));
  ctx.outbox.kick();
  ctx.log.info({ ask: ask.id, how }, 'ask finished');
  return true;
}

/** Edits a sent copy to say the ask is over (buttons removed). */
export async function markCopyClosed(ctx: Ctx, ask: Ask, copy: Copy): Promise<void> {
  // A retracted ask's copies are taken down instead (retract.ts).
  if (!copy.ref || ask.state === 'open' || ask.state === 'retracted') return;
  const closed = closedCopyCard(ask, ask.state);
  const note = closed.blocks.at(-1);
  const followUp = note ? { summary: closed.summary, blocks: [note] } : closed;
  await editOrFollowUp(ctx, copy.ref, closed, { kind: 'notify', askId: ask.id }, stableId('close-copy', copy.id), followUp);
}

export async function extend(ctx: Ctx, ask: Ask): Promise<number> {
  const current = (await ctx.repo.ask(ask.id)) ?? ask;
  current.expiresAt = ctx.now() + ctx.settings.expiry.days * DAY_MS;
  current.warnedAt = undefined;
  await ctx.repo.saveAsk(current);
  return current.expiresAt;
}

export async function expirySweep(ctx: Ctx, owner: string): Promise<{ warned: number; expired: number }> {
  const lock = new TickLock(ctx, 'expiry', owner);
  if (!(await lock.take())) return { warned: 0, expired: 0 };
  let warned = 0;
  let expired = 0;
  try {
    const now = ctx.now();
    const warnMs = ctx.settings.expiry.warnBeforeHours * 3600_000;
    const waits: Waits = new Map();
    for (const id of await ctx.repo.openAskIds()) {
      if (!(await lock.keep())) break;
      const ask = await ctx.repo.ask(id);
      if (!ask || ask.state !== 'open') {
        // Finished by a process that died before taking it off the open lists.
        await ctx.repo.unlistAsk(id);
        if (ask) await ctx.repo.asks.refile(ask);
        continue;
      }
      if (now >= ask.expiresAt) {
        if (await finish(ctx, ask, 'expired')) expired++;
      } else if (now >= ask.expiresAt - warnMs && ask.warnedAt === undefined) {
        ask.warnedAt = now;
        await ctx.repo.saveAsk(ask);
        const only = personKey(ask.asker);
        const keys = await ctx.buttons.bindAll({ askId: ask.id, only }, ['extend', 'close'] as const);
        const days = ctx.settings.expiry.days;
        await ctx.outbox.dm(
          ask.asker,
          expiryWarningCard(ask, days, keys),
          { kind: 'notify', askId: ask.id },
          stableId('warn', ask.id, String(ask.expiresAt)),
        );
        warned++;
      }
      // Unanswered for long enough: the ask widens (escalation.ts), under this same lock.
      if (now < ask.expiresAt) await widenIfDue(ctx, ask, waits);
    }
    // Intro requests live on after their ask closes, so they are swept on their own.
    if (await lock.keep()) await lapseIntroRequests(ctx);
    if (await lock.keep()) await purgeOldAsks(ctx, now, lock);
    // Asks made before the console's indexes existed are listed there once (a marker says so).
    if (await lock.keep()) await ctx.repo.asks.backfill(() => lock.keep());
  } finally {
    await lock.release();
  }
  if (warned || expired) ctx.outbox.kick();
  return { warned, expired };
}

export function untilText(ctx: Ctx, at: number): string {
  const days = Math.round((at - ctx.now()) / DAY_MS);
  return `${new Date(at).toISOString().slice(0, 10)} (${plural(days, 'day')} from now)`;
}

/**
 * Asks that ended more than `retentionDays` ago keep their words but no longer their people;
 * the help graph keeps no day older than that either.
 */
async function purgeOldAsks(ctx: Ctx, now: number, lock: TickLock): Promise<void> {
  const cutoff = now - ctx.settings.retentionDays * DAY_MS;
  await ctx.repo.retention.purgeEndedBefore(cutoff, () => lock.keep());
  await ctx.repo.help.dropBefore(cutoff, () => lock.keep());
}
