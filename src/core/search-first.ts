import type { Ctx } from './context.js';
import { UserError } from '../ports/errors.js';
import type { ActionEvent, Actor } from '../ports/events.js';
import { FORGOTTEN_USER } from './person-index.js';
import { stableId } from './ids.js';
import { askIdOf, createAsk, validateAsk } from './intake.js';
import type { ActionBinding, Author } from './model.js';
import { personKey, samePerson, type Place } from '../ports/places.js';
import { earlierAskAnsweredCard, earlierAskCard } from './search-cards.js';
import type { SearchHit } from './search-index.js';
import { threadLink } from './search-command.js';
import { mayFind } from './search-scope.js';
import { SIMILAR_AT } from './search-text.js';

/** Earlier asks looked at for a prompt: the best few by the index, the closest question of those. */
const CONSIDERED = 3;

/**
 * Search before asking: when an earlier ask that was answered is close enough (`SIMILAR_AT`),
 * the asker gets it privately first, with Ask anyway and That answers it; otherwise, or while the
 * index is still being built after a start (an ask never waits for it), the question goes out at once.
 *
 * The question waits only in the prompt's button binding, as a DM ask does (dm-asks.ts), and its
 * ids come from the event: a redone event rewrites the same binding and the same card, and every
 * press of Ask anyway makes the same ask. An event whose ask exists already (a redo after the
 * ask went out) finishes that ask instead of prompting.
 */
export async function askOrShowEarlier(
  ctx: Ctx,
  actor: Actor,
  origin: Place,
  raw: string,
  communityName: string | undefined,
  eventId: string,
): Promise<void> {
  const text = validateAsk(ctx, raw);
  // Built on first use, so a start reads no more with 100,000 finished asks than with 4; until
  // it is, questions go out unprompted rather than wait.
  if (!ctx.search.ready) ctx.search.warm().catch((err: unknown) => ctx.log.error({ err }, 'building the search index failed'));
  const earlier = ctx.search.ready && !(await ctx.repo.ask(askIdOf(eventId))) ? await closestAnswered(ctx, actor, text) : undefined;
  if (!earlier) {
    await createAsk(ctx, actor, origin, text, communityName, eventId);
    return;
  }
  const keys = await ctx.buttons.bindAll(
    // Only the asker may answer: the question is theirs, and so is the choice.
    { only: personKey(actor), text, place: origin, eventId, earlierAskId: earlier.ask.id },
    ['ask-anyway', 'answered-earlier'] as const,
    stableId('search-prompt-buttons', eventId).slice(0, 16),
  );
  const link = await threadLink(ctx, earlier.ask, { network: actor.network, community: actor.community });
  await ctx.outbox.dm(
    actor,
    earlierAskCard(earlier, text, link, ctx.now(), { anyway: keys['ask-anyway'], answered: keys['answered-earlier'] }),
    { kind: 'notify' },
    promptIdOf(eventId),
  );
  ctx.outbox.kick();
  ctx.metrics.searchPrompt?.('shown');
  ctx.log.info({ earlier: earlier.ask.id, likeness: Number(earlier.likeness.toFixed(2)) }, 'similar earlier ask shown before asking');
  await ctx.notices.send(
    actor,
    origin,
    'Before your question goes out: a similar one was answered earlier. I sent it to you in a direct message; press Ask anyway there to send yours.',
  );
}

/** The closest earlier ask that ended with replies, that this asker's community may see. */
async function closestAnswered(ctx: Ctx, actor: Actor, text: string): Promise<SearchHit | undefined> {
  const who = { network: actor.network, community: actor.community };
  const hits = await ctx.search.find(text, {
    limit: CONSIDERED,
    keep: async (ask, replies) => ask.state !== 'open' && replies.length > 0 && (await mayFind(ctx, who, ask)),
  });
  return hits.filter((h) => h.likeness >= SIMILAR_AT).sort((a, b) => b.likeness - a.likeness)[0];
}

/** Ask anyway: the question goes out as any ask, its card where it was asked. */
export async function askAnyway(ctx: Ctx, e: ActionEvent, b: ActionBinding): Promise<string> {
  const { text, place, eventId } = b;
  if (text === undefined || !place || !eventId) {
    throw new UserError('stale_button', 'This button is no longer active. Ask your question again.');
  }
  const existing = await ctx.repo.ask(askIdOf(eventId));
  // An open one is redone (same ids): a press cut short by a crash finishes its copies. A closed
  // one stays closed: a late press must not reopen it.
  if (existing?.state === 'open' || !existing) await createAsk(ctx, e.actor, place, text, e.communityName, eventId);
  await answered(ctx, e.actionId, eventId, true);
  ctx.metrics.searchPrompt?.('asked-anyway');
  return 'Asked: your question is out, and its card is where you asked it.';
}

/**
 * That answers it: nothing is asked; the earlier ask counts one more person it answered, and
 * each person whose reply is in it is credited (not those who used forget-me: their replies
 * stay, nameless).
 */
export async function answeredEarlier(ctx: Ctx, e: ActionEvent, b: ActionBinding): Promise<string> {
  const earlier = b.earlierAskId ? await ctx.repo.ask(b.earlierAskId) : undefined;
  if (earlier) {
    await ctx.repo.search.answeredAgain(earlier.id);
    const helpers = new Map<string, Author>();
    const replies = (await ctx.repo.repliesOf(earlier.id)).filter((r) => !r.deleted && !r.retracted && !r.anonymous);
    for (const r of replies) {
      if (r.author.user !== FORGOTTEN_USER && !samePerson(r.author, e.actor)) helpers.set(personKey(r.author), r.author);
    }
    for (const helper of helpers.values()) await ctx.repo.search.credit(helper);
  }
  await answered(ctx, e.actionId, b.eventId, false);
  ctx.metrics.searchPrompt?.('answered');
  return 'Good: your question was not sent. The people whose answers helped are credited for it.';
}

function promptIdOf(eventId: string): string {
  return stableId('search-prompt', eventId);
}

/** The prompt is answered: its card loses its quotes and buttons, then the binding (the text) goes. */
async function answered(ctx: Ctx, actionId: string, eventId: string | undefined, asked: boolean): Promise<void> {
  const d = eventId ? await ctx.repo.deliveries.delivery(promptIdOf(eventId)) : undefined;
  if (eventId && d?.state === 'sent' && d.ref) {
    await ctx.outbox.edit(d.ref, earlierAskAnsweredCard(asked), { kind: 'notify' }, stableId('search-prompt-answered', eventId));
    await ctx.repo.deliveries.forgetDeliveryCard(d.id);
    ctx.outbox.kick();
  }
  await ctx.buttons.unbind(actionId);
}
