import { channelOf, personKey, placeKey } from '../ports/places.js';
import type { Ctx } from './context.js';
import { stableId } from './ids.js';
import { mayReceive } from './fan-out.js';
import { addCopy, interleaveByCommunity } from './intake.js';
import type { Ask, Ground } from './model.js';
import { widenedCard } from './routing-cards.js';
import { plural } from './text.js';

/**
 * Escalation: an ask nobody answered within its community's wait (default 24 hours) widens,
 * first to grounds whose topics are near its own, a wait later to grounds that take every
 * topic; the asker is told each time and can stop it. Run by the expiry sweep, under its tick
 * lock, so one instance widens an ask once; every copy and notice has an id made from the ask,
 * so a sweep that dies half-way and is redone adds nothing twice. docs/routing.md.
 *
 * "Near" (nearTopics): topics asked together with the ask's topics in at least
 * MIN_TIMES_PAIRED earlier asks, and topics sharing a word with one of its own (words split on
 * - _ &, compared by their first five letters, or whole when shorter: #people-analytics is near
 * #analytics, #onboard near #onboarding).
 */

/** Earlier asks that must have carried two topics together before they count as near. */
const MIN_TIMES_PAIRED = 2;
/** Topics asked with one topic that are looked at. */
const PAIRS_LOOKED_AT = 10;
/** Letters two words must share at their start to count as the same word. */
const STEM = 5;

/** Each community's wait, read once per sweep (community key → hours, null: never). */
export type Waits = Map<string, number | null>;

/**
 * Widens the ask if its wait is over and nobody answered. Returns the stage reached, or 0. An ask
 * younger than its wait costs no store read (the sweep walks every open ask).
 */
export async function widenIfDue(ctx: Ctx, ask: Ask, waits: Waits = new Map()): Promise<number> {
  const { routing } = ctx.repo;
  const hours = await waitHours(ctx, ask, waits);
  const now = ctx.now();
  if (hours === null || now < ask.createdAt + hours * 3600_000) return 0;
  const state = await routing.escalation(ask.id);
  if (state?.stopped || (state?.stage ?? 0) >= 2) return 0;
  if (now < (state?.lastAt ?? ask.createdAt) + hours * 3600_000) return 0;
  if ((await routing.answers(ask.id)) > 0) {
    // Answered: it never widens, and later sweeps need not look again.
    await routing.saveEscalation(ask.id, { stage: state?.stage ?? 0, lastAt: now, stopped: true });
    return 0;
  }
  const open = await openGrounds(ctx, ask);
  let stage = (state?.stage ?? 0) + 1;
  let near: string[] = [];
  let targets: Ground[] = [];
  if (stage === 1) {
    near = await nearTopics(ctx, ask, open);
    targets = open.filter((g) => g.topics.some((t) => near.includes(t)));
    // Nothing near: the next step is taken now rather than a wait later.
    if (!targets.length) stage = 2;
  }
  if (stage === 2) targets = open.filter((g) => g.topics.length === 0);
  const waited = plural(Math.round((now - ask.createdAt) / 3600_000), 'hour');
  const why =
    stage === 1
      ? `Nobody has answered this in ${waited}, and this channel's topics are near its own, so feelers widened it to you.`
      : `Nobody has answered this in ${waited}, so feelers widened it to channels that take every topic.`;
  for (const g of interleaveByCommunity(targets)) {
    await addCopy(ctx, ask, 'ground', { place: g.place, communityName: g.communityName, why });
  }
  if (targets.length) {
    const stop = await ctx.buttons.bind({ op: 'stop-widening', askId: ask.id, only: personKey(ask.asker) });
    const communities = new Set(targets.map((g) => `${g.place.network}:${g.place.community}`)).size;
    const card = widenedCard(ask, { stage, channels: targets.length, communities, near: near.slice(0, 5), hours }, stop);
    await ctx.outbox.dm(ask.asker, card, { kind: 'notify', askId: ask.id }, stableId('widened', ask.id, String(stage)));
    ctx.outbox.kick();
  }
  await routing.saveEscalation(ask.id, { stage, lastAt: now });
  ctx.log.info({ ask: ask.id, stage, grounds: targets.length }, 'unanswered ask widened');
  return stage;
}

/** The asker pressed Stop widening. */
export async function stopWidening(ctx: Ctx, ask: Ask): Promise<string> {
  const state = await ctx.repo.routing.escalation(ask.id);
  await ctx.repo.routing.saveEscalation(ask.id, { stage: state?.stage ?? 0, lastAt: state?.lastAt ?? ctx.now(), stopped: true });
  return 'Done: your question stays where it is now. Answers still come to your thread.';
}

/** The ask's community's wait in hours (its admins' setting, or the configured one); null: never. */
async function waitHours(ctx: Ctx, ask: Ask, waits: Waits): Promise<number | null> {
  const key = `${ask.origin.network}\u0000${ask.origin.community}`;
  const known = waits.get(key);
  if (known !== undefined) return known;
  const { hours } = await communityWait(ctx, ask.origin.network, ask.origin.community);
  waits.set(key, hours);
  return hours;
}

/**
 * A community's wait before its unanswered asks widen: its admins' setting in chat wins over the
 * YAML's for the community, which wins over `escalation.afterHours`. `own`: not the default.
 */
export async function communityWait(ctx: Ctx, network: string, community: string): Promise<{ hours: number | null; own: boolean }> {
  const chat = await ctx.repo.routing.community(network, community);
  if (chat) return { hours: chat.afterHours, own: true };
  const yaml = ctx.settings.escalation.communities[`${network}:${community}`];
  return yaml !== undefined ? { hours: yaml, own: true } : { hours: ctx.settings.escalation.afterHours, own: false };
}

/** Reachable grounds that have no copy of the ask yet, other than where it was asked. */
async function openGrounds(ctx: Ctx, ask: Ask): Promise<Ground[]> {
  const copied = new Set((await ctx.repo.copiesOf(ask.id)).flatMap((c) => (c.place ? [placeKey(channelOf(c.place))] : [])));
  copied.add(placeKey(channelOf(ask.origin)));
  const candidates = (await ctx.repo.allGrounds()).filter(
    (g) => g.unreachableSince === undefined && !copied.has(placeKey(channelOf(g.place))),
  );
  // Widening obeys what fan-out does: membership, both sides' sharing policies, blocks.
  return mayReceive(ctx, ask, candidates);
}

/** Topics near the ask's own, among those asked with them and those of `grounds` (see the head comment). */
export async function nearTopics(ctx: Ctx, ask: Ask, grounds: readonly Ground[]): Promise<string[]> {
  const near = new Set<string>();
  for (const t of ask.topics) {
    for (const p of await ctx.repo.routing.pairedWith(t, MIN_TIMES_PAIRED, PAIRS_LOOKED_AT)) near.add(p);
  }
  for (const g of grounds) for (const gt of g.topics) if (ask.topics.some((t) => shareWord(t, gt))) near.add(gt);
  for (const t of ask.topics) near.delete(t);
  return [...near].sort();
}

/** Two topics share a word: `people-analytics` and `analytics`, `onboard` and `onboarding`. */
export function shareWord(a: string, b: string): boolean {
  const words = (t: string) => t.split(/[-_&]+/).filter((w) => w.length >= 3);
  return words(a).some((x) => words(b).some((y) => sameWord(x, y)));
}

function sameWord(x: string, y: string): boolean {
  const n = Math.min(STEM, x.length, y.length);
  return x.slice(0, n) === y.slice(0, n) && (n === STEM || x.length === y.length || n >= 4);
}
