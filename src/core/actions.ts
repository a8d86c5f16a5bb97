import type { Ctx } from './context.js';
import { UserError } from '../ports/errors.js';
import type { ActionEvent } from '../ports/events.js';
import { askFromDm, dropDm } from './dm-asks.js';
import { answeredEarlier, askAnyway } from './search-first.js';
import { addCopy, copyIdOf, createAsk } from './intake.js';
import { acceptOffer, declineIntro, declineOffer, notNow, offerHelp, requestIntro, shareContact } from './intros.js';
import { extend, finish, toggleFollow, untilText } from './lifecycle.js';
import type { ActionBinding, ActionOp, Ask, Author } from './model.js';
import { mayPrompt, notePrompted, profileFor } from './profiles.js';
import { personKey, samePerson } from '../ports/places.js';
import { onPreview } from './preview-actions.js';
import { collectReply, retractReply } from './replies.js';
import { routingAction } from './routing-commands.js';
import { confirmRetract, offerRetract } from './retract.js';
import { takeBackReply } from './reply-strike.js';
import { blockFromAsk, isBlocked, removeCopy, reportCopy } from './local-moderation.js';

/** People one person may refer ("I know someone") in a UTC day. */
const REFERRALS_PER_DAY = 5;

/** Ops that still make sense once an ask is closed: the conversation about intros goes on. */
const AFTER_CLOSE: ReadonlySet<ActionOp> = new Set([
  'request-intro',
  'accept-offer',
  'decline-offer',
  'share',
  'not-now',
  'decline',
  // A closed question can still be taken back; a retracted one answers that it is already.
  'retract',
  'retract-everywhere',
  // A reply can be taken back from the final summary too.
  'retract-reply',
  // What reached a community stays its own to report, remove and block, whatever became of the question.
  'report',
  'remove-copy',
  'block-person',
  'block-community',
]);

/**
 * A button press or form submission. Who may press is decided here, from the binding; a
 * refused or stale press gets a private notice to the presser and changes nothing.
 */
export async function handleAction(ctx: Ctx, e: ActionEvent): Promise<string | undefined> {
  const b = await ctx.buttons.binding(e.actionId);
  if (!b) throw new UserError('stale_button', 'This button is no longer active. It may be from an old message.');
  if (b.only !== undefined && b.only !== personKey(e.actor)) {
    throw new UserError('not_yours', 'This button is for someone else, so nothing happened.');
  }
  const ask = b.askId ? await ctx.repo.ask(b.askId) : undefined;
  if (b.askId && !ask) throw new UserError('stale_button', 'This question no longer exists.');
  if (ask && ask.state !== 'open' && !AFTER_CLOSE.has(b.op)) {
    throw new UserError('ask_closed', `This question is ${ask.state} now, so nothing happened.`);
  }
  return run(ctx, e, b, ask);
}

async function run(ctx: Ctx, e: ActionEvent, b: ActionBinding, ask: Ask | undefined): Promise<string | undefined> {
  const communityName = ctx.names.community(e.actor.network, e.actor.community, e.communityName);
  const need = (): Ask => {
    if (!ask) throw new UserError('stale_button', 'This button is no longer active.');
    return ask;
  };
  switch (b.op) {
    case 'follow': {
      const on = await toggleFollow(ctx, need(), e.actor);
      return on
        ? "You're following this question: digests of new replies and the final summary will come to you by DM. Press Follow again to stop."
        : 'You stopped following this question.';
    }
    case 'close':
      await finish(ctx, need(), 'closed');
      return 'Closed. The final summary is in the thread, and the copies now say the question is closed.';
    case 'extend': {
      const until = await extend(ctx, need());
      return `Extended: the question stays open until ${untilText(ctx, until)}.`;
    }
    case 'help':
      return offerHelp(ctx, need(), e.actor, b.copyId, communityName);
    case 'answer': {
      const text = e.form?.text ?? '';
      const a = need();
      if (samePerson(e.actor, a.asker)) return 'This is your own question; answers come from others.';
      if (await isBlocked(ctx, a.asker, e.actor))
        return `Your answer was not passed on: ${a.asker.communityName} does not take answers from you.`;
      const copy = b.copyId ? await ctx.repo.copy(b.copyId) : undefined;
      const reply = await collectReply(ctx, { eventId: e.id, actor: e.actor, communityName, ask: a, copy, text, source: 'form' });
      if (!reply) throw new UserError('answer_empty', 'Your answer was empty, so nothing was sent. Press Answer again to write one.');
      return `Thanks! Your answer goes to ${a.asker.name} with the next digest.`;
    }
    case 'refer':
      return refer(ctx, e, b, need(), communityName);
    case 'request-intro':
      return requestIntro(ctx, need(), b.replyId ?? '', e.actor);
    case 'share':
      return shareContact(ctx, b.introId ?? '', e.actor);
    case 'not-now':
      return notNow(ctx, b.introId ?? '');
    case 'decline':
      return declineIntro(ctx, b.introId ?? '');
    case 'accept-offer':
      return acceptOffer(ctx, need(), b.offerId ?? '', e.actor);
    case 'decline-offer':
      return declineOffer(ctx, need(), b.offerId ?? '');
    case 'new-question': {
      const reply = await ctx.repo.reply(b.replyId ?? '');
      if (!reply || reply.retracted || !samePerson(reply.author, e.actor)) return 'That message was already turned into a question.';
      // The question is checked (and asked) before the answer is withdrawn: one that can't be
      // asked stays an answer rather than vanishing. Its id derives from the reply, so a
      // second press lands on the same ask.
      const created = await createAsk(ctx, e.actor, e.place, reply.text, e.communityName, `new-question:${reply.id}`);
      await retractReply(ctx, reply.id, e.actor);
      return `Done: your message is now a question of its own (${created.topics.length ? created.topics.map((t) => `#${t}`).join(' ') : 'no topics'}), and no longer an answer.`;
    }
    case 'ask-dm':
      return askFromDm(ctx, e, b);
    case 'drop-dm':
      return dropDm(ctx, e, b);
    case 'prods-on':
    case 'reset-learning':
    case 'stop-widening':
      return routingAction(ctx, e, b, ask);
    case 'retract':
      return offerRetract(ctx, need(), e.actor);
    case 'retract-everywhere':
      return confirmRetract(ctx, need(), e.actor, communityName);
    case 'report':
      return reportCopy(ctx, need(), b, e.actor, communityName);
    case 'remove-copy':
      return removeCopy(ctx, need(), b.copyId ? await ctx.repo.copy(b.copyId) : undefined, e.actor, communityName);
    case 'block-person':
    case 'block-community':
      return blockFromAsk(ctx, need(), e.actor, communityName, b.op === 'block-person' ? 'person' : 'community');
    case 'retract-reply':
      return (await takeBackReply(ctx, b.replyId ?? '', e.actor))
        ? 'Taken back: your answer is out of the digests still to come and struck from those already sent.'
        : 'That answer was already taken back.';
    case 'preview-send':
    case 'preview-edit':
    case 'preview-cancel':
      return onPreview(ctx, e, b.op === 'preview-send' ? 'send' : b.op === 'preview-edit' ? 'edit' : 'cancel', b.pendingId ?? '');
    case 'ask-anyway':
      return askAnyway(ctx, e, b);
    case 'answered-earlier':
      return answeredEarlier(ctx, e, b);
  }
}

/** "I know someone": the picked person gets the question by DM, credited to the referrer. */
async function refer(ctx: Ctx, e: ActionEvent, b: ActionBinding, ask: Ask, communityName: string): Promise<string> {
  const picked = e.form?.person;
  if (!picked) throw new UserError('pick_someone', 'Pick the person feelers should ask, then send.');
  const name = picked.name ?? 'them';
  if (samePerson(picked, e.actor)) return 'That is you! Use Answer to reply yourself.';
  if (samePerson(picked, ask.asker)) return `${ask.asker.name} is the one asking, so there is no need to send it to them.`;
  // The same person referred again gets no second DM, and it costs them nothing more.
  if (await ctx.repo.copy(copyIdOf(ask.id, 'referral', picked))) {
    return `${name} already has this question from feelers. Thanks for thinking of them!`;
  }
  const profile = await profileFor(ctx, { ...picked, name: picked.name ?? picked.user }, communityName);
  if (!mayPrompt(await ctx.repo.profile(picked), ctx.now(), ctx.settings.limits.unsolicitedPerWeek)) {
    // Say nothing about why: whether someone opted out is their business.
    return `feelers can't message ${name} right now. You could tell them about the question yourself.`;
  }
  // One person can't turn feelers into a way to DM many: a few referrals each a day.
  if ((await ctx.repo.referralsToday(e.actor, ctx.now())) > REFERRALS_PER_DAY) {
    return `You've referred ${REFERRALS_PER_DAY} people today, the most feelers takes from one person in a day, so ${name} was not sent it. You could tell them about the question yourself.`;
  }
  const copy = b.copyId ? await ctx.repo.copy(b.copyId) : undefined;
  // Credited in the asker's digest: shown as the referrer's community's policy says.
  const referrer: Author = await ctx.sharing.travelling(ctx.names.author(e.actor, communityName), ask.asker);
  const via = [referrer, ...(copy?.via ?? [])];
  await notePrompted(ctx, profile);
  await addCopy(ctx, ask, 'referral', { person: picked, communityName, via });
  ctx.outbox.kick();
  return `Thanks! I've sent the question to ${name}, saying you thought of them. Their answer will be credited to you too.`;
}
