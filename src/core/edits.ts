import type { Card } from '../ports/cards.js';
import { threadOf, type MessageRef } from '../ports/places.js';
import type { Ctx } from './context.js';
import type { DeliveryPurpose } from './model.js';

/**
 * A change to a message the bot sent. Where the network can edit, the message is replaced.
 * Where it cannot (email: a sent mail stays as it was), `followUp` is posted in the message's
 * thread instead when the change matters to its readers (an ask closed), and nothing is sent
 * when it does not (a confirmation's buttons going away): a mail per such change is noise.
 */
export async function editOrFollowUp(
  ctx: Ctx,
  ref: MessageRef,
  edited: Card,
  purpose: DeliveryPurpose,
  id: string,
  followUp?: Card,
): Promise<void> {
  if (ctx.networks.canEdit(ref.network)) {
    await ctx.outbox.edit(ref, edited, purpose, id);
    return;
  }
  if (followUp) await ctx.outbox.post(threadOf(ref), followUp, purpose, id);
}
