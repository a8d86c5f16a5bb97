import type { Ctx } from './context.js';
import type { Ask } from './model.js';

/** Whose search it is: a person's community, or the operator (who sees every ask). */
export type Searcher = { readonly network: string; readonly community: string } | 'operator';

/**
 * Whether a search by `who` may find `ask`. The one place that decides, for `/feelers search`,
 * the prompt before asking and the console alike. Today every community connected to feelers
 * shares its asks with every other (as fan-out does); a community's sharing policy (what it lets
 * others see of its asks) is checked here once it exists.
 */
export function mayFind(_ctx: Ctx, _who: Searcher, _ask: Ask): Promise<boolean> {
  return Promise.resolve(true);
}
