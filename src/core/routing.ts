import { channelOf, personKey, placeKey, type PersonRef } from '../ports/places.js';
import type { Ctx } from './context.js';
import type { Ask, Ground, Profile } from './model.js';
import { WEEK_MS } from './routing-learning.js';
import type { Learned } from './routing-memory.js';

/**
 * Learned routing: the order of who and where, never who is included (that stays with the
 * ask's topics, the person's opt-in and the weekly limits). See docs/routing.md.
 */

/** A ground nobody has timed yet is taken to answer in this long: ahead of slow ones, behind fast ones. */
export const UNTIMED_PACE_MS = 6 * 3600_000;

/**
 * The experts to prod, best first. People whose prods are paused are left out. People who
 * helped most on the ask's topics come first, by level of help (1, 2-3, 4-7, 8 or more times),
 * so people with about the same record are equals; among equals the order the caller gave
 * stands (most matching topics, then least recently contacted: they take turns). Someone who
 * had `firstPerWeek` prods this week goes first no more: they take turns with everyone, so
 * nobody becomes the network's only expert.
 */
export async function rankExperts(ctx: Ctx, ask: Ask, candidates: readonly Profile[]): Promise<Profile[]> {
  const { routing } = ctx.settings;
  const now = ctx.now();
  const scores = routing.learned ? await ctx.repo.routing.helpScores(ask.topics) : new Map<string, number>();
  const ranked: { p: Profile; i: number; level: number }[] = [];
  for (const [i, p] of candidates.entries()) {
    const l = await ctx.repo.routing.learned(p);
    if (l && isPaused(l)) continue;
    const first = !l || underCap(l, now, routing.firstPerWeek);
    ranked.push({ p, i, level: first ? helpLevel(scores.get(personKey(p)) ?? 0) : 0 });
  }
  return ranked.sort((a, b) => b.level - a.level || a.i - b.i).map((x) => x.p);
}

/** Paused by feelers (after unanswered prods) or by the person (`/feelers prods off`), until resumed. */
export function isPaused(l: Learned): boolean {
  return l.pausedAt !== undefined;
}

/** Fewer than `perWeek` prods in the last 7 days (0: no cap). */
export function underCap(l: Learned, now: number, perWeek: number): boolean {
  return perWeek <= 0 || l.prods.filter((t) => now - t < WEEK_MS).length < perWeek;
}

/** 0 for no help; then 1, 2-3, 4-7, 8 or more. */
export function helpLevel(score: number): number {
  return score < 1 ? 0 : Math.min(4, Math.floor(Math.log2(score)) + 1);
}

/** Why a person got a prod, in the words the prod opens with. */
export async function prodReason(ctx: Ctx, ask: Ask, person: PersonRef): Promise<string | undefined> {
  if (!ctx.settings.routing.learned) return undefined;
  const l = await ctx.repo.routing.learned(person);
  let best: { topic: string; times: number; intros: number } | undefined;
  for (const t of ask.topics) {
    const h = l?.topics[t];
    if (!h) continue;
    const times = Math.max(h.replies, h.intros);
    if (!best || times > best.times) best = { topic: t, times, intros: h.intros };
  }
  if (!best) return undefined;
  const intro = best.intros
    ? `, ${best.intros === 1 ? 'and an introduction came of it' : `and ${best.intros} introductions came of it`}`
    : '';
  return `You helped with #${best.topic} ${timesText(best.times)} before${intro}, so feelers asked you first.`;
}

function timesText(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}

/**
 * Grounds that answer first go first: by each ground's average time to a first reply, a ground
 * not timed yet counted as UNTIMED_PACE_MS. A stable sort, so equals keep the caller's order;
 * intake then takes one ground per community in turn from this order (interleaveByCommunity).
 */
export async function orderGrounds(ctx: Ctx, grounds: Ground[]): Promise<Ground[]> {
  if (!ctx.settings.routing.learned || grounds.length < 2) return grounds;
  const paces = await ctx.repo.routing.paces();
  if (paces.size === 0) return grounds;
  const pace = (g: Ground) => paces.get(placeKey(channelOf(g.place))) ?? UNTIMED_PACE_MS;
  return grounds
    .map((g, i) => ({ g, i, pace: pace(g) }))
    .sort((a, b) => a.pace - b.pace || a.i - b.i)
    .map((x) => x.g);
}
