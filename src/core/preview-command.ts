import type { Ctx } from './context.js';
import { UserError } from '../ports/errors.js';
import type { CommandEvent } from '../ports/events.js';
import { profileFor } from './profiles.js';
import { cleanText } from './text.js';

export const PREVIEW_HELP =
  '• /feelers preview on | off: see who your question will reach, with Send / Edit / Cancel, before it goes out. Admins: /feelers preview community on | off sets it for everyone here who has not chosen.';

/** `/feelers preview on|off` for oneself; `/feelers preview community on|off` for a community's admins. */
export async function previewSetting(ctx: Ctx, e: CommandEvent, args: string): Promise<string> {
  const words = cleanText(args).toLowerCase().split(/\s+/).filter(Boolean);
  const forCommunity = words[0] === 'community';
  const value = forCommunity ? words[1] : words[0];
  if ((value !== 'on' && value !== 'off') || words.length > (forCommunity ? 2 : 1)) {
    throw new UserError('preview_usage', `Write /feelers preview on or /feelers preview off.\n${PREVIEW_HELP}`);
  }
  const on = value === 'on';
  if (forCommunity) {
    if (!e.actor.rights.admin) throw new UserError('not_allowed', "Only admins can change the community's preview setting.");
    const policy = await ctx.sharing.policy(e.actor.network, e.actor.community);
    policy.preview = on;
    policy.updatedAt = ctx.now();
    await ctx.repo.communities.saveSharing(policy);
    return on
      ? 'Done: members here see the audience of their questions before they go out, unless they turned it off for themselves.'
      : 'Done: questions from here go out at once, except for members who turned the preview on for themselves.';
  }
  const p = await profileFor(ctx, e.actor, ctx.names.community(e.actor.network, e.actor.community, e.communityName));
  p.preview = on;
  await ctx.repo.saveProfile(p);
  return on
    ? 'Done: before each question goes out, you will see who it reaches, with Send, Edit and Cancel.'
    : 'Done: your questions go out as soon as you ask.';
}
