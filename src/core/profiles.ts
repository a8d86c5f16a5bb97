import { DAY_MS } from '../ports/clock.js';
import type { PersonRef } from '../ports/places.js';
import type { Ctx } from './context.js';
import type { Profile } from './model.js';

/**
 * People's profiles: made on first need with nothing private in them, and each person's
 * weekly share of direct messages they did not ask for (prods and referrals).
 */
const WEEK_MS = 7 * DAY_MS;

/** The person's profile, created on first need with nothing private in it. */
export async function profileFor(ctx: Ctx, who: PersonRef & { name: string }, communityName: string): Promise<Profile> {
  const found = await ctx.repo.profile(who);
  if (found) {
    found.name = who.name;
    found.communityName = communityName;
    return found;
  }
  return {
    network: who.network,
    community: who.community,
    user: who.user,
    name: who.name,
    communityName,
    topics: [],
    optedOut: false,
    unsolicited: [],
  };
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

/** Counts an unsolicited DM against the person's weekly share. */
export async function notePrompted(ctx: Ctx, p: Profile): Promise<void> {
  const now = ctx.now();
  p.unsolicited = [...recentUnsolicited(p, now), now];
  p.lastContactedAt = now;
  await ctx.repo.saveProfile(p);
}
