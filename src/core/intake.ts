import { askCard, copyCard, type CopyKeys } from './ask-cards.js';
import { batched } from './batched.js';
import { DAY_MS } from '../ports/clock.js';
import type { Ctx } from './context.js';
import { UserError } from '../ports/errors.js';
import type { Actor } from '../ports/events.js';
import { chooseExperts, chooseGrounds } from './fan-out.js';
import { notePrompted } from './profiles.js';
import { prodReason } from './routing.js';
import { noteProd } from './routing-learning.js';
import { stableId } from './ids.js';
import type { Ask, Author, Copy, CopyKind, Ground, Profile } from './model.js';
import { offerPreview, wantsPreview } from './preview.js';
import { personKey, placeKey, type PersonRef, type Place } from '../ports/places.js';
import { cleanText, hashtags, plural } from './text.js';

/** Copies written per store batch at intake (see createAsk). */
const COPIES_PER_BATCH = 100;

export const ASK_EXAMPLE = '/ask Which organisations have a real culture of collaborative learning? #learning';

/** Validates what someone asked. Throws a UserError that tells them what to do. */
export function validateAsk(ctx: Ctx, raw: string): string {
  const text = cleanText(raw);
  if (!text) {
    throw new UserError('ask_empty', `Write your question after the command, for example: ${ASK_EXAMPLE}`);
  }
  const max = ctx.settings.limits.maxAskLength;
  if (text.length > max) {
    throw new UserError(
      'ask_too_long',
      `Your question is ${text.length.toLocaleString('en-GB')} characters; the limit is ${max.toLocaleString('en-GB')}. Shorten it and ask again (nothing was posted).`,
    );
  }
  return text;
}

/**
 * Intake: an ask card in the origin, then one copy per target, all written to the outbox before
 * anything is sent. `eventId` makes the ask's id, and so every id it leads to, a function of the
 * event: work redone for the same event (replayed from a spool after a store outage) lands on
 * the same records and outbox entries instead of new ones.
 *
 * What the ask writes (the ask, its buttons, its copies, their outbox entries, the experts'
 * prompts) goes to the store in batches, one transaction each instead of several writes per
 * copy. The first holds the ask, its card and the first copy for each of up to COPIES_PER_BATCH
 * communities (copies are interleaved by community), so every community's sends start as soon
 * as it lands, while the rest is written. A batch lands whole or not at all; a process that
 * dies between two leaves the ask with some of its copies, and the redo of the event (same ids)
 * writes the others.
 */
export async function createAsk(
  ctx: Ctx,
  actor: Actor,
  origin: Place,
  raw: string,
  communityName: string | undefined,
  eventId: string,
): Promise<Ask> {
  const text = validateAsk(ctx, raw);
  const count = await ctx.repo.asksToday(actor, ctx.now());
  if (count > ctx.settings.limits.asksPerDay) {
    throw new UserError(
      'ask_limit',
      `You have asked ${plural(ctx.settings.limits.asksPerDay, 'question')} today, the most feelers takes from one person in a day. Please ask again tomorrow.`,
    );
  }
  const now = ctx.now();
  const ask: Ask = {
    id: askIdOf(eventId),
    text,
    topics: hashtags(text),
    // Copies travel: the asker shows as their community's policy says (sharing.ts).
    asker: await ctx.sharing.travelling(ctx.names.author(actor, communityName)),
    origin,
    createdAt: now,
    expiresAt: now + ctx.settings.expiry.days * DAY_MS,
    state: 'open',
  };
  const grounds = await chooseGrounds(ctx, ask);
  const experts = await chooseExperts(ctx, ask);
  // With the audience preview on, the targets are kept and shown; Send sends exactly those (preview.ts).
  if (await wantsPreview(ctx, actor)) {
    await offerPreview(ctx, ask, grounds, experts);
    return ask;
  }
  await fanOut(ctx, ask, grounds, experts);
  return ask;
}

/**
 * The ask card and one copy per target, written to the outbox in batches (see createAsk). The
 * targets are given: chosen now, or chosen when a preview was shown and re-checked at Send.
 */
export async function fanOut(
  ctx: Ctx,
  ask: Ask,
  grounds: readonly Pick<Ground, 'place' | 'communityName'>[],
  experts: readonly Profile[],
): Promise<void> {
  const { origin } = ask;
  let batch = batched(ctx);
  await batch.ctx.repo.openAsk(ask);
  // Topics asked together make each other "near" for escalation (escalation.ts).
  await ctx.repo.routing.notePairs(ask.topics);
  const keys = {
    follow: await batch.ctx.buttons.bind({ op: 'follow', askId: ask.id }),
    close: await batch.ctx.buttons.bind({ op: 'close', askId: ask.id, only: personKey(ask.asker) }),
    // Not the asker's alone: an admin of their community may retract too (retract.ts decides).
    retract: await batch.ctx.buttons.bind({ op: 'retract', askId: ask.id }),
  };
  const names = [...new Set(grounds.map((g) => g.communityName))];
  const reach = {
    channels: grounds.length,
    communities: new Set(grounds.map((g) => `${g.place.network}:${g.place.community}`)).size,
    people: experts.length,
    names,
  };
  // The ask card goes first: its thread is where digests go.
  await batch.ctx.outbox.post(origin, askCard(ask, reach, keys), { kind: 'ask-card', askId: ask.id }, askCardDeliveryId(ask.id));
  let copies = 0;
  for (const g of interleaveByCommunity(grounds)) {
    await addCopy(batch.ctx, ask, 'ground', { place: g.place, communityName: g.communityName });
    if (++copies % COPIES_PER_BATCH === 0) {
      await batch.commit();
      ctx.outbox.kick();
      // Let the sends just queued reach their sockets before the next batch is built.
      await new Promise((resolve) => setImmediate(resolve));
      batch = batched(ctx);
    }
  }
  for (const p of experts) await prod(batch.ctx, ask, p);
  await batch.commit();
  ctx.metrics.askCreated();
  ctx.outbox.kick();
  ctx.log.info({ ask: ask.id, grounds: grounds.length, experts: experts.length }, 'ask fanned out');
}

/** The outbox delivery that posts an ask's card: one per ask. */
export function askCardDeliveryId(askId: string): string {
  return stableId('ask-card', askId);
}

/** The id of the ask an event makes: the same event (redone, or pressed twice) makes the same ask. */
export function askIdOf(eventId: string): string {
  return stableId('ask', eventId);
}

async function prod(ctx: Ctx, ask: Ask, p: Profile): Promise<void> {
  await notePrompted(ctx, p);
  await noteProd(ctx, p);
  // A prod says why this person got it (learned routing: "you helped with #x twice").
  await addCopy(ctx, ask, 'prod', { person: p, communityName: p.communityName, why: await prodReason(ctx, ask, p) });
}

/** A copy's id: one copy of an ask per kind and target, however often it is asked for. */
export function copyIdOf(askId: string, kind: CopyKind, target: Place | PersonRef | undefined): string {
  const targetKey = target === undefined ? '' : 'channel' in target ? placeKey(target) : personKey(target);
  return stableId('copy', askId, kind, targetKey);
}

/** One copy: the Copy record, its buttons and its outbox entry. */
export async function addCopy(
  ctx: Ctx,
  ask: Ask,
  kind: CopyKind,
  target: { place?: Place; person?: PersonRef; communityName: string; via?: readonly Author[]; why?: string | undefined },
): Promise<Copy> {
  const copyId = copyIdOf(ask.id, kind, target.place ?? target.person);
  const deliveryId = stableId('copy-delivery', copyId);
  const ops = await ctx.buttons.bindAll({ askId: ask.id, copyId }, ['help', 'refer', 'answer', 'follow', 'report', 'remove-copy'] as const);
  const keys: CopyKeys = {
    help: ops.help,
    refer: ops.refer,
    answer: ops.answer,
    follow: ops.follow,
    report: ops.report,
    remove: ops['remove-copy'],
  };
  const copy: Copy = {
    id: copyId,
    askId: ask.id,
    kind,
    place: target.place,
    person: target.person ? { network: target.person.network, community: target.person.community, user: target.person.user } : undefined,
    communityName: target.communityName,
    via: target.via,
    deliveryId,
  };
  await ctx.repo.addCopy(copy);
  // A referrer's own community reads their name even when it hides names from others (sharing.ts).
  const reader = target.place ?? target.person;
  const via = target.via?.map((v) =>
    reader && v.network === reader.network && v.community === reader.community ? { ...v, hidden: false } : v,
  );
  const card = copyCard(ask, kind, keys, via, target.why);
  const purpose = { kind: 'copy', askId: ask.id, copyId } as const;
  if (copy.place) await ctx.outbox.post(copy.place, card, purpose, deliveryId);
  else if (copy.person) {
    await ctx.outbox.dm(copy.person, card, purpose, deliveryId);
    // Their next DM to the bot answers this ask.
    const prompts = await ctx.repo.prompts(copy.person);
    await ctx.repo.savePrompts(copy.person, [...prompts, { askId: ask.id, copyId, at: ctx.now() }].slice(-10));
  }
  return copy;
}

/**
 * One ground of each community in turn. Every community has a rate limit of its own, so the
 * first sends should open every community's window at once rather than queue behind one.
 */
export function interleaveByCommunity<T extends { place: Place }>(grounds: readonly T[]): T[] {
  const by = new Map<string, T[]>();
  for (const g of grounds) {
    const key = `${g.place.network}:${g.place.community}`;
    const list = by.get(key) ?? [];
    list.push(g);
    by.set(key, list);
  }
  const lists = [...by.values()];
  const out: T[] = [];
  for (let i = 0; out.length < grounds.length; i++) {
    for (const list of lists) {
      const g = list[i];
      if (g) out.push(g);
    }
  }
  return out;
}
