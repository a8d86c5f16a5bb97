import type { CommunityGraph } from './operator-api.js';
import type { OperatorCtx } from './operator-context.js';

/** Days a graph covers at most when the retention period is longer (a year of day indexes). */
const MAX_DAYS = 366;

/**
 * Communities and the help between them over the last `days` UTC days: read from the per-day
 * counts kept as replies and introductions happen, never from the asks.
 */
export async function communityGraph(oc: OperatorCtx, days: number): Promise<CommunityGraph> {
  const { repo, names, settings } = oc.ctx;
  const span = Math.max(1, Math.min(Number.isFinite(days) ? Math.floor(days) : 1, settings.retentionDays, MAX_DAYS));
  const edges = await repo.help.edges(span, oc.ctx.now());
  const ids = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort();
  const seen = await repo.help.names(ids);
  const nodes = ids.map((id) => {
    const [network = '', community = ''] = id.split(':').map(decodeURIComponent);
    // A name from the configuration wins, as everywhere; then the one last seen; then the id.
    return { id, network, name: names.community(network, community, seen.get(id)) };
  });
  edges.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  return { days: span, nodes, edges };
}
