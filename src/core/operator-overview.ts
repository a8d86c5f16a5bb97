import { DAY_MS } from '../ports/clock.js';
import type { Ground } from './model.js';
import type { Overview, OverviewCommunity, OverviewGround, OverviewNetwork } from './operator-api.js';
import type { OperatorCtx } from './operator-context.js';
import { reasonText } from './text.js';

/** The console's first page: the networks, the communities and their grounds, the outbox, today's asks. */
export async function overview(oc: OperatorCtx): Promise<Overview> {
  const { repo } = oc.ctx;
  const now = oc.ctx.now();
  const [health, grounds, outboxBacklog, asksToday, openAsks] = await Promise.all([
    oc.health(),
    repo.allGrounds(),
    repo.deliveries.outboxSize(),
    repo.asks.createdSince(now - (now % DAY_MS)),
    repo.openAskCount(),
  ]);
  const networks = networksOf(oc);
  return {
    health,
    networks,
    communities: await communitiesOf(oc, grounds),
    outboxBacklog,
    rateLimitWaits: networks.reduce((n, x) => n + x.rateLimitWaits, 0),
    rateLimited: networks.reduce((n, x) => n + x.rateLimited, 0),
    asksToday,
    openAsks,
  };
}

function networksOf(oc: OperatorCtx): OverviewNetwork[] {
  const { waits, limited } = oc.rateLimits;
  return [...oc.adapters.values()].map((a) => {
    const h = a.health();
    // The adapter's error can quote a request: clipped and masked like an unreachable ground's reason.
    const detail = h.connected ? h.role : reasonText(h.lastError ?? 'not connected');
    return {
      network: a.network,
      connected: h.connected,
      role: h.role,
      since: h.since,
      detail,
      rateLimitWaits: waits.get(a.network) ?? 0,
      rateLimited: limited.get(a.network) ?? 0,
    };
  });
}

async function communitiesOf(oc: OperatorCtx, grounds: readonly Ground[]): Promise<OverviewCommunity[]> {
  const lastCopies = await Promise.all(grounds.map((g) => oc.ctx.repo.lastCopyAt(g.place)));
  const by = new Map<string, { network: string; community: string; name: string; grounds: OverviewGround[] }>();
  grounds.forEach((g, i) => {
    const { network, community } = g.place;
    const key = `${network}\u0000${community}`;
    const entry = by.get(key) ?? { network, community, name: oc.ctx.names.community(network, community, g.communityName), grounds: [] };
    entry.grounds.push({
      place: g.place,
      label: g.channelName ?? g.place.channel,
      topics: g.topics,
      lastCopyAt: lastCopies[i],
      unreachableSince: g.unreachableSince,
      unreachableReason: g.unreachableReason,
    });
    by.set(key, entry);
  });
  const communities = [...by.values()];
  for (const c of communities) c.grounds.sort((a, b) => a.label.localeCompare(b.label));
  return communities.sort((a, b) => a.name.localeCompare(b.name) || a.network.localeCompare(b.network));
}
