import { channelOf, personKey, placeKey, samePerson, type PersonRef } from '../ports/places.js';
import type { Ctx } from './context.js';
import type { Ask, CopyInfo, Reply } from './model.js';
import { resumePromptCard } from './routing-cards.js';
import { stableId } from './ids.js';
import { emptyLearned } from './routing-memory.js';

/**
 * Learning, on the events that already happen: a reply (who helped on the ask's topics; how
 * long the ground took to answer), an accepted introduction (who helped most), an ask ending
 * (which prods went unanswered, which grounds never answered). docs/routing.md says what is
 * learned and why; it is learned about a person only while they have opted in to prods
 * (`/feelers topics`, not opted out): the learning serves only to prod them.
 */

/** A copy that got no reply before its ask ended counts as a ground this slow (2 days). */
export const NO_ANSWER_MS = 48 * 3600_000;

export async function learnFromReply(ctx: Ctx, ask: Ask, reply: Reply, copy: CopyInfo | undefined): Promise<void> {
  const { routing } = ctx.repo;
  if (copy?.kind === 'ground' && (await routing.firstReplyIn(copy.id, reply.id))) {
    const place = (await ctx.repo.copy(copy.id))?.place;
    const sent = (await routing.copySentAt(copy.id)) ?? ask.createdAt;
    if (place) await routing.timeGround(placeKey(channelOf(place)), Math.max(0, reply.at - sent));
  }
  if (ask.topics.length && (await consented(ctx, reply.author)) && (await routing.firstHelpOn(ask.id, reply.author, reply.id))) {
    await routing.countHelp(reply.author, ask.topics, 'replies', reply.at);
  }
}

/** The responder's introduction was shared: both sides said yes, the strongest sign of help. */
export async function learnFromIntro(ctx: Ctx, ask: Ask, responder: PersonRef): Promise<void> {
  if (!ask.topics.length || !(await consented(ctx, responder))) return;
  await ctx.repo.routing.countHelp(responder, ask.topics, 'intros', ctx.now());
}

/**
 * An ask ended: each person prodded either answered (their count of unanswered prods starts
 * again) or did not (after `pauseAfterUnanswered` in a row, prods to them pause and they are
 * told, with a button to resume); each ground copy nobody answered counts as a slow ground.
 */
export async function learnFromEnd(ctx: Ctx, ask: Ask): Promise<void> {
  const replies = await ctx.repo.repliesOf(ask.id);
  const answered = new Set(replies.map((r) => r.copyId));
  const { routing } = ctx.repo;
  for (const copy of await ctx.repo.copiesOf(ask.id)) {
    if (copy.kind === 'ground' && copy.place && copy.ref && !answered.has(copy.id)) {
      if (await routing.firstReplyIn(copy.id, `end:${ask.id}`)) await routing.timeGround(placeKey(channelOf(copy.place)), NO_ANSWER_MS);
    }
    if (copy.kind !== 'prod' || !copy.person || !copy.ref) continue;
    const person = copy.person;
    const helped = replies.some((r) => samePerson(r.author, person)) || (await ctx.repo.offerBy(ask.id, person)) !== undefined;
    await noteProdOutcome(ctx, person, helped, ask.id);
  }
}

async function noteProdOutcome(ctx: Ctx, person: PersonRef, helped: boolean, askId: string): Promise<void> {
  const l = await ctx.repo.routing.learned(person);
  if (!l) return;
  if (helped) {
    if (l.unanswered === 0) return;
    l.unanswered = 0;
    await ctx.repo.routing.saveLearned(person, l);
    return;
  }
  l.unanswered++;
  const limit = ctx.settings.routing.pauseAfterUnanswered;
  const pause = limit > 0 && l.unanswered >= limit && l.pausedAt === undefined;
  if (pause) l.pausedAt = ctx.now();
  await ctx.repo.routing.saveLearned(person, l);
  if (!pause) return;
  const key = await ctx.buttons.bind({ op: 'prods-on', only: personKey(person) });
  await ctx.outbox.dm(person, resumePromptCard(l.unanswered, key), { kind: 'notify' }, stableId('prods-paused', askId, person.user));
}

/** A prod went out to `person`: it counts towards their week's cap. */
export async function noteProd(ctx: Ctx, person: PersonRef): Promise<void> {
  const now = ctx.now();
  const l = (await ctx.repo.routing.learned(person)) ?? emptyLearned();
  l.prods = [...l.prods.filter((t) => now - t < WEEK_MS), now];
  await ctx.repo.routing.saveLearned(person, l);
}

export const WEEK_MS = 7 * 24 * 3600_000;

/** Learning about a person needs their opt-in to prods: topics set, not opted out. */
async function consented(ctx: Ctx, person: PersonRef): Promise<boolean> {
  const p = await ctx.repo.profile(person);
  return p !== undefined && !p.optedOut && p.topics.length > 0;
}
