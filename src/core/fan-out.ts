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
  const grounds = await ctx.repo.allGrounds();
  const belongs = ctx.membership.memo();
  const shares = ctx.sharing.from(ask.origin);
  const chosen: Ground[] = [];
  for (const g of grounds) {
    // Only communities of the network receive (membership.ts), and only where both sides' sharing policies agree (sharing.ts).
    if (placeKey(channelOf(g.place)) === origin || !groundWants(g, ask)) continue;
    if ((await belongs(g.place)) && (await shares(g.place))) chosen.push(g);
  }
  chosen.sort((a, b) => placeKey(a.place).localeCompare(placeKey(b.place)));
  // A community that blocked the asker (or their community) gets no copy in any channel.
  const open = new Set(
    (
      await notBlocking(
        ctx,
        ask.asker,
        chosen.map((g) => g.place),
      )
    ).map((p) => placeKey(p)),
  );
  // Who is included is decided above; learning only says who goes first.
  return orderGrounds(
    ctx,
    chosen.filter((g) => open.has(placeKey(g.place))),
  );
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
