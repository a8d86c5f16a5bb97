import type { ChatEvent } from '../ports/events.js';
import type { Place } from '../ports/places.js';
import type { CommunityRecord } from './community-records.js';
import type { Ctx } from './context.js';
import type { Standing } from './membership.js';
import { textCard, topicList } from './text.js';

/*
 * Joining the network: the gate every inbound event passes (a community outside the network
 * is written down as pending the first time it is met), and an operator's decision on it.
 * Who belongs is decided in membership.ts.
 */

/**
 * The gate on inbound events: true when the event's community belongs. A pending community is
 * written down the first time it is met (for the console), and whoever ran a command there is
 * told, politely, why nothing happened; a `/feelers connect` is remembered and done on approval.
 */
export async function admitEvent(ctx: Ctx, event: ChatEvent): Promise<boolean> {
  const { network, community } = event.place;
  const standing = await ctx.membership.standing(network, community);
  if (standing === 'member') return true;
  const record = standing === 'pending' ? await notePending(ctx, event) : undefined;
  // Only someone who spoke to feelers is answered; a channel's ordinary talk is let be.
  const spokeToFeelers =
    event.kind === 'command' || event.kind === 'action' || (event.kind === 'message' && (event.mentionsBot || event.direct));
  if (event.kind === 'joined') await ctx.notices.send(event.actor, event.place, joinedText(ctx, standing, record?.name));
  else if (spokeToFeelers) await ctx.notices.send(event.actor, event.place, refusalText(ctx, standing, record?.name));
  ctx.log.info({ network, community, kind: event.kind, standing }, 'event from a community outside the network ignored');
  return false;
}

function refusalText(ctx: Ctx, standing: Standing, name: string | undefined): string {
  const where = name ? `${name} is` : 'This community is';
  if (standing === 'refused') {
    return `Thanks for trying feelers. ${where} not part of this feelers network, so nothing was posted or shared. If you think it should be, please contact the people who run it.`;
  }
  const next = ctx.settings.membership.approvals
    ? "The network's operators have been asked to approve it; once they do, feelers starts working here (a channel you connected now is connected then)."
    : "Please ask the network's operators to add it to the network's list of communities.";
  return `Thanks for setting up feelers! ${where} not part of this feelers network yet, so nothing was posted or shared. ${next}`;
}

function joinedText(ctx: Ctx, standing: Standing, name: string | undefined): string {
  const where = name ?? 'your community';
  if (standing === 'refused') {
    return `Thanks for adding feelers to ${where}. It is not part of this feelers network, so feelers will not post or share anything there. If you think it should be, please contact the people who run it.`;
  }
  const next = ctx.settings.membership.approvals
    ? "The network's operators have been asked to approve it; once they do, /feelers connect in a channel starts it there (a channel connected meanwhile is connected then)."
    : "Please ask the network's operators to add it to the network's list of communities; until then feelers will not post or share anything there.";
  return `Thanks for adding feelers to ${where}! It is not part of this feelers network yet. ${next}`;
}

async function notePending(ctx: Ctx, event: ChatEvent): Promise<CommunityRecord> {
  const { network, community } = event.place;
  const found = await ctx.repo.communities.get(network, community);
  const record: CommunityRecord = found ?? {
    network,
    community,
    name: ctx.names.community(network, community, event.communityName),
    state: 'pending',
    since: ctx.now(),
    waiting: [],
  };
  let changed = !found;
  if (event.kind === 'command' && event.name === 'feelers' && !event.direct) {
    const [sub = '', ...rest] = event.text.trim().split(/\s+/);
    const mayConnect = ctx.settings.connect.allowAnyone || event.actor.rights.admin || event.actor.rights.manageChannel;
    if (sub.toLowerCase() === 'connect' && mayConnect) {
      const channel = event.place.channel;
      record.waiting = [
        ...record.waiting.filter((w) => w.channel !== channel),
        { channel, channelName: event.channelName, topics: topicList(rest.join(' ')) },
      ];
      changed = true;
    }
  }
  if (changed) {
    await ctx.repo.communities.save(record);
    if (!found) ctx.log.info({ network, community }, 'a community outside the network is waiting for approval');
  }
  return record;
}

/**
 * An operator's approval: the community belongs from now on, and the channels whose connect
 * waited are connected (each told so in the channel). Refusal keeps it out, including when its
 * network would admit it on its own.
 */
export async function decideCommunity(
  ctx: Ctx,
  network: string,
  community: string,
  decision: 'approved' | 'refused',
  by: string,
): Promise<'approved' | 'refused' | 'not_found'> {
  const record = await ctx.repo.communities.get(network, community);
  if (!record) return 'not_found';
  const waiting = decision === 'approved' ? record.waiting : [];
  record.state = decision;
  record.decidedAt = ctx.now();
  record.decidedBy = by;
  record.waiting = [];
  await ctx.repo.communities.save(record);
  for (const w of waiting) {
    const place: Place = { network, community, channel: w.channel };
    if (await ctx.repo.ground(place)) continue;
    await ctx.repo.saveGround({
      place,
      communityName: record.name,
      topics: w.topics,
      channelName: w.channelName,
      connectedAt: ctx.now(),
      source: 'chat',
    });
    await ctx.repo.markGroundRemovedByChat(place, false);
    const what = w.topics.length ? `questions tagged ${w.topics.map((t) => `#${t}`).join(' ')}` : 'questions from the other communities';
    await ctx.outbox.post(place, textCard(`${record.name} has joined the feelers network: this channel now receives ${what}.`), {
      kind: 'notify',
    });
  }
  if (waiting.length) ctx.outbox.kick();
  ctx.log.info({ operator: by, network, community, decision }, 'operator decided on a community');
  return decision;
}
