import { DAY_MS } from '../ports/clock.js';
import type { Actor } from '../ports/events.js';
import { personKey, samePerson, threadOf } from '../ports/places.js';
import type { Ctx } from './context.js';
import { newId, stableId } from './ids.js';
import { editOrFollowUp } from './edits.js';
import { askCardDeliveryId } from './intake.js';
import type { Ask, Copy, Delivery } from './model.js';
import type { ModerationActor } from './moderation-log.js';
import { retractConfirmCard, retractedAskCard, retractedCopyCard } from './retract-cards.js';

/** As the deliverer keeps a finished delivery: a redo finds it and sends nothing. */
const CANCELLED_TTL_MS = 7 * DAY_MS;

/** Who may take a question back: its asker, or an admin of the asker's community (the platform says so on the event). */
export function retractRole(ask: Ask, actor: Actor): 'asker' | 'admin' | undefined {
  if (samePerson(actor, ask.asker)) return 'asker';
  const sameCommunity = actor.network === ask.asker.network && actor.community === ask.asker.community;
  return sameCommunity && actor.rights.admin ? 'admin' : undefined;
}

/**
 * The ask card's Retract: nothing is taken back yet. The presser gets a private message whose
 * one button, Retract everywhere, does it; only they can press that one.
 */
export async function offerRetract(ctx: Ctx, ask: Ask, actor: Actor): Promise<string> {
  if (!retractRole(ask, actor)) return 'Only the asker (or an admin of their community) can retract this question, so nothing happened.';
  if (ask.state === 'retracted') return 'This question is already retracted.';
  const who = personKey(actor);
  // The same key and the same DM for every press: pressing Retract twice sends one confirmation.
  const keys = await ctx.buttons.bindAll(
    { askId: ask.id, only: who },
    ['retract-everywhere'] as const,
    stableId('retract-key', ask.id, who),
  );
  await ctx.outbox.dm(
    actor,
    retractConfirmCard(ask, keys['retract-everywhere']),
    { kind: 'notify' },
    stableId('retract-confirm', ask.id, who),
  );
  ctx.outbox.kick();
  return 'I sent you a private message to confirm: press Retract everywhere there to take this question back from every place it went.';
}

/** Retract everywhere, pressed in the confirmation (only the one who pressed Retract could). */
export async function confirmRetract(ctx: Ctx, ask: Ask, actor: Actor, communityName: string): Promise<string> {
  const role = samePerson(actor, ask.asker) ? 'asker' : 'admin';
  const outcome = await retractAsk(ctx, ask.id, { role, person: ctx.names.author(actor, communityName) });
  if (outcome !== 'retracted') return 'This question was already retracted.';
  return 'Retracted: every copy of the question is being deleted, and nothing more will be gathered or sent for it.';
}

/**
 * Takes an ask back everywhere. The state is written first, so whatever is sent from now on
 * (a copy in flight, a digest due) sees it: the deliverer's last look cancels what is waiting,
 * and a copy that went out anyway is taken down right after (`afterSentRetracted`). Then each
 * copy already out is deleted through the outbox, where the network can, else its card is
 * replaced; the outbox is durable, so a restart finishes the job. Replies, digests, follow
 * DMs and prods stop, since the ask is no longer open.
 */
export async function retractAsk(ctx: Ctx, askId: string, by: ModerationActor): Promise<'retracted' | 'already' | 'not_found'> {
  const { repo } = ctx;
  const ask = await repo.ask(askId);
  if (!ask) return 'not_found';
  if (ask.state === 'retracted') return 'already';
  const wasOpen = ask.state === 'open';
  ask.state = 'retracted';
  ask.retractedBy = by.role === 'operator' ? 'operator' : by.role === 'admin' ? 'admin' : 'asker';
  ask.closedAt ??= ctx.now();
  await repo.saveAsk(ask);
  await repo.unlistAsk(askId);
  await repo.asks.refile(ask);
  if (wasOpen) await repo.retention.listFinished(askId, ask.closedAt);
  await repo.moderation.record({
    id: stableId('moderation', 'retract-ask', askId),
    at: ctx.now(),
    action: 'retract-ask',
    by,
    askId,
    // Communities only: a name here would outlive its owner's forget-me (`by` is scrubbed, text is not).
    target: `a question from ${ask.asker.communityName}`,
  });

  await cancelWaiting(ctx, askCardDeliveryId(askId));
  const card = await repo.askCard(askId);
  if (card) await replaceAskCard(ctx, ask);
  for (const copy of await repo.copiesOf(askId)) {
    await cancelWaiting(ctx, copy.deliveryId);
    if (copy.ref) await takeDown(ctx, ask, copy);
  }
  ctx.outbox.kick();
  ctx.log.info({ ask: askId, by: ask.retractedBy }, 'ask retracted');
  return 'retracted';
}

/**
 * After a send: an ask card or copy of an ask retracted while it was on its way is taken down
 * at once. The send recorded where the message is before this look, and the retraction wrote
 * its state before reading where the copies are, so one of the two always sees the other.
 */
export async function afterSentRetracted(ctx: Ctx, d: Delivery): Promise<void> {
  const p = d.purpose;
  if (p.kind !== 'copy' && p.kind !== 'ask-card') return;
  const ask = await ctx.repo.ask(p.askId);
  if (ask?.state !== 'retracted') return;
  if (p.kind === 'ask-card') await replaceAskCard(ctx, ask);
  else {
    const copy = await ctx.repo.copy(p.copyId);
    if (copy?.ref) await takeDown(ctx, ask, copy);
  }
  ctx.outbox.kick();
}

async function takeDown(ctx: Ctx, ask: Ask, copy: Copy): Promise<void> {
  if (!copy.ref) return;
  const purpose = { kind: 'takedown', askId: ask.id, copyId: copy.id } as const;
  const card = retractedCopyCard(ask, ask.retractedBy ?? 'asker');
  if (ctx.networks.keepsSent(copy.ref.network)) {
    // A sent mail stays as it was: its thread (the list, the person) is told the question was taken back.
    await ctx.outbox.post(threadOf(copy.ref), card, purpose, stableId('takedown', copy.id));
    return;
  }
  await ctx.outbox.remove(copy.ref, card, purpose, stableId('takedown', copy.id));
}

async function replaceAskCard(ctx: Ctx, ask: Ask): Promise<void> {
  const ref = await ctx.repo.askCard(ask.id);
  if (!ref) return;
  const card = retractedAskCard(ask, ask.retractedBy ?? 'asker');
  // Where the card can't be edited (email), the same words follow it in its thread.
  await editOrFollowUp(ctx, ref, card, { kind: 'takedown', askId: ask.id }, stableId('takedown-card', ask.id), card);
}

/**
 * A delivery of the ask not sent yet is cancelled now rather than at the deliverer's next look
 * (one waiting on a backoff could wait minutes). One being sent right now (claimed), or one
 * whose earlier send may have gone out (`sendingSince`), is left to the deliverer: it sends it
 * (the network finds it by its key) and the look after the send takes it down.
 */
async function cancelWaiting(ctx: Ctx, deliveryId: string): Promise<void> {
  const records = ctx.repo.deliveries;
  const seen = await records.delivery(deliveryId);
  if (!seen || seen.state !== 'pending' || seen.sendingSince !== undefined) return;
  const owner = `retract:${newId()}`;
  if (!(await records.claimDelivery(deliveryId, owner, ctx.settings.claimMs))) return;
  try {
    const d = await records.delivery(deliveryId);
    if (!d || d.state !== 'pending' || d.sendingSince !== undefined) return;
    d.state = 'cancelled';
    await records.saveDelivery(d, CANCELLED_TTL_MS);
    await records.forgetDeliveryCard(d.id);
    await records.outOfOutbox(d.id);
  } finally {
    await records.releaseDelivery(deliveryId, owner);
  }
}
