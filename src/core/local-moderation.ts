import type { Card } from '../ports/cards.js';
import type { Actor, ChatEvent } from '../ports/events.js';
import { personKey, threadOf, type PersonRef } from '../ports/places.js';
import { blockHash, blocks, type BlockEntry } from './block-lists.js';
import type { Ctx } from './context.js';
import { stableId } from './ids.js';
import type { ActionBinding, Ask, Author, Copy } from './model.js';
import { excerpt } from './text.js';

/**
 * What a receiving community's own people can do about what reaches them: an admin removes a
 * copy from their channel and blocks a person or a whole community from reaching theirs;
 * anyone reports a copy to the asker's community's admins and to feelers' operators. Every
 * action is in the moderation record. Fan-out, prods and replies honour blocks (`isBlocked`).
 */

/** Whether `receiver`'s community blocked `who` (the person, or their whole community). */
export async function isBlocked(ctx: Ctx, receiver: { network: string; community: string }, who: PersonRef): Promise<boolean> {
  if (receiver.network === who.network && receiver.community === who.community) return false;
  return (await ctx.repo.blocks.of(receiver.network, receiver.community)).some((b) => blocks(b, who));
}

/** Keeps what reaches no community that blocked the asker (one read per community, however many channels). */
export async function notBlocking<T extends { network: string; community: string }>(
  ctx: Ctx,
  asker: PersonRef,
  targets: readonly T[],
): Promise<T[]> {
  const verdict = new Map<string, boolean>();
  const out: T[] = [];
  for (const t of targets) {
    const key = `${t.network}\u0000${t.community}`;
    let blocked = verdict.get(key);
    if (blocked === undefined) {
      blocked = await isBlocked(ctx, t, asker);
      verdict.set(key, blocked);
    }
    if (!blocked) out.push(t);
  }
  return out;
}

/** The platform said this person is an admin where they acted: remembered, so a Report can reach them. */
export async function noteAdmin(ctx: Ctx, e: ChatEvent): Promise<void> {
  if (!e.actor.rights.admin || e.actor.isBot || e.kind === 'deleted' || e.kind === 'edited') return;
  const communityName = ctx.names.community(e.actor.network, e.actor.community, e.communityName);
  await ctx.repo.blocks.sawAdmin(ctx.names.author(e.actor, communityName));
}

/** The moderation record of a copy's removal: one per copy, so the console can tell it was removed. */
export function removalRecordId(copyId: string): string {
  return stableId('moderation', 'remove-copy', copyId);
}

function administers(actor: Actor, where: { network: string; community: string }, orChannel: boolean): boolean {
  if (actor.network !== where.network || actor.community !== where.community) return false;
  return actor.rights.admin || (orChannel && actor.rights.manageChannel);
}

/** Remove, on a copy in a channel: an admin (or channel manager) of that community takes it down there only. */
export async function removeCopy(ctx: Ctx, ask: Ask, copy: Copy | undefined, actor: Actor, communityName: string): Promise<string> {
  if (!copy?.place) return 'Only copies in channels can be removed.';
  if (!administers(actor, copy.place, true)) return 'Only an admin of this community can remove this copy, so nothing happened.';
  if (copy.ref) {
    const card: Card = {
      summary: 'Removed by an admin of this community.',
      blocks: [{ type: 'text', text: 'Removed by an admin of this community.' }],
    };
    await ctx.outbox.remove(copy.ref, card, { kind: 'takedown', askId: ask.id, copyId: copy.id }, stableId('remove', copy.id));
    // Messages in its thread no longer reach the asker.
    await ctx.repo.unbindThread(threadOf(copy.ref));
  }
  const admin = ctx.names.author(actor, communityName);
  await ctx.repo.moderation.record({
    id: removalRecordId(copy.id),
    at: ctx.now(),
    action: 'remove-copy',
    by: { role: 'admin', person: admin },
    askId: ask.id,
    target: `a question from ${ask.asker.communityName}, in ${copy.communityName}`,
  });
  const only = personKey(actor);
  const keys = await ctx.buttons.bindAll(
    { askId: ask.id, only },
    ['block-person', 'block-community'] as const,
    stableId('block-keys', copy.id),
  );
  await ctx.outbox.dm(actor, blockOfferCard(ask, keys), { kind: 'notify' }, stableId('block-offer', copy.id, only));
  ctx.outbox.kick();
  return `Removed from this channel. I sent you a private message in case you want to block ${ask.asker.name} or ${ask.asker.communityName} from reaching ${communityName}.`;
}

function blockOfferCard(ask: Ask, keys: { 'block-person': string; 'block-community': string }): Card {
  return {
    summary: 'Removed. Block them too?',
    blocks: [
      { type: 'text', text: `You removed a question from ${ask.asker.name} in ${ask.asker.communityName} from your channel.` },
      {
        type: 'text',
        text: 'Block them too? A block keeps their questions out of every channel of your community, and their replies out of your questions. `/feelers blocks` lists blocks; `/feelers unblock` lifts one.',
      },
      {
        type: 'buttons',
        buttons: [
          { id: keys['block-person'], label: `Block ${ask.asker.name}`, style: 'danger' },
          { id: keys['block-community'], label: `Block ${ask.asker.communityName}`, style: 'danger' },
        ],
      },
    ],
  };
}

/** Block this ask's asker, or their whole community, from the presser's community (the presser was checked as its admin). */
export async function blockFromAsk(ctx: Ctx, ask: Ask, actor: Actor, communityName: string, what: 'person' | 'community'): Promise<string> {
  const a = ask.asker;
  const entry: BlockEntry =
    what === 'person'
      ? {
          kind: 'person',
          network: a.network,
          community: a.community,
          communityName: a.communityName,
          hash: blockHash(a),
          person: a,
          at: ctx.now(),
        }
      : { kind: 'community', network: a.network, community: a.community, communityName: a.communityName, at: ctx.now() };
  return block(ctx, actor, communityName, entry);
}

async function block(ctx: Ctx, actor: Actor, communityName: string, entry: BlockEntry): Promise<string> {
  const shown = entry.person ? `${entry.person.name} (${entry.communityName})` : entry.communityName;
  if (!(await ctx.repo.blocks.add(actor, entry))) return `${shown} is blocked already.`;
  await ctx.repo.moderation.record({
    id: stableId('moderation', 'block', personKey(actor), entry.kind, entry.network, entry.community, entry.hash ?? '', String(entry.at)),
    at: ctx.now(),
    action: 'block',
    by: { role: 'admin', person: ctx.names.author(actor, communityName) },
    person: entry.person,
    target:
      entry.kind === 'community'
        ? `${entry.communityName}, blocked by ${communityName}`
        : `someone in ${entry.communityName}, blocked by ${communityName}`,
  });
  return `Blocked: ${shown} no longer reaches any channel of ${communityName} (their questions), nor your questions (their replies).`;
}

/** `/feelers block <community name>`, `/feelers unblock <number>`, `/feelers blocks`: a community's admins only. */
export async function blockCommand(
  ctx: Ctx,
  actor: Actor,
  communityName: string,
  sub: 'block' | 'unblock' | 'blocks',
  args: string,
): Promise<string> {
  if (!actor.rights.admin) return `Only an admin of ${communityName} can see or change whom it blocks.`;
  const list = await ctx.repo.blocks.of(actor.network, actor.community);
  if (sub === 'blocks') {
    if (!list.length)
      return `${communityName} blocks nobody. After removing a copy, its private message offers to block who sent it; or /feelers block <community name>.`;
    return [`${communityName} blocks:`, ...list.map((b, i) => `${i + 1}. ${describe(b)}`), 'Lift one with /feelers unblock <number>.'].join(
      '\n',
    );
  }
  if (sub === 'unblock') {
    const n = Number(args.trim());
    const gone = Number.isInteger(n) && n >= 1 ? await ctx.repo.blocks.remove(actor, n) : undefined;
    if (!gone) return `Say which block to lift by its number in /feelers blocks (1 to ${list.length}).`;
    await ctx.repo.moderation.record({
      id: stableId('moderation', 'unblock', personKey(actor), gone.network, gone.community, gone.hash ?? '', String(ctx.now())),
      at: ctx.now(),
      action: 'unblock',
      by: { role: 'admin', person: ctx.names.author(actor, communityName) },
      person: gone.person,
      target: `${gone.kind === 'community' ? gone.communityName : `someone in ${gone.communityName}`}, unblocked by ${communityName}`,
    });
    return `Unblocked: ${describe(gone)} can reach ${communityName} again.`;
  }
  const name = args.trim().toLowerCase();
  if (!name) return 'Say which community to block: /feelers block <community name> (as copies name it).';
  const found = (await ctx.repo.allGrounds()).find(
    (g) => g.communityName.toLowerCase() === name && !(g.place.network === actor.network && g.place.community === actor.community),
  );
  if (!found)
    return `No connected community is called "${args.trim().slice(0, 80)}". Its name is the one copies show ("… in <community> asks").`;
  const { network, community } = found.place;
  return block(ctx, actor, communityName, { kind: 'community', network, community, communityName: found.communityName, at: ctx.now() });
}

function describe(b: BlockEntry): string {
  return b.kind === 'community' ? `${b.communityName} (the whole community)` : `${b.person?.name ?? 'Someone'} in ${b.communityName}`;
}

/**
 * Report, on a copy: the asker's community's admins (those feelers has seen act as admins)
 * get it by DM, and operators see it in the moderation record. Once per person and copy.
 */
export async function reportCopy(ctx: Ctx, ask: Ask, b: ActionBinding, actor: Actor, communityName: string): Promise<string> {
  const copyId = b.copyId ?? '';
  const reporter: Author = ctx.names.author(actor, communityName);
  const id = stableId('moderation', 'report', copyId, personKey(actor));
  await ctx.repo.moderation.record({
    id,
    at: ctx.now(),
    action: 'report',
    by: { role: 'member', person: reporter },
    askId: ask.id,
    target: `a question from ${ask.asker.communityName}, reported in ${communityName}`,
  });
  const admins = await ctx.repo.blocks.admins(ask.asker.network, ask.asker.community);
  const card: Card = {
    summary: `A question from ${ask.asker.communityName} was reported`,
    blocks: [
      { type: 'text', text: `Someone in ${communityName} reported a copy of this question from ${ask.asker.communityName}:` },
      { type: 'quote', text: excerpt(ask.text, 300), by: ask.asker.name },
      {
        type: 'text',
        text: `If it should not have gone out, its asker or an admin of ${ask.asker.communityName} can press Retract on its card to take it back everywhere.`,
      },
    ],
  };
  for (const admin of admins) await ctx.outbox.dm(admin, card, { kind: 'notify' }, stableId('report-dm', id, personKey(admin)));
  ctx.outbox.kick();
  return admins.length
    ? `Reported, thank you: ${ask.asker.communityName}'s admins and feelers' operators have been told.`
    : `Reported, thank you: feelers' operators have been told (feelers knows no admin of ${ask.asker.communityName} to tell).`;
}
