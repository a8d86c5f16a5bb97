import { samePerson, type PersonRef } from '../ports/places.js';
import type { Ctx } from './context.js';
import { followerDigestCard, summaryCard, threadDigestCard } from './digest-cards.js';
import { itemsFor, loadItems } from './digest.js';
import type { DigestShown } from './digest-records.js';
import { stableId } from './ids.js';
import type { Ask, Reply } from './model.js';
import type { ModerationActor } from './moderation-log.js';
import type { DeletedEvent } from '../ports/events.js';

/**
 * A reply taken back by its writer (Retract my answer, `/feelers retract`, or deleting the
 * message): it leaves every digest not sent yet (withdrawn from the fresh set), and every
 * digest already sent that showed it is drawn again with the reply struck out and edited in
 * place (the asker's thread, followers' DMs, final summaries). Recorded for operators.
 */
export async function takeBackReply(ctx: Ctx, replyId: string, by: PersonRef): Promise<Reply | undefined> {
  const reply = await ctx.repo.reply(replyId);
  if (!reply || !samePerson(reply.author, by) || reply.retracted || reply.deleted) return undefined;
  reply.retracted = true;
  await ctx.repo.withdrawReply(reply);
  await recordRetraction(ctx, reply, { role: 'writer', person: reply.author });
  await strikeReply(ctx, reply);
  return reply;
}

/**
 * A message that was a reply was deleted on the platform (by its writer, or by someone the
 * platform lets delete it), and withdrawn (replies.ts): struck where it was shown, and recorded.
 */
export async function afterReplyDeleted(ctx: Ctx, reply: Reply, e: DeletedEvent): Promise<void> {
  const writer = samePerson(e.actor, reply.author);
  const communityName = ctx.names.community(e.actor.network, e.actor.community, e.communityName);
  const by: ModerationActor = writer
    ? { role: 'writer', person: reply.author }
    : { role: e.actor.rights.admin ? 'admin' : 'member', person: ctx.names.author(e.actor, communityName) };
  await recordRetraction(ctx, reply, by);
  await strikeReply(ctx, reply);
}

/** `/feelers retract`: the writer's latest reply (on a question open or ended, not retracted). */
export async function retractLatestReply(ctx: Ctx, who: PersonRef): Promise<string> {
  const mine = (await ctx.repo.repliesBy(who)).filter((r) => !r.retracted && !r.deleted && samePerson(r.author, who));
  mine.sort((a, b) => b.at - a.at);
  for (const r of mine) {
    const ask = await ctx.repo.ask(r.askId);
    if (!ask || ask.state === 'retracted') continue;
    await takeBackReply(ctx, r.id, who);
    return `Taken back: your answer to ${ask.asker.name}'s question ("${r.text.slice(0, 60)}${r.text.length > 60 ? '…' : ''}") is out of the digests still to come and struck from those already sent.`;
  }
  return 'You have no answer to take back.';
}

async function recordRetraction(ctx: Ctx, reply: Reply, by: ModerationActor): Promise<void> {
  const ask = await ctx.repo.ask(reply.askId);
  await ctx.repo.moderation.record({
    id: stableId('moderation', 'retract-reply', reply.id),
    at: ctx.now(),
    action: 'retract-reply',
    by,
    askId: reply.askId,
    replyId: reply.id,
    target: ask ? `a reply to a question from ${ask.asker.communityName}` : 'a reply',
  });
}

/** Draws each digest that showed the reply again without it, and edits it (or its card, if not sent yet). */
export async function strikeReply(ctx: Ctx, reply: Reply): Promise<number> {
  const ask = await ctx.repo.ask(reply.askId);
  if (!ask) return 0;
  let struck = 0;
  for (const shown of await ctx.repo.digestsShown.of(reply.id)) {
    const card = await redraw(ctx, ask, shown);
    const delivery = await ctx.repo.deliveries.delivery(shown.deliveryId);
    if (delivery?.state === 'pending') {
      // Not out yet: it goes out as redrawn.
      await ctx.repo.deliveries.saveDeliveryCard(shown.deliveryId, card);
      struck++;
      continue;
    }
    const ref = shown.ref ?? delivery?.ref;
    if (!ref) continue;
    await ctx.outbox.edit(ref, card, { kind: 'notify', askId: ask.id }, stableId('strike', shown.deliveryId, reply.id));
    struck++;
  }
  if (struck) ctx.outbox.kick();
  return struck;
}

async function redraw(ctx: Ctx, ask: Ask, shown: DigestShown) {
  const fresh = await loadItems(ctx, shown.members);
  const thread = shown.audience === 'thread' || shown.audience === 'summary-thread';
  const items = await itemsFor(ctx, ask, fresh, thread);
  if (shown.final) return summaryCard(ask, shown.final, items, !thread);
  return thread ? threadDigestCard(ask, items, shown.inThread) : followerDigestCard(ask, items);
}
