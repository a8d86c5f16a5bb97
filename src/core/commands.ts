import type { Ctx } from './context.js';
import { UserError } from '../ports/errors.js';
import type { CommandEvent } from '../ports/events.js';
import { ASK_EXAMPLE } from './intake.js';
import { connect, disconnect } from './grounds.js';
import { withdrawConsents } from './intros.js';
import { sendMyData } from './my-data.js';
import { routingCommand } from './routing-commands.js';
import { retractLatestReply } from './reply-strike.js';
import { blockCommand } from './local-moderation.js';
import { previewSetting, PREVIEW_HELP } from './preview-command.js';
import { share, SHARE_HELP } from './share-command.js';
import { searchCommand } from './search-command.js';
import { profileFor } from './profiles.js';
import type { PersonRef } from '../ports/places.js';
import { cleanText, topicList } from './text.js';

const MAX_CONTACT = 500;

export const HELP = [
  'feelers passes your question to other communities and brings the answers back.',
  `• ${ASK_EXAMPLE} (or @mention feelers, or DM it): ask; add #topics so it reaches the right channels and people.`,
  '• /feelers connect [topics]: connect this channel so it receives questions (only those with these topics, if given). Admins and channel managers.',
  '• /feelers disconnect: stop sending questions to this channel.',
  '• /feelers topics <list>: topics you know about; feelers may DM you questions on them (at most 5 a week).',
  '• /feelers contact <how to reach you>: shared only when you agree to an introduction. `/feelers contact` alone shows it; `/feelers contact clear` removes it.',
  '• /feelers optout | optin: stop or allow direct messages you did not ask for.',
  '• /feelers retract: take back your latest answer; it leaves the digests still to come and is struck from those already sent (deleting your message does the same).',
  '• /feelers block <community> | unblock <number> | blocks: keep a community (or, from a removed copy, a person) out of your channels and questions. Admins.',
  '• /feelers forget-me: delete your profile, contact and follows; your past replies become anonymous.',
  '• /feelers learned: what feelers learned from your help (it asks people who helped before first); `/feelers learned reset` forgets it.',
  '• /feelers prods on | off: resume or pause questions by topic (feelers pauses them itself after a few go unanswered).',
  "• /feelers escalation <hours> | off: admins: widen this community's unanswered questions after that many hours (default 24), or never.",
  SHARE_HELP,
  PREVIEW_HELP,
  '• /feelers search <words>: find earlier questions and what they came to, from every connected community (only you see the results).',
  '• /feelers my-data: get everything feelers holds about you (profile, topics, contact, asks, replies, follows, introductions, who got your contact), by DM, with a JSON file.',
].join('\n');

/** `/feelers <subcommand> ...`. Returns the private answer to the person. */
export async function runFeelers(ctx: Ctx, e: CommandEvent): Promise<string> {
  const [sub = 'help', ...rest] = cleanText(e.text).split(/\s+/);
  const args = rest.join(' ');
  switch (sub.toLowerCase()) {
    case 'connect':
      return connect(ctx, e, args);
    case 'disconnect':
      return disconnect(ctx, e);
    case 'topics':
      return setTopics(ctx, e, args);
    case 'contact':
      return contact(ctx, e, cleanText(e.text).slice(sub.length).trim());
    case 'optout':
      return setOptOut(ctx, e, true);
    case 'optin':
      return setOptOut(ctx, e, false);
    case 'forget-me':
      return forgetMe(ctx, e.actor);
    case 'my-data':
      return sendMyData(ctx, e, args);
    case 'learned':
    case 'prods':
    case 'escalation':
      return routingCommand(ctx, e, sub.toLowerCase(), args);
    case 'retract':
      return retractLatestReply(ctx, e.actor);
    case 'block':
    case 'unblock':
    case 'blocks':
      return blockCommand(
        ctx,
        e.actor,
        ctx.names.community(e.actor.network, e.actor.community, e.communityName),
        sub.toLowerCase() as 'block',
        args,
      );
    case 'share':
      return share(ctx, e, args);
    case 'preview':
      return previewSetting(ctx, e, args);
    case 'search':
      return searchCommand(ctx, e, args);
    case 'help':
    case '':
      return HELP;
    default:
      throw new UserError('unknown_command', `I don't know "/feelers ${sub.slice(0, 40)}". Try /feelers help.`);
  }
}

async function setTopics(ctx: Ctx, e: CommandEvent, args: string): Promise<string> {
  const p = await profileFor(ctx, e.actor, ctx.names.community(e.actor.network, e.actor.community, e.communityName));
  const topics = topicList(args).slice(0, 20);
  await ctx.repo.setExpertTopics(p, p.topics, topics);
  p.topics = topics;
  await ctx.repo.saveProfile(p);
  if (!topics.length) return 'Your topics are cleared: feelers will not DM you questions by topic.';
  return `Saved your topics: ${topics.map((t) => `#${t}`).join(' ')}. feelers may DM you questions on them, at most ${ctx.settings.limits.unsolicitedPerWeek} a week. /feelers optout stops that.`;
}

async function contact(ctx: Ctx, e: CommandEvent, raw: string): Promise<string> {
  const p = await profileFor(ctx, e.actor, ctx.names.community(e.actor.network, e.actor.community, e.communityName));
  if (!raw) {
    return p.contact
      ? `Your contact (shown only to people you agree to be introduced to): ${p.contact}`
      : 'You have no contact set. Add one with /feelers contact <how to reach you>.';
  }
  if (raw.toLowerCase() === 'clear') {
    p.contact = undefined;
    await ctx.repo.saveProfile(p);
    // Consent went with the contact: what was waiting to release it is withdrawn.
    const withdrawn = await withdrawConsents(ctx, e.actor, { all: false });
    return withdrawn
      ? 'Your contact is removed, and your offers and introduction requests still waiting are withdrawn (the other side is told).'
      : 'Your contact is removed.';
  }
  if (raw.length > MAX_CONTACT)
    throw new UserError('contact_too_long', `Keep your contact under ${MAX_CONTACT} characters (it is ${raw.length}).`);
  p.contact = raw;
  await ctx.repo.saveProfile(p);
  return 'Saved. Your contact is private: it is shared only with someone you agree to be introduced to.';
}

async function setOptOut(ctx: Ctx, e: CommandEvent, out: boolean): Promise<string> {
  const p = await profileFor(ctx, e.actor, ctx.names.community(e.actor.network, e.actor.community, e.communityName));
  p.optedOut = out;
  await ctx.repo.saveProfile(p);
  return out
    ? 'Done: feelers will not send you direct messages you did not ask for (questions by topic, referrals). /feelers optin undoes it.'
    : 'Done: feelers may again DM you questions on your topics and referrals, at most a few a week.';
}

/** Deletes the profile, contact and follows; the person's replies become anonymous. */
export async function forgetMe(ctx: Ctx, who: PersonRef): Promise<string> {
  const p = await ctx.repo.profile(who);
  // Pending introductions are called off first (the other side is told), then every record
  // that names the person is cleared (see person-index.ts).
  await withdrawConsents(ctx, who, { all: true });
  await ctx.repo.setExpertTopics(who, p?.topics ?? [], []);
  await ctx.repo.deleteProfile(who);
  await ctx.repo.unfollowAll(who);
  await ctx.repo.savePrompts(who, []);
  await ctx.repo.deleteReleases(who);
  await ctx.repo.routing.forget(who);
  await ctx.repo.forgetPerson(who);
  await ctx.networks.forget(who);
  return 'Done: your profile, contact, topics and follows are deleted, and your replies will show without your name from now on.';
}
