import type { Ctx } from './context.js';
import { UserError } from '../ports/errors.js';
import type { CommandEvent } from '../ports/events.js';
import type { Ground } from './model.js';
import { channelOf } from '../ports/places.js';
import { topicList } from './text.js';

/**
 * Grounds: the channels connected to feelers, which receive copies of asks. Connected in chat
 * (`/feelers connect`) by admins and channel managers, or listed in the YAML file.
 */

/** YAML grounds are seeded once; a channel connected, changed or disconnected in chat keeps that. */
export async function seedGrounds(ctx: Ctx): Promise<void> {
  for (const g of ctx.settings.grounds) {
    const place = { network: g.network, community: g.community, channel: g.channel };
    if ((await ctx.repo.ground(place)) || (await ctx.repo.groundRemovedByChat(place))) continue;
    await ctx.repo.saveGround({
      place,
      communityName: ctx.names.community(g.network, g.community, g.communityName),
      topics: g.topics,
      connectedAt: ctx.now(),
      source: 'yaml',
    });
  }
}

function mayManage(ctx: Ctx, e: CommandEvent): void {
  if (ctx.settings.connect.allowAnyone) return;
  if (e.actor.rights.admin || e.actor.rights.manageChannel) return;
  throw new UserError(
    'not_allowed',
    'Only admins and people who can manage this channel can connect or disconnect it. Ask one of them to run the command here.',
  );
}

function inChannel(e: CommandEvent): void {
  // A DM's place has no channel anyone else reads: connecting it would send copies to nobody.
  if (e.direct) {
    throw new UserError('not_a_channel', 'Run /feelers connect in the channel you want to connect, not in a direct message.');
  }
}

export async function connect(ctx: Ctx, e: CommandEvent, args: string): Promise<string> {
  inChannel(e);
  mayManage(ctx, e);
  const topics = topicList(args);
  const place = channelOf(e.place);
  const existing = await ctx.repo.ground(place);
  const ground: Ground = {
    place,
    communityName: ctx.names.community(place.network, place.community, e.communityName),
    topics,
    channelName: e.channelName ?? existing?.channelName,
    connectedBy: e.actor.name,
    connectedAt: existing?.connectedAt ?? ctx.now(),
    source: 'chat',
  };
  await ctx.repo.saveGround(ground);
  await ctx.repo.markGroundRemovedByChat(place, false);
  const what = topics.length
    ? `questions tagged ${topics.map((t) => `#${t}`).join(' ')}`
    : 'every question from the other connected communities';
  return `${existing ? 'Updated' : 'Connected'}: this channel now receives ${what}. People here can answer in each copy's thread.`;
}

export async function disconnect(ctx: Ctx, e: CommandEvent): Promise<string> {
  mayManage(ctx, e);
  const place = channelOf(e.place);
  const removed = await ctx.repo.deleteGround(place);
  await ctx.repo.markGroundRemovedByChat(place, true);
  return removed ? 'Disconnected: no new questions will be posted here.' : 'This channel was not connected.';
}
