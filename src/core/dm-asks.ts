import { dmAskAnsweredCard, dmAskCard } from './ask-cards.js';
import type { Ctx } from './context.js';
import { UserError } from '../ports/errors.js';
import type { ActionEvent, MessageEvent } from '../ports/events.js';
import { editOrFollowUp } from './edits.js';
import { stableId } from './ids.js';
import { askIdOf, createAsk, validateAsk } from './intake.js';
import type { ActionBinding } from './model.js';
import { personKey } from '../ports/places.js';

/**
 * A DM to the bot is private. One that answers no open prompt (a question, or a late answer to
 * a prod whose ask has closed: "call me on 07700 ...") becomes a public ask only when its
 * writer presses Ask it on the card feelers sends back; until then it is kept only in that
 * card's button binding, and No deletes it.
 *
 * Ids come from the DM's event id: a redone DM rewrites the same binding and the same outbox
 * entry (one card), and every press of Ask it makes the same ask (`askIdOf`), where a press's
 * own id would make a new ask per press.
 */
export async function offerDmAsk(ctx: Ctx, e: MessageEvent): Promise<void> {
  const text = validateAsk(ctx, e.text);
  const keys = await ctx.buttons.bindAll(
    // Only the writer may answer: the text is theirs.
    { only: personKey(e.actor), text, place: e.place, eventId: e.id },
    ['ask-dm', 'drop-dm'] as const,
    stableId('dm-ask-buttons', e.id).slice(0, 16),
  );
  const card = dmAskCard(text, { ask: keys['ask-dm'], drop: keys['drop-dm'] });
  await ctx.outbox.dm(e.actor, card, { kind: 'notify' }, cardIdOf(e.id));
  ctx.outbox.kick();
}

/** Ask it: the DM becomes an ask, its card in the DM it was written in (as any DM ask). */
export async function askFromDm(ctx: Ctx, e: ActionEvent, b: ActionBinding): Promise<string> {
  const { text, place, eventId } = b;
  if (text === undefined || !place || !eventId) {
    throw new UserError('stale_button', 'This button is no longer active. Send your question to feelers again.');
  }
  const existing = await ctx.repo.ask(askIdOf(eventId));
  // An open one is redone (same ids, same outbox entries): a press cut short by a crash
  // finishes its copies. A closed one stays closed: a late press must not reopen it.
  if (existing?.state === 'open' || !existing) await createAsk(ctx, e.actor, place, text, e.communityName, eventId);
  await answered(ctx, e.actionId, eventId, true);
  return 'Asked: your question is out. Its card is in this conversation, and replies will come here as digests.';
}

/** No: nothing is posted, and the text goes from the card and from the store. */
export async function dropDm(ctx: Ctx, e: ActionEvent, b: ActionBinding): Promise<string> {
  await answered(ctx, e.actionId, b.eventId, false);
  return 'Nothing was posted, and feelers has forgotten your message.';
}

function cardIdOf(eventId: string): string {
  return stableId('dm-ask-card', eventId);
}

/**
 * The confirmation is answered: its card loses the quote and the buttons, the card kept for its
 * sending is deleted, and the binding (the text) last, so a press redone after a crash
 * between these steps still finds it and finishes them.
 */
async function answered(ctx: Ctx, actionId: string, eventId: string | undefined, asked: boolean): Promise<void> {
  const d = eventId ? await ctx.repo.deliveries.delivery(cardIdOf(eventId)) : undefined;
  if (eventId && d?.state === 'sent' && d.ref) {
    await editOrFollowUp(ctx, d.ref, dmAskAnsweredCard(asked), { kind: 'notify' }, stableId('dm-ask-answered', eventId));
    await ctx.repo.deliveries.forgetDeliveryCard(d.id);
    ctx.outbox.kick();
  }
  await ctx.buttons.unbind(actionId);
}
