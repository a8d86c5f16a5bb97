import type { Ctx } from './context.js';
import { UserError } from '../ports/errors.js';
import type { ActionEvent, CommandEvent } from '../ports/events.js';
import type { PersonRef } from '../ports/places.js';
import type { ActionBinding, Ask } from './model.js';
import type { Learned } from './routing-memory.js';
import { communityWait, stopWidening } from './escalation.js';
import { plural } from './text.js';

/** Longest wait an admin may set before widening: past the default expiry an ask is gone anyway. */
const MAX_ESCALATION_HOURS = 24 * 14;

/** `/feelers learned [reset]`, `/feelers prods on|off`, `/feelers escalation <hours>|off`. */
export async function routingCommand(ctx: Ctx, e: CommandEvent, sub: string, args: string): Promise<string> {
  const arg = args.trim().toLowerCase();
  if (sub === 'learned') {
    if (arg === 'reset') return resetLearning(ctx, e.actor);
    if (arg)
      throw new UserError('learned_args', 'Try /feelers learned to see what feelers learned, or /feelers learned reset to forget it.');
    return learnedText(await ctx.repo.routing.learned(e.actor));
  }
  if (sub === 'prods') {
    if (arg === 'on') return resumeProds(ctx, e.actor);
    if (arg === 'off') return pauseProds(ctx, e.actor);
    throw new UserError('prods_args', 'Try /feelers prods on (questions by topic resume) or /feelers prods off (they pause).');
  }
  return setEscalation(ctx, e, arg);
}

/** The buttons of routing's cards: Resume questions, Reset what feelers learned, Stop widening. */
export async function routingAction(ctx: Ctx, e: ActionEvent, b: ActionBinding, ask: Ask | undefined): Promise<string> {
  if (b.op === 'prods-on') return resumeProds(ctx, e.actor);
  if (b.op === 'reset-learning') return resetLearning(ctx, e.actor);
  if (!ask) throw new UserError('stale_button', 'This button is no longer active.');
  return stopWidening(ctx, ask);
}

/** What `/feelers learned` says: each topic helped with, and the state of prods. */
export function learnedText(l: Learned | undefined): string {
  const topics = Object.entries(l?.topics ?? {}).sort(([, a], [, b]) => b.lastAt - a.lastAt);
  const lines = topics.map(
    ([t, h]) => `• #${t}: answered ${plural(h.replies, 'question')}${h.intros ? `, ${plural(h.intros, 'introduction')} accepted` : ''}`,
  );
  const head = lines.length
    ? 'feelers learned that you helped with these topics, so it asks you first when they come up (within your weekly limit):'
    : 'feelers has learned nothing about your help yet.';
  const paused = l?.pausedAt !== undefined ? '\nQuestions by topic are paused for you; /feelers prods on resumes them.' : '';
  const reset = lines.length ? '\n/feelers learned reset forgets all of it.' : '';
  return [head, ...lines].join('\n') + paused + reset;
}

async function resetLearning(ctx: Ctx, who: PersonRef): Promise<string> {
  const n = await ctx.repo.routing.resetHelp(who);
  return n
    ? `Done: feelers forgot what it learned about your help on ${plural(n, 'topic')}. Questions reach you by your topics alone from now on.`
    : 'feelers had learned nothing about your help, so there was nothing to forget.';
}

async function resumeProds(ctx: Ctx, who: PersonRef): Promise<string> {
  const l = await ctx.repo.routing.learned(who);
  if (l && (l.pausedAt !== undefined || l.unanswered > 0)) {
    l.pausedAt = undefined;
    l.unanswered = 0;
    await ctx.repo.routing.saveLearned(who, l);
  }
  return 'Done: feelers may again send you questions on your topics, within your weekly limit.';
}

async function pauseProds(ctx: Ctx, who: PersonRef): Promise<string> {
  const l = (await ctx.repo.routing.learned(who)) ?? { topics: {}, prods: [], unanswered: 0 };
  l.pausedAt = ctx.now();
  await ctx.repo.routing.saveLearned(who, l);
  return 'Paused: feelers will not send you questions by topic until you type /feelers prods on. Referrals from people who know you still come (/feelers optout stops those too).';
}

async function setEscalation(ctx: Ctx, e: CommandEvent, arg: string): Promise<string> {
  const { network, community } = e.actor;
  if (!arg) {
    const { hours, own } = await communityWait(ctx, network, community);
    return hours === null
      ? "This community's unanswered questions never widen."
      : `This community's unanswered questions widen after ${plural(hours, 'hour')}${own ? '' : ' (the default)'}.`;
  }
  if (!e.actor.rights.admin) {
    throw new UserError('not_allowed', "Only this community's admins can change when its unanswered questions widen.");
  }
  if (arg === 'off') {
    await ctx.repo.routing.saveCommunity(network, community, { afterHours: null });
    return "Done: this community's unanswered questions no longer widen.";
  }
  const hours = /^\d{1,4}$/.test(arg) ? Number(arg) : NaN;
  if (!(hours >= 1 && hours <= MAX_ESCALATION_HOURS)) {
    throw new UserError(
      'escalation_hours',
      `Write a whole number of hours from 1 to ${MAX_ESCALATION_HOURS}, or off: for example /feelers escalation 24.`,
    );
  }
  await ctx.repo.routing.saveCommunity(network, community, { afterHours: hours });
  return `Done: this community's questions nobody answered widen after ${plural(hours, 'hour')}, first to channels on near topics, then to channels that take every topic.`;
}
