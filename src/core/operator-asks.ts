import type { Ask, AskState } from './model.js';
import type { AskPage, AskQuery, AskSummary } from './operator-api.js';
import type { OperatorCtx } from './operator-context.js';
import { FORGOTTEN_NAME, FORGOTTEN_USER } from './person-index.js';

const DEFAULT_PER_PAGE = 25;
const MAX_PER_PAGE = 100;

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
 * An exact ask id finds that ask; otherwise every word of `q` must be in the question, its
 * topics, its replies or its community's name (stemmed: "mentor" finds "mentoring"), through the
 * search index (search-index.ts): every ask is searched, however many there are. People's names
 * are not searched: the index holds none, so forget-me has nothing to take out of it.
 */
async function search(oc: OperatorCtx, state: AskState | undefined, q: string, page: number, perPage: number): Promise<AskPage> {
  const { repo, search: index } = oc.ctx;
  if (!/\s/.test(q)) {
    const exact = await repo.ask(q);
    if (exact && (state === undefined || exact.state === state)) {
      return { asks: page === 1 ? [summaryOf(exact)] : [], page, perPage, total: 1, hasMore: false };
    }
  }
  const ids = await index.matching(q, state);
  const offset = (page - 1) * perPage;
  const asks = await repo.loadAll(ids.slice(offset, offset + perPage), (id) => repo.ask(id));
  return { asks: asks.map(summaryOf), page, perPage, total: ids.length, hasMore: offset + perPage < ids.length };
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
