import type { Ask, AskState } from './model.js';
import type { AskPage, AskQuery, AskSummary } from './operator-api.js';
import type { OperatorCtx } from './operator-context.js';
import { FORGOTTEN_NAME, FORGOTTEN_USER } from './person-index.js';

const DEFAULT_PER_PAGE = 25;
const MAX_PER_PAGE = 100;
/** Asks a search reads per store round, newest first. */
const SEARCH_BATCH = 200;
/**
 * Asks one search looks through at most: a bounded scan until a full-text index exists, so a
 * search for a word nobody wrote costs milliseconds on SQLite, not a read of every ask.
 */
export const SEARCH_CAP = 5_000;

/** The console's asks page: newest first, every ask or one state's, a page at a time; `q` searches. */
export async function listAsks(oc: OperatorCtx, query: AskQuery): Promise<AskPage> {
  const page = Math.max(1, Math.floor(query.page ?? 1));
  const perPage = Math.min(MAX_PER_PAGE, Math.max(1, Math.floor(query.perPage ?? DEFAULT_PER_PAGE)));
  const q = query.q?.trim() ?? '';
  if (q !== '') return search(oc, query.state, q, page, perPage);
  const { repo } = oc.ctx;
  const offset = (page - 1) * perPage;
  const [total, ids] = await Promise.all([repo.asks.count(query.state), repo.asks.newest(query.state, offset, perPage)]);
  const asks = await repo.loadAll(ids, (id) => repo.ask(id));
  return { asks: asks.map(summaryOf), page, perPage, total, hasMore: offset + ids.length < total };
}

/**
 * An exact ask id finds that ask; otherwise every word of `q` must appear (case-insensitive)
 * in the question, its topics, or the asker's name or community. Reads the list newest first
 * in batches until the page is full or SEARCH_CAP asks were looked through.
 */
async function search(oc: OperatorCtx, state: AskState | undefined, q: string, page: number, perPage: number): Promise<AskPage> {
  const { repo } = oc.ctx;
  if (!/\s/.test(q)) {
    const exact = await repo.ask(q);
    if (exact && (state === undefined || exact.state === state)) {
      return { asks: page === 1 ? [summaryOf(exact)] : [], page, perPage, total: 1, hasMore: false };
    }
  }
  const words = q.toLowerCase().split(/\s+/);
  const wanted = page * perPage;
  const found: Ask[] = [];
  let looked = 0;
  let exhausted = false;
  while (found.length <= wanted && looked < SEARCH_CAP) {
    const ids = await repo.asks.newest(state, looked, Math.min(SEARCH_BATCH, SEARCH_CAP - looked));
    if (ids.length === 0) {
      exhausted = true;
      break;
    }
    looked += ids.length;
    for (const ask of await repo.loadAll(ids, (id) => repo.ask(id))) if (matches(ask, words)) found.push(ask);
  }
  // Stopped at the cap: only an empty next read would say nothing older is left.
  if (!exhausted && found.length <= wanted) exhausted = (await repo.asks.newest(state, looked, 1)).length === 0;
  const asks = found.slice((page - 1) * perPage, wanted).map(summaryOf);
  // Capped: older asks were not looked at, so matches may be there that no page will show.
  const capped = !exhausted && found.length <= wanted;
  return { asks, page, perPage, total: looked, hasMore: found.length > wanted, capped };
}

function matches(ask: Ask, words: readonly string[]): boolean {
  const haystack = [ask.text, ...ask.topics.map((t) => `#${t}`), ask.asker.name, ask.asker.communityName].join('\n').toLowerCase();
  return words.every((w) => haystack.includes(w));
}

export function summaryOf(ask: Ask): AskSummary {
  return {
    id: ask.id,
    text: ask.text,
    topics: ask.topics,
    askerName: ask.asker.user === FORGOTTEN_USER ? FORGOTTEN_NAME : ask.asker.name,
    communityName: ask.asker.communityName,
    network: ask.asker.network,
    state: ask.state,
    createdAt: ask.createdAt,
    closedAt: ask.closedAt,
  };
}
