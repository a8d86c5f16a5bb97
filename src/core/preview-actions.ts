import type { Ctx } from './context.js';
import { UserError } from '../ports/errors.js';
import type { ActionEvent } from '../ports/events.js';
import { samePerson } from '../ports/places.js';
import { createAsk, fanOut, validateAsk } from './intake.js';
import type { Ask, Profile } from './model.js';
import type { PendingAsk } from './pending-asks.js';
import { audience, audienceLine } from './preview.js';
import { mayPrompt } from './profiles.js';

/** Send, Edit or Cancel on a preview (the binding allowed only the asker). */
export async function onPreview(ctx: Ctx, e: ActionEvent, op: 'send' | 'edit' | 'cancel', pendingId: string): Promise<string> {
  const pending = await ctx.repo.pending.get(pendingId);
  if (!pending || !samePerson(pending.ask.asker, e.actor)) {
    throw new UserError('preview_gone', 'This question was already sent or cancelled (or waited more than a day), so nothing happened.');
  }
  if (op === 'cancel') {
    await ctx.repo.pending.take(pendingId);
    return 'Cancelled: your question was not sent anywhere.';
  }
  if (op === 'edit') return edit(ctx, e, pending);
  // One press sends: a second, or a retry of the same press, finds nothing to take.
  if (!(await ctx.repo.pending.take(pendingId)))
    throw new UserError('preview_gone', 'This question was already sent, so nothing happened.');
  return send(ctx, pending);
}

async function edit(ctx: Ctx, e: ActionEvent, pending: PendingAsk): Promise<string> {
  const text = validateAsk(ctx, e.form?.text ?? '');
  await ctx.repo.pending.take(pending.ask.id);
  // A new preview for the new words: topics change, so the audience is chosen again.
  await createAsk(ctx, e.actor, pending.ask.origin, text, pending.ask.asker.communityName, `edit:${e.id}`);
  return 'Here is the audience for your edited question: press Send on the new preview to send it.';
}

/** Exactly the targets shown, each still allowed now; never one more. */
async function send(ctx: Ctx, pending: PendingAsk): Promise<string> {
  const { ask } = pending;
  const belongs = ctx.membership.memo();
  const shares = ctx.sharing.from(ask.origin);
  const grounds: PendingAsk['grounds'][number][] = [];
  for (const g of pending.grounds) {
    const still = await ctx.repo.ground(g.place);
    if (still && still.unreachableSince === undefined && (await belongs(g.place)) && (await shares(g.place))) grounds.push(g);
  }
  const experts: Profile[] = [];
  const now = ctx.now();
  for (const who of pending.experts) {
    const p = await ctx.repo.profile(who);
    if (p && mayPrompt(p, now, Number.POSITIVE_INFINITY) && (await belongs(who)) && (await shares(who))) experts.push(p);
  }
  // The ask's clock starts when it goes out, not when it was previewed.
  const sent: Ask = { ...ask, createdAt: now, expiresAt: now + (ask.expiresAt - ask.createdAt) };
  await fanOut(ctx, sent, grounds, experts);
  const reached = audience(grounds, experts.length);
  const shrank = reached.channels < pending.shown.channels || reached.people < pending.shown.people;
  ctx.log.info({ ask: ask.id, shown: pending.shown, sent: reached }, 'previewed ask sent');
  if (!shrank) return `Sent: ${audienceLine(ask, reached).replace('This will reach', 'it goes to')}`;
  return `Sent, to fewer than the preview showed: ${audienceLine(ask, reached).replace('This will reach', 'it goes to')} Since the preview, some channels or people stopped taking it (a community left the network or changed what it shares, or someone opted out).`;
}
