import type { Ask, Ground, Profile } from './model.js';
import { channelOf, placeKey, samePerson } from '../ports/places.js';
import type { Ctx } from './context.js';
import { mayPrompt } from './profiles.js';
import { orderGrounds, rankExperts } from './routing.js';
import { notBlocking } from './local-moderation.js';

/** A ground receives an ask when it has no topics, or shares one with the ask. */
export function groundWants(g: Ground, ask: Ask): boolean {
  if (g.unreachableSince !== undefined) return false;
  if (g.topics.length === 0) return true;
  return g.topics.some((t) => ask.topics.includes(t));
}

export async function chooseGrounds(ctx: Ctx, ask: Ask): Promise<Ground[]> {
  const origin = placeKey(channelOf(ask.origin));
  const wanted = (await ctx.repo.allGrounds()).filter((g) => placeKey(channelOf(g.place)) !== origin && groundWants(g, ask));
  // Who is included is decided here; learning only says who goes first.
  return orderGrounds(ctx, await mayReceive(ctx, ask, wanted));
}

/**
 * The grounds among `grounds` that may receive the ask, in channel order: communities of the
 * network (membership.ts), where both sides' sharing policies agree (sharing.ts), that did not
 * block the asker or their community (local-moderation.ts). Fan-out and widening (escalation.ts)
 * both ask this.
 */
export async function mayReceive(ctx: Ctx, ask: Ask, grounds: readonly Ground[]): Promise<Ground[]> {
  const belongs = ctx.membership.memo();
  const shares = ctx.sharing.from(ask.origin);
  const allowed: Ground[] = [];
  for (const g of grounds) if ((await belongs(g.place)) && (await shares(g.place))) allowed.push(g);
  allowed.sort((a, b) => placeKey(a.place).localeCompare(placeKey(b.place)));
  const open = new Set(
    (
      await notBlocking(
        ctx,
        ask.asker,
        allowed.map((g) => g.place),
      )
    ).map((p) => placeKey(p)),
  );
  return allowed.filter((g) => open.has(placeKey(g.place)));
}

/**
 * Experts to prod: people whose topics match, most matching topics first, then least
 * recently contacted; never the asker, never someone who opted out or had their week's
 * share of unsolicited DMs.
 */
export async function chooseExperts(ctx: Ctx, ask: Ask): Promise<Profile[]> {
  const { limits } = ctx.settings;
  if (ask.topics.length === 0 || limits.prodsPerAsk <= 0) return [];
  const now = ctx.now();
  const profiles: Profile[] = [];
  const belongs = ctx.membership.memo();
  const shares = ctx.sharing.from(ask.origin);
  for (const who of await ctx.repo.expertsOn(ask.topics)) {
    if (samePerson(who, ask.asker) || !(await belongs(who)) || !(await shares(who))) continue;
    const p = await ctx.repo.profile(who);
    if (p && !samePerson(p, ask.asker) && mayPrompt(p, now, limits.unsolicitedPerWeek)) profiles.push(p);
  }
  const reachable = await notBlocking(ctx, ask.asker, profiles);
  profiles.splice(0, profiles.length, ...reachable);
  const score = (p: Profile) => p.topics.filter((t) => ask.topics.includes(t)).length;
  profiles.sort((a, b) => score(b) - score(a) || (a.lastContactedAt ?? 0) - (b.lastContactedAt ?? 0));
  // Fairness (pauses, the week's cap) and learned help order them; equals keep this order.
  return (await rankExperts(ctx, ask, profiles)).slice(0, limits.prodsPerAsk);
}
