import type { ChatAdapter } from '../ports/chat-adapter.js';
import { channelOf, type PersonRef, type Place } from '../ports/places.js';
import type { Ctx } from './context.js';
import type { HealthReport } from './engine-api.js';
import { communityKey } from './keys.js';
import { finish } from './lifecycle.js';
import type { RateLimitTally } from './metrics.js';
import { decideCommunity } from './joining.js';
import type {
  AskLife,
  AskPage,
  AskQuery,
  CommunityGraph,
  CommunitySharing,
  CommunityStanding,
  ModerationPage,
  OperatorApi,
  OperatorRef,
  Overview,
} from './operator-api.js';
import { UserError } from '../ports/errors.js';
import { changeSharing, knownCommunities, sharingSummary } from './share-command.js';
import { listAsks } from './operator-asks.js';
import type { OperatorCtx } from './operator-context.js';
import { communityGraph } from './operator-graph.js';
import { askLife } from './operator-life.js';
import { overview } from './operator-overview.js';
import { retractAsk } from './retract.js';

/**
 * The operator API (operator-api.ts) over the engine: the reads live in operator-overview.ts,
 * operator-asks.ts, operator-life.ts and operator-graph.ts; the actions here take the same paths
 * as the people they stand in for (the asker's Close, `/feelers disconnect`, `/feelers optout`),
 * and each is logged with the operator who did it.
 */
export class Operator implements OperatorApi {
  private readonly oc: OperatorCtx;

  constructor(deps: {
    ctx: Ctx;
    adapters: ReadonlyMap<string, ChatAdapter>;
    health: () => Promise<HealthReport>;
    rateLimits: RateLimitTally;
  }) {
    this.oc = deps;
  }

  overview(): Promise<Overview> {
    return overview(this.oc);
  }

  asks(query: AskQuery): Promise<AskPage> {
    return listAsks(this.oc, query);
  }

  askLife(askId: string): Promise<AskLife | undefined> {
    return askLife(this.oc, askId);
  }

  communityGraph(days: number): Promise<CommunityGraph> {
    return communityGraph(this.oc, days);
  }

  async closeAsk(askId: string, by: OperatorRef): Promise<'closed' | 'not_open' | 'not_found'> {
    const { ctx } = this.oc;
    const ask = await ctx.repo.ask(askId);
    if (!ask) return 'not_found';
    // The asker's Close: final summary to the thread and the followers, every copy edited.
    if (!(await finish(ctx, ask, 'closed', 'operator'))) return 'not_open';
    ctx.log.info({ operator: by.operator, ask: askId }, 'operator closed an ask');
    await ctx.repo.moderation.operatorAction(ctx.now(), by.operator, 'close-ask', {
      askId,
      target: `a question from ${ask.asker.communityName}`,
    });
    return 'closed';
  }

  retractAsk(askId: string, by: OperatorRef): Promise<'retracted' | 'already' | 'not_found'> {
    this.oc.ctx.log.info({ operator: by.operator, ask: askId }, 'operator retracts an ask');
    return retractAsk(this.oc.ctx, askId, { role: 'operator', operator: by.operator });
  }

  async moderation(page: number, perPage: number): Promise<ModerationPage> {
    const log = this.oc.ctx.repo.moderation;
    const at = Math.max(1, Math.floor(page));
    const size = Math.min(200, Math.max(1, Math.floor(perPage)));
    return { entries: await log.newest((at - 1) * size, size), total: await log.count(), page: at, perPage: size };
  }

  async disconnectGround(place: Place, by: OperatorRef): Promise<'disconnected' | 'not_found'> {
    const { ctx } = this.oc;
    const channel = channelOf(place);
    if (!(await ctx.repo.ground(channel))) return 'not_found';
    // As /feelers disconnect: gone, and a YAML ground stays gone across restarts.
    await ctx.repo.deleteGround(channel);
    await ctx.repo.markGroundRemovedByChat(channel, true);
    ctx.log.info({ operator: by.operator, ground: channel }, 'operator disconnected a ground');
    const where = `a channel of ${await this.communityName(channel.network, channel.community)}`;
    await ctx.repo.moderation.operatorAction(ctx.now(), by.operator, 'disconnect-ground', { target: where });
    return 'disconnected';
  }

  async pauseProds(person: PersonRef, paused: boolean, by: OperatorRef): Promise<'paused' | 'resumed' | 'not_found'> {
    const { ctx } = this.oc;
    const who = { network: person.network, community: person.community, user: person.user };
    const found = await ctx.repo.profile(who);
    if (!found && !paused) return 'not_found';
    // The opt-out fan-out reads (mayPrompt), as /feelers optout sets it. Someone feelers knew
    // nothing about gets a profile with nothing in it but that; their name comes when they write.
    const profile = found ?? {
      ...who,
      name: who.user,
      communityName: await this.communityName(who.network, who.community),
      topics: [],
      optedOut: true,
      unsolicited: [],
    };
    profile.optedOut = paused;
    await ctx.repo.saveProfile(profile);
    ctx.log.info({ operator: by.operator, paused }, 'operator changed whether a person gets prods');
    // Names their community, not them: the record outlives their forget-me.
    const target = `someone in ${profile.communityName}`;
    await ctx.repo.moderation.operatorAction(ctx.now(), by.operator, paused ? 'pause-prods' : 'resume-prods', { target });
    return paused ? 'paused' : 'resumed';
  }

  async memberships(): Promise<readonly CommunityStanding[]> {
    return (await this.oc.ctx.repo.communities.all()).map(({ waiting, ...r }) => ({ ...r, waitingChannels: waiting.length }));
  }

  async decideCommunity(
    network: string,
    community: string,
    decision: 'approved' | 'refused',
    by: OperatorRef,
  ): Promise<'approved' | 'refused' | 'not_found'> {
    const { ctx } = this.oc;
    const done = await decideCommunity(ctx, network, community, decision, by.operator);
    if (done !== 'not_found') {
      const target = ctx.names.community(network, community, (await ctx.repo.communities.get(network, community))?.name);
      await ctx.repo.moderation.operatorAction(ctx.now(), by.operator, decision === 'approved' ? 'approve-community' : 'refuse-community', {
        target,
      });
    }
    return done;
  }

  async sharing(): Promise<readonly CommunitySharing[]> {
    const { ctx } = this.oc;
    const out: CommunitySharing[] = [];
    for (const k of await knownCommunities(ctx)) {
      out.push({ network: k.network, community: k.community, name: k.name, summary: await sharingSummary(ctx, k.network, k.community) });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  async changeSharing(
    network: string,
    community: string,
    setting: string,
    by: OperatorRef,
  ): Promise<{ readonly ok: true; readonly summary: string } | { readonly ok: false; readonly message: string }> {
    try {
      const summary = await changeSharing(this.oc.ctx, network, community, setting);
      this.oc.ctx.log.info({ operator: by.operator, network, community }, 'operator changed a sharing policy');
      await this.oc.ctx.repo.moderation.operatorAction(this.oc.ctx.now(), by.operator, 'change-sharing', {
        target: `${this.oc.ctx.names.community(network, community)}: ${summary}`,
      });
      return { ok: true, summary };
    } catch (err) {
      if (err instanceof UserError) return { ok: false, message: err.userMessage ?? err.message };
      throw err;
    }
  }

  /** A community's display name: the configured one, else the last one seen (the graph's, a ground's), else its id. */
  private async communityName(network: string, community: string): Promise<string> {
    const { repo, names } = this.oc.ctx;
    const key = communityKey(network, community);
    const seen =
      (await repo.help.names([key])).get(key) ??
      (await repo.allGrounds()).find((g) => g.place.network === network && g.place.community === community)?.communityName;
    return names.community(network, community, seen);
  }
}
