import { DAY_MS } from '../ports/clock.js';
import type { Ask, Ground, Profile } from './model.js';
import { channelOf, parsePersonKey, personKey, placeKey, samePerson } from '../ports/places.js';
import { sets } from './repo.js';
import type { Ctx } from './context.js';

const WEEK_MS = 7 * DAY_MS;

/** A ground receives an ask when it has no topics, or shares one with the ask. */
export function groundWants(g: Ground, ask: Ask): boolean {
  if (g.unreachableSince !== undefined) return false;
  if (g.topics.length === 0) return true;
  return g.topics.some((t) => ask.topics.includes(t));
}

export async function chooseGrounds(ctx: Ctx, ask: Ask): Promise<Ground[]> {
  const origin = placeKey(channelOf(ask.origin));
  const grounds = await ctx.repo.allGrounds();
  return grounds
    .filter((g) => placeKey(channelOf(g.place)) !== origin && groundWants(g, ask))
    .sort((a, b) => placeKey(a.place).localeCompare(placeKey(b.place)));
}

/** Unsolicited DMs a person got in the last week. */
export function recentUnsolicited(p: Profile, now: number): number[] {
  return p.unsolicited.filter((t) => now - t < WEEK_MS);
}

/** May feelers send this person one more unsolicited DM now? */
export function mayPrompt(p: Profile | undefined, now: number, perWeek: number): boolean {
  if (!p) return true;
  return !p.optedOut && recentUnsolicited(p, now).length < perWeek;
}

/**
 * Experts to prod: people whose topics match, most matching topics first, then least
 * recently contacted; never the asker, never someone who opted out or had their week's
 * share of unsolicited DMs.
 */
export async function chooseExperts(ctx: Ctx, ask: Ask): Promise<Profile[]> {
  const { limits } = ctx.settings;
  if (ask.topics.length === 0 || limits.prodsPerAsk <= 0) return [];
  const keys = new Set<string>();
  for (const t of ask.topics) for (const k of await ctx.store.setMembers(sets.experts(t))) keys.add(k);
  keys.delete(personKey(ask.asker));
  const now = ctx.now();
  const profiles: Profile[] = [];
  for (const k of keys) {
    const p = await ctx.repo.profile(parsePersonKey(k));
    if (p && !samePerson(p, ask.asker) && mayPrompt(p, now, limits.unsolicitedPerWeek)) profiles.push(p);
  }
  const score = (p: Profile) => p.topics.filter((t) => ask.topics.includes(t)).length;
  profiles.sort((a, b) => score(b) - score(a) || (a.lastContactedAt ?? 0) - (b.lastContactedAt ?? 0));
  return profiles.slice(0, limits.prodsPerAsk);
}

/** Counts an unsolicited DM against the person's weekly share. */
export async function notePrompted(ctx: Ctx, p: Profile): Promise<void> {
  const now = ctx.now();
  p.unsolicited = [...recentUnsolicited(p, now), now];
  p.lastContactedAt = now;
  await ctx.repo.saveProfile(p);
}
