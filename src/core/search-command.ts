import type { Ctx } from './context.js';
import { UserError } from '../ports/errors.js';
import type { CommandEvent } from '../ports/events.js';
import type { Ask, AskState } from './model.js';
import { ago, excerpt, summaryLine } from './search-cards.js';
import type { SearchHit } from './search-index.js';
import { mayFind, type Searcher } from './search-scope.js';
import { searchTerms } from './search-text.js';

/** Results one search shows: a private answer that must stay readable in a chat window. */
const RESULTS = 5;
/** Longest search taken: a few telling words find more than a pasted paragraph. */
export const MAX_SEARCH = 300;
const EXAMPLE = '/feelers search exit interviews';

/**
 * `/feelers search <words>`: earlier asks from every community the searcher's may see, best
 * first, each with what it came to and a link to its thread, privately. Names are never shown:
 * the result is read by people the repliers never wrote to.
 */
export async function searchCommand(ctx: Ctx, e: CommandEvent, words: string): Promise<string> {
  const q = words.trim();
  if (!q) throw new UserError('search_empty', `Write what to look for after the command, for example: ${EXAMPLE}`);
  if (q.length > MAX_SEARCH) {
    throw new UserError(
      'search_too_long',
      `Your search is ${q.length.toLocaleString('en-GB')} characters; the limit is ${MAX_SEARCH}. A few telling words find more, for example: ${EXAMPLE}`,
    );
  }
  if (searchTerms(q).length === 0) {
    throw new UserError(
      'search_no_words',
      `Those words are too common to search by. Try the words that make your question yours, for example: ${EXAMPLE}`,
    );
  }
  const who = { network: e.actor.network, community: e.actor.community };
  const hits = await ctx.search.find(q, { limit: RESULTS, keep: (ask) => mayFind(ctx, who, ask) });
  if (hits.length === 0) return `No earlier question matches "${excerpt(q)}". Ask it: /ask followed by your question.`;
  const lines = await Promise.all(hits.map((h, i) => resultLines(ctx, who, h, i + 1)));
  return [`Earlier questions matching "${excerpt(q)}", best first:`, ...lines].join('\n');
}

async function resultLines(ctx: Ctx, who: Searcher, hit: SearchHit, n: number): Promise<string> {
  const { ask } = hit;
  const when = ago(ask.closedAt ?? ask.createdAt, ctx.now());
  const head = `${n}. ${stateWord(ask.state, hit.replies.length)} ${when}, in ${ask.asker.communityName}: "${excerpt(ask.text)}"`;
  const link = await threadLink(ctx, ask, who);
  return [head, `   ${summaryLine(hit)}`, ...(link ? [`   ${link}`] : [])].join('\n');
}

function stateWord(state: AskState, replies: number): string {
  if (state === 'open') return 'Open, asked';
  if (replies > 0) return state === 'closed' ? 'Answered, closed' : 'Answered, expired';
  return state === 'closed' ? 'Closed' : 'Expired';
}

/**
 * Where to read an earlier ask's thread: its copy in the searcher's own community (a channel they
 * can open), else its card where it was asked when that is a connected channel. Never a DM: the
 * asker's DM with feelers is theirs, and its link would name them.
 */
export async function threadLink(ctx: Ctx, ask: Ask, who: Searcher): Promise<string | undefined> {
  if (who !== 'operator') {
    const copies = await ctx.repo.copiesOf(ask.id);
    const own = copies.find((c) => c.kind === 'ground' && c.ref && c.ref.network === who.network && c.ref.community === who.community);
    if (own?.ref) return ctx.networks.linkTo(own.ref);
  }
  const card = await ctx.repo.askCard(ask.id);
  if (!card || !(await ctx.repo.ground(ask.origin))) return undefined;
  return ctx.networks.linkTo(card);
}
