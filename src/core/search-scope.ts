import type { Ctx } from './context.js';
import { notBlocking } from './local-moderation.js';
import type { Ask } from './model.js';

/** Whose search it is: a person's community, or the operator (who sees every ask). */
export type Searcher = { readonly network: string; readonly community: string } | 'operator';

/**
 * Whether a search by `who` may find `ask`. The one place that decides, for `/feelers search`,
 * the prompt before asking and the console alike: what fan-out would have let the searcher's
 * community receive (both sides' sharing policies, sharing.ts; no block of the asker or their
 * community, local-moderation.ts). A community always finds its own asks; operators find every ask.
 */
export async function mayFind(ctx: Ctx, who: Searcher, ask: Ask): Promise<boolean> {
  if (who === 'operator') return true;
  if (who.network === ask.origin.network && who.community === ask.origin.community) return true;
  if (!(await ctx.sharing.from(ask.origin)(who))) return false;
  return (await notBlocking(ctx, ask.asker, [who])).length === 1;
}
