import { randomUUID } from 'node:crypto';
import type { ChatAdapter } from '../ports/chat-adapter.js';
import type { Store } from '../ports/store.js';
import { handleAction } from './actions.js';
import { DAY_MS, systemClock, type Clock } from '../ports/clock.js';
import { Buttons } from './buttons.js';
import { runFeelers } from './commands.js';
import type { Ctx } from './context.js';
import { Deliverer } from './deliverer.js';
import { deliveryHooks } from './delivery-hooks.js';
import { digestTick } from './digest.js';
import type { HealthReport, EngineApi } from './engine-api.js';
import { asFeelersError, FeelersError, UserError } from '../ports/errors.js';
import type { ChatEvent, CommandEvent, EventOutcome } from '../ports/events.js';
import { seedGrounds } from './grounds.js';
import { expirySweep } from './lifecycle.js';
import { admitEvent } from './joining.js';
import { Membership } from './membership.js';
import { Sharing } from './sharing.js';
import { silentLogger, type Logger } from '../ports/logger.js';
import { noMetrics, TallyingMetrics, type EngineMetrics } from './metrics.js';
import { Names } from './names.js';
import { Networks } from './networks.js';
import { Notices } from './notices.js';
import { Operator } from './operator.js';
import type { OperatorApi } from './operator-api.js';
import { Outbox } from './outbox.js';
import { channelOf, threadOf, type MessageRef } from '../ports/places.js';
import { Repo } from './repo.js';
import { AskSearch } from './search-index.js';
import { MiniSearchTextIndex } from './minisearch-text-index.js';
import type { TextIndex } from '../ports/text-index.js';
import { askOrShowEarlier } from './search-first.js';
import { deleteReply, editReply, routeMessage } from './replies.js';
import { afterReplyDeleted } from './reply-strike.js';
import { noteAdmin } from './local-moderation.js';
import type { Sealer } from './sealer.js';
import { defaultSettings, type EngineSettings } from './settings.js';
import type { EventSpool } from '../ports/spool.js';

/** Messages read back per thread when catching up after a gap in a connection. */
const CATCH_UP_PER_THREAD = 50;

export interface EngineDeps {
  store: Store;
  adapters: ChatAdapter[];
  clock?: Clock;
  logger?: Logger;
  metrics?: EngineMetrics;
  settings?: EngineSettings;
  /** Names this process in claims and locks. */
  instanceId?: string;
  /** Where events wait while the store is down. Without one, such events are logged and lost. */
  spool?: EventSpool | undefined;
  /** Seals contacts at rest (FEELERS_SECRET_KEY). Without one they are stored as written. */
  sealer?: Sealer | undefined;
  /** Where search keeps its index of earlier asks in this process (SQLite FTS5 in feelers). Without one, MiniSearch. */
  textIndex?: TextIndex | undefined;
}

type Outcome = 'ok' | 'user_error' | 'error' | 'duplicate' | 'in_progress' | 'spooled';

/**
 * The engine's boundary: every event comes in here, is dropped once if it is a duplicate, is
 * handed to its stage (intake, replies, commands, actions), and fails alone (logged, answered
 * with a clear notice, kept in the spool while the store is down). The stages decide; adapters
 * only carry events in and cards out.
 */
export class Engine implements EngineApi {
  readonly ctx: Ctx;
  readonly operator: OperatorApi;
  private readonly deliverer: Deliverer;
  private readonly adapters: Map<string, ChatAdapter>;
  private readonly owner: string;
  private seq = 0;
  private replaying = false;
  private caughtUp: Promise<number> = Promise.resolve(0);

  constructor(private readonly deps: EngineDeps) {
    this.owner = deps.instanceId ?? randomUUID();
    this.adapters = new Map(deps.adapters.map((a) => [a.network, a]));
    const clock = deps.clock ?? systemClock;
    const log = deps.logger ?? silentLogger;
    // The console shows this process's rate-limit counts; every count still reaches deps.metrics.
    const metrics = new TallyingMetrics(deps.metrics ?? noMetrics);
    const settings = deps.settings ?? defaultSettings;
    const repo = new Repo(deps.store, {
      dedupeTtlMs: dedupeTtlMs(settings),
      now: () => clock.now(),
      ...(deps.sealer ? { sealer: deps.sealer } : {}),
    });
    this.deliverer = new Deliverer({
      repo,
      clock,
      log: log.child({ part: 'outbox' }),
      metrics,
      adapters: this.adapters,
      hooks: deliveryHooks(() => this.ctx),
      owner: this.owner,
      claimMs: settings.claimMs,
    });
    this.ctx = {
      repo,
      outbox: new Outbox(repo, this.deliverer, clock),
      buttons: new Buttons(repo),
      names: new Names(settings.communityNames),
      notices: new Notices(this.adapters, log),
      networks: new Networks(this.adapters, log),
      membership: new Membership(repo, this.adapters, settings),
      sharing: new Sharing(repo),
      search: new AskSearch(repo, deps.textIndex ?? new MiniSearchTextIndex(), log.child({ part: 'search' })),
      clock,
      log,
      metrics,
      settings,
      now: () => clock.now(),
    };
    this.operator = new Operator({ ctx: this.ctx, adapters: this.adapters, health: () => this.health(), rateLimits: metrics });
  }

  async start(): Promise<void> {
    await seedGrounds(this.ctx);
    for (const a of this.adapters.values()) {
      await a.start((event) => this.handle(event));
      this.ctx.log.info({ network: a.network }, 'network connected');
    }
    // What the outbox still owes from before (a restart, a crash) goes out now.
    this.deliver().catch((err: unknown) => this.ctx.log.error({ err }, 'outbox pass failed'));
    // Replies written while this process was down (a deploy, a crash) are read back from the
    // networks that can; in the background, since reading many threads takes a while.
    this.caughtUp = Promise.all(
      [...this.adapters.values()]
        .filter((a) => a.recent !== undefined)
        .map((a) =>
          this.catchUp(a.network).catch((err: unknown) => {
            this.ctx.log.warn({ err, network: a.network }, 'catching up after start failed');
            return 0;
          }),
        ),
    ).then((counts) => counts.reduce((n, c) => n + c, 0));
  }

  /** Resolves when the catch-up begun at start is over, with how many messages it handled. */
  whenCaughtUp(): Promise<number> {
    return this.caughtUp;
  }

  async stop(opts: { drainMs?: number } = {}): Promise<void> {
    for (const a of this.adapters.values())
      await a.stop().catch((err: unknown) => this.ctx.log.warn({ err, network: a.network }, 'adapter stop failed'));
    await this.deliverer.stop(opts.drainMs ?? 10_000);
  }

  async handle(event: ChatEvent): Promise<EventOutcome> {
    const outcome = await this.process(event, { fromSpool: false, skipDedupe: false });
    return outcome === 'in_progress' ? 'retry' : 'done';
  }

  /**
   * Process events kept while the store was down, oldest first; stops at the first sign the
   * store is still down. Returns how many were processed.
   */
  async replaySpool(): Promise<number> {
    const spool = this.deps.spool;
    if (!spool || this.replaying) return 0;
    this.replaying = true;
    let done = 0;
    try {
      for (;;) {
        const batch = await spool.oldest(100);
        if (batch.length === 0) return done;
        for (const entry of batch) {
          const outcome = await this.process(entry.event, { fromSpool: true, skipDedupe: entry.pastDedupe });
          if (outcome === 'store_down') return done;
          await spool.remove(entry.seq);
          done++;
        }
      }
    } finally {
      this.replaying = false;
    }
  }

  private async process(event: ChatEvent, how: { fromSpool: boolean; skipDedupe: boolean }): Promise<Outcome | 'store_down'> {
    const started = this.ctx.now();
    const { log, repo } = this.ctx;
    let outcome: Outcome = 'ok';
    let claimed = how.skipDedupe;
    try {
      if (!claimed) {
        // Finished once: a platform's retry of it is dropped.
        if (await repo.claims.isDone(event.id)) {
          outcome = 'duplicate';
          return outcome;
        }
        // Being handled now, here or on another instance. The claim is short, so if its holder
        // dies half-way, the platform's next retry is handled (ids derived from the event make
        // the redo finish the work rather than double it). A unique owner per call: a
        // redelivered event must not "re-acquire" its own key.
        if (!(await repo.claims.claimEvent(event.id, `${this.owner}:${this.seq++}`, this.ctx.settings.claimMs))) {
          outcome = 'in_progress';
          return outcome;
        }
        claimed = true;
      }
      // feelers' own posts and other bots' posts are never asks, replies or commands.
      if (event.actor.isSelf || event.actor.isBot) return outcome;
      await noteAdmin(this.ctx, event);
      // A community outside the network neither asks, answers nor presses (membership.ts).
      if (await admitEvent(this.ctx, event)) await this.dispatch(event);
      await repo.claims.markDone(event.id);
    } catch (err) {
      if (err instanceof FeelersError && err.code === 'store_unavailable' && this.deps.spool) {
        if (how.fromSpool) return 'store_down';
        // Ids derive from the event, so finishing it later redoes its half-done writes, not doubles them.
        await this.deps.spool.append(event, claimed);
        outcome = 'spooled';
        log.warn({ event: event.id, kind: event.kind, err: err.message }, 'store unavailable; event kept in the local spool');
        return outcome;
      }
      if (err instanceof UserError) {
        outcome = 'user_error';
        await this.ctx.notices.send(event.actor, event.place, err.userMessage ?? err.message);
      } else {
        outcome = 'error';
        const e = asFeelersError(err);
        log.error({ err: e, code: e.code, event: event.id, kind: event.kind, network: event.place.network }, 'event failed');
        await this.ctx.notices.send(
          event.actor,
          event.place,
          'Sorry, something went wrong on our side. Nothing you wrote was lost; please try again in a minute.',
        );
      }
      // Answered: a retry would only repeat the same answer.
      await repo.claims.markDone(event.id).catch(() => undefined);
    } finally {
      this.ctx.metrics.eventHandled(event.kind, (this.ctx.now() - started) / 1000, outcome);
    }
    return outcome;
  }

  private async dispatch(event: ChatEvent): Promise<void> {
    switch (event.kind) {
      case 'command':
        return this.command(event);
      case 'message':
        return routeMessage(this.ctx, event);
      case 'action': {
        const answer = await handleAction(this.ctx, event);
        if (answer) await this.ctx.notices.send(event.actor, event.place, answer);
        return;
      }
      case 'edited':
        return editReply(this.ctx, event);
      case 'deleted': {
        const withdrawn = await deleteReply(this.ctx, event);
        if (withdrawn) await afterReplyDeleted(this.ctx, withdrawn, event);
        return;
      }
      case 'joined':
        // A community of the network needs nothing more; one outside it was told by the gate.
        return;
    }
  }

  private async command(e: CommandEvent): Promise<void> {
    if (e.name === 'ask') {
      await askOrShowEarlier(this.ctx, e.actor, channelOf(e.place), e.text, e.communityName, e.id);
      return;
    }
    await this.ctx.notices.send(e.actor, e.place, await runFeelers(this.ctx, e));
  }

  /**
   * Reads the threads of open asks on one network for messages written while this instance
   * was not connected to it, and handles them; dedupe drops those already seen.
   */
  async catchUp(network: string): Promise<number> {
    const adapter = this.adapters.get(network);
    // A standby instance leaves reading back to the one holding the connection.
    if (!adapter?.recent || adapter.health().role === 'standby') return 0;
    const { repo } = this.ctx;
    let handled = 0;
    for (const askId of await repo.openAskIds()) {
      const refs: MessageRef[] = [];
      const card = await repo.askCard(askId);
      if (card) refs.push(card);
      for (const copy of await repo.copiesOf(askId)) {
        if (copy.ref && copy.kind === 'ground') refs.push(copy.ref);
      }
      for (const ref of refs.filter((r) => r.network === network)) {
        try {
          for (const event of await adapter.recent(threadOf(ref), CATCH_UP_PER_THREAD)) {
            // Read back, not new: a reply kept before stays as it is (see collectReply).
            await this.process(event, { fromSpool: false, skipDedupe: false });
            handled++;
          }
        } catch (err) {
          this.ctx.log.warn({ err, network, thread: ref.id }, 'could not catch up on a thread');
        }
      }
    }
    return handled;
  }

  digestTick(): Promise<{ digests: number }> {
    return digestTick(this.ctx, this.owner);
  }

  expirySweep(): Promise<{ warned: number; expired: number }> {
    return expirySweep(this.ctx, this.owner);
  }

  deliver(): Promise<number> {
    return this.deliverer.deliver();
  }

  async health(): Promise<HealthReport> {
    const parts: Record<string, { ok: boolean; detail?: string }> = {};
    try {
      await this.deps.store.ping();
      parts.store = { ok: true, detail: this.deps.store.kind };
    } catch (err) {
      // /healthz is open to anyone who reaches the port: it names the part that is down, and
      // the error (hostnames, addresses) goes only to the log.
      this.ctx.log.warn({ err, store: this.deps.store.kind }, 'health: the store does not answer');
      parts.store = { ok: false, detail: `the ${this.deps.store.kind} store does not answer` };
    }
    for (const a of this.adapters.values()) {
      const h = a.health();
      parts[`adapter:${a.network}`] = h.connected
        ? { ok: true, ...(h.role ? { detail: h.role } : {}) }
        : { ok: false, detail: 'not connected' };
      if (!h.connected && h.lastError) this.ctx.log.warn({ network: a.network, err: h.lastError }, 'health: network not connected');
    }
    return { ok: Object.values(parts).every((p) => p.ok), parts };
  }
}

/**
 * How long an inbound event id is remembered. Slack retries an unacknowledged event up to three
 * times over about an hour (X-Slack-Retry-Num) and Discord redelivers on RESUME within minutes,
 * but a catch-up (at start, or when another instance takes the gateway over) reads back the
 * recent messages of every open ask's threads: an id is kept as long as an ask can stay open
 * without being extended, and a day at least.
 */
export function dedupeTtlMs(settings: EngineSettings): number {
  return Math.max(1, settings.expiry.days + 1) * DAY_MS;
}
