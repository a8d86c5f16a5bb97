import type { ChatAdapter } from '../ports/chat-adapter.js';
import type { Card } from '../ports/cards.js';
import { DAY_MS, type Clock } from '../ports/clock.js';
import { DeliveryError } from '../ports/errors.js';
import type { Logger } from '../ports/logger.js';
import type { EngineMetrics } from './metrics.js';
import type { Delivery } from './model.js';
import type { MessageRef } from '../ports/places.js';
import type { Repo } from './repo.js';
import { GroupCommit } from './group-commit.js';
import { OutboxQueue } from './outbox-queue.js';
import { Limiter, type BucketClaim, type Settled } from './token-bucket.js';

const MAX_ATTEMPTS = 8;
/** Waits longer than this leave the send to a later pass instead of holding this one open. */
const MAX_INLINE_WAIT_MS = 5_000;
const DEFAULT_CONCURRENCY = 8;
/** Far longer than any redo window (claims, ticks, spool replays), short enough not to pile up. */
const FINISHED_TTL_MS = 7 * DAY_MS;

export interface DeliveryHooks {
  /** Last look before sending: 'cancel' drops a copy of an ask closed meanwhile. */
  beforeSend(d: Delivery): Promise<'send' | 'cancel'>;
  /** Where the sent message is, written through `repo`: a batch committed with the delivery's own marks. */
  recordSent(d: Delivery, ref: MessageRef, repo: Repo): Promise<void>;
  /** After that batch: what follows from the send (orphans adopted, a copy of an ask closed meanwhile edited). */
  afterSent(d: Delivery, ref: MessageRef): Promise<void>;
  /** The network said the channel or person can't be reached: never retried. */
  onGone(d: Delivery, err: DeliveryError): Promise<void>;
}

export interface DelivererDeps {
  repo: Repo;
  clock: Clock;
  log: Logger;
  metrics: EngineMetrics;
  adapters: ReadonlyMap<string, ChatAdapter>;
  hooks: DeliveryHooks;
  owner: string;
  /**
   * How long a claim on a delivery lasts (settings.claimMs). A process that dies mid-send
   * leaves its claim to expire; then another (or the restarted one) resends with the same
   * idempotency key and `maybeSent`, and the adapter finds the message if it did go out.
   */
  claimMs: number;
}

/**
 * Drains the outbox. Every delivery was written to the store before anyone tried to send it;
 * this sends each due one once: claim it (one instance wins), re-read it (it may have been
 * sent meanwhile), send with its id as the idempotency key, record the result.
 *
 * Pacing: each adapter declares its platform's limits; the deliverer takes tokens from the
 * network, community and channel buckets before each send and counts the send until its answer
 * (token-bucket.ts), so it does not see a 429 however late a message reaches the platform, and
 * never lets one busy channel hold up the others. `concurrency` caps the sends not answered yet.
 *
 * Writes: the claim and the `sendingSince` mark go before the send, one store call each; what
 * a sent delivery leaves behind (finished, its card gone, out of the outbox, where the message
 * is) goes in one batch with the marks of the other sends answered in the same turn
 * (group-commit.ts).
 */
export class Deliverer {
  private readonly toSend = new OutboxQueue();
  /** Each queued delivery's buckets, worked out once (a pass looks at a waiting one many times). */
  private readonly claims = new WeakMap<Delivery, BucketClaim[]>();
  private readonly inflight = new Map<string, Promise<void>>();
  /**
   * Per network, sends started and not answered yet: what the adapter's `concurrency` caps.
   * A send's bookkeeping after its answer (its marks' batch) holds no connection.
   */
  private readonly unanswered = new Map<string, number>();
  /**
   * One set of buckets for every send, whatever stage wrote it (ask card, copy, digest, edit,
   * DM): a token is taken when the send starts and counts until its answer (token-bucket.ts).
   */
  private readonly limiter = new Limiter();
  /** Resolves when a send in flight is answered: a bucket it held may let the next one go. */
  private answered = deferred();
  /** Deliveries counted as waiting on a bucket, so a send that waits over several passes counts once. */
  private readonly waited = new Set<string>();
  /** The marks of sends answered together (finished, where the message is), one store batch for all. */
  private readonly marks: GroupCommit;
  private running: Promise<number> | null = null;
  private reloadWanted = false;
  private stopped = false;
  private wakeAt = Infinity;

  constructor(private readonly deps: DelivererDeps) {
    this.marks = new GroupCommit(deps.repo);
  }

  /** A delivery written to the store's outbox (outbox.ts) is this process's to send. */
  queue(d: Delivery): void {
    if (d.state === 'pending' && !this.toSend.has(d.id)) this.toSend.set(d);
  }

  /** Start a pass in the background; errors are logged. */
  kick(): void {
    if (this.stopped) return;
    this.pass(false).catch((err: unknown) => this.deps.log.error({ err }, 'outbox pass failed'));
  }

  /** Send everything due (reading the outbox from the store too); resolves when nothing is due. */
  deliver(): Promise<number> {
    return this.pass(true);
  }

  /**
   * Let the current pass finish for at most `ms` of wall time (SIGTERM gives a process a few
   * seconds), then stop starting sends. What is left stays in the store's outbox.
   */
  async stop(ms: number): Promise<void> {
    const drain = this.running ?? Promise.resolve(0);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    await Promise.race([drain.catch(() => 0), timeout]);
    clearTimeout(timer);
    this.stopped = true;
  }

  private pass(reload: boolean): Promise<number> {
    if (reload) this.reloadWanted = true;
    if (this.running) return this.running;
    this.running = this.loop().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async loop(): Promise<number> {
    let sent = 0;
    for (;;) {
      if (this.reloadWanted) {
        this.reloadWanted = false;
        await this.reload();
      }
      const now = this.deps.clock.now();
      let bucketWait = Infinity;
      let laterAt = Infinity;
      for (const [network, list] of this.toSend.networks()) {
        const adapter = this.deps.adapters.get(network);
        if (!adapter) continue; // that network is down or not configured: keep it for later
        const cap = adapter.limits?.concurrency ?? DEFAULT_CONCURRENCY;
        let busy = this.unanswered.get(network) ?? 0;
        for (const d of list.values()) {
          // A network at its cap waits for a send to end; the pass after that walks it again.
          if (this.stopped || busy >= cap) break;
          if (this.inflight.has(d.id)) continue;
          if (d.notBefore > now) {
            laterAt = Math.min(laterAt, d.notBefore);
            continue;
          }
          const claims = this.claimsOf(d, adapter);
          const wait = this.limiter.tryTake(claims, now);
          if (wait > 0) {
            bucketWait = Math.min(bucketWait, wait);
            if (!this.waited.has(d.id)) {
              this.waited.add(d.id);
              this.deps.metrics.rateLimitWait(network);
            }
            continue;
          }
          this.waited.delete(d.id);
          busy += 1;
          this.unanswered.set(network, busy);
          const p = this.send(d, adapter, claims).then((ok) => {
            if (ok) sent++;
          });
          this.inflight.set(
            d.id,
            p.finally(() => this.inflight.delete(d.id)),
          );
        }
      }
      if (this.inflight.size === 0 && (bucketWait === Infinity || bucketWait > MAX_INLINE_WAIT_MS)) {
        if (this.reloadWanted) continue;
        this.scheduleWake(Math.min(laterAt, bucketWait === Infinity ? Infinity : now + bucketWait));
        return sent;
      }
      const waits: Promise<unknown>[] = [...this.inflight.values(), this.answered.promise];
      if (bucketWait !== Infinity) waits.push(this.deps.clock.sleep(bucketWait));
      await Promise.race(waits);
    }
  }

  private claimsOf(d: Delivery, adapter: ChatAdapter): BucketClaim[] {
    let claims = this.claims.get(d);
    if (!claims) {
      claims = claimsFor(d, adapter);
      this.claims.set(d, claims);
    }
    return claims;
  }

  /** Retries and backoffs that are not due yet get a pass of their own when they are. */
  private scheduleWake(at: number): void {
    if (at === Infinity || this.stopped || at >= this.wakeAt) return;
    this.wakeAt = at;
    void this.deps.clock.sleep(at - this.deps.clock.now()).then(() => {
      if (this.wakeAt === at) this.wakeAt = Infinity;
      this.kick();
    });
  }

  private async reload(): Promise<void> {
    const ids = await this.deps.repo.deliveries.outboxIds();
    const missing = ids.filter((id) => !this.toSend.has(id));
    const loaded = await this.deps.repo.loadAll(missing, (id) => this.deps.repo.deliveries.delivery(id));
    loaded.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    for (const d of loaded) {
      if (d.state === 'pending') this.toSend.set(d);
      else await this.deps.repo.deliveries.outOfOutbox(d.id);
    }
  }

  /**
   * Returns true when this call sent the delivery. `claims` are the bucket tokens the loop took
   * for it: they are settled exactly once, as answered the moment the platform answers (or
   * fails in a way that leaves the message possibly out), or as never sent.
   */
  private async send(queued: Delivery, adapter: ChatAdapter, claims: readonly BucketClaim[]): Promise<boolean> {
    const { repo, log, hooks, owner } = this.deps;
    let open = true;
    const settle = (how: Settled): void => {
      if (!open) return;
      open = false;
      this.unanswered.set(adapter.network, (this.unanswered.get(adapter.network) ?? 1) - 1);
      this.limiter.settle(claims, this.deps.clock.now(), how);
      const was = this.answered;
      this.answered = deferred();
      was.resolve();
    };
    let sent = false;
    let claimed = false;
    try {
      if (!(await repo.deliveries.claimDelivery(queued.id, owner, this.deps.claimMs))) {
        // Another instance holds it; it stays in the store's outbox if that instance dies.
        this.toSend.delete(queued.id);
        return false;
      }
      claimed = true;
      const d = await repo.deliveries.delivery(queued.id);
      if (!d || d.state !== 'pending') {
        this.toSend.delete(queued.id);
        await repo.deliveries.outOfOutbox(queued.id);
        return false;
      }
      if ((await hooks.beforeSend(d)) === 'cancel') {
        await this.finish(d, 'cancelled');
        return false;
      }
      const maybeSent = d.sendingSince !== undefined;
      d.sendingSince = this.deps.clock.now();
      // In the store before the send starts (a crash then finds it maybe sent); the sends that
      // start together share one write.
      await this.marks.add((r) => r.deliveries.saveDelivery(d));
      try {
        const card = await repo.deliveries.deliveryCard(d.id);
        if (!card) throw new Error(`the card of delivery ${d.id} is missing`);
        const ref = await this.transmit(d, card, adapter, maybeSent);
        settle('answered');
        d.ref = ref;
        // What the send leaves behind lands in one store batch: the delivery finished, its card
        // gone, out of the outbox, and the engine's marks (where the card or copy is, its thread).
        await this.marks.add(async (r) => {
          await this.finishIn(r, d, 'sent');
          await hooks.recordSent(d, ref, r);
        });
        this.finished(d);
        sent = true;
        await hooks.afterSent(d, ref);
        return true;
      } catch (err) {
        // A refusal (a 429, a missing card) never reached the platform's count; anything else
        // may have: a timeout's post can still arrive, so it counts from now.
        const refused = !(err instanceof DeliveryError) || err.kind === 'rate_limited';
        settle(refused ? 'not-sent' : 'answered');
        await this.failed(d, err, adapter);
        return false;
      }
    } catch (err) {
      log.error({ err, delivery: queued.id }, 'delivery bookkeeping failed; it stays in the outbox');
      this.toSend.delete(queued.id);
      return false;
    } finally {
      settle('not-sent');
      // A sent delivery is no longer pending, so nobody will take it: its claim may just expire.
      if (claimed && !sent) await repo.deliveries.releaseDelivery(queued.id, owner).catch(() => {});
    }
  }

  private async transmit(d: Delivery, card: Card, adapter: ChatAdapter, maybeSent: boolean): Promise<MessageRef> {
    const t = d.target;
    const opts = { idempotencyKey: d.id, maybeSent };
    if (t.kind === 'post') return adapter.post(t.place, card, opts);
    if (t.kind === 'dm') return adapter.directMessage(t.person, card, opts);
    // A network that cannot delete shows the card (it says the message was taken back) instead.
    if (t.kind === 'delete' && adapter.delete) await adapter.delete(t.ref);
    else await adapter.update(t.ref, card);
    return t.ref;
  }

  private async finish(d: Delivery, state: 'sent' | 'failed' | 'cancelled'): Promise<void> {
    await this.finishIn(this.deps.repo, d, state);
    this.finished(d);
  }

  private async finishIn(repo: Repo, d: Delivery, state: 'sent' | 'failed' | 'cancelled'): Promise<void> {
    d.state = state;
    // A finished delivery is kept a while (a redone digest or replayed event finds it and is
    // not sent again). Its card is not: nothing sends it again, and it holds people's words,
    // names and, in an introduction, a contact (if this write is lost, the card expires).
    await repo.deliveries.saveDelivery(d, FINISHED_TTL_MS);
    await repo.deliveries.forgetDeliveryCard(d.id);
    await repo.deliveries.outOfOutbox(d.id);
  }

  private finished(d: Delivery): void {
    this.toSend.delete(d.id);
    this.deps.metrics.deliveryFinished(d.purpose.kind, d.state === 'pending' ? 'failed' : d.state);
  }

  private async failed(d: Delivery, err: unknown, adapter: ChatAdapter): Promise<void> {
    const now = this.deps.clock.now();
    const message = err instanceof Error ? err.message : String(err);
    d.lastError = message;
    // A refusal (rate limit, gone) is an answer: the message is certainly not out. Anything
    // else (a 5xx, a timeout) leaves it uncertain, so `sendingSince` stays for the next try.
    if (err instanceof DeliveryError && err.kind !== 'transient') d.sendingSince = undefined;
    if (err instanceof DeliveryError && err.kind === 'gone') {
      this.deps.log.warn({ delivery: d.id, network: adapter.network, err: message }, 'target unreachable; not retrying');
      d.gone = true;
      await this.finish(d, 'failed');
      await this.deps.hooks.onGone(d, err);
      return;
    }
    if (err instanceof DeliveryError && err.kind === 'rate_limited') {
      // The platform's Retry-After is the rule: nothing goes to that community or channel
      // before it, and the attempt does not count against the delivery.
      this.deps.metrics.rateLimited(adapter.network);
      const until = now + (err.retryAfterMs ?? 1_000);
      this.limiter.block(
        this.claimsOf(d, adapter)
          .filter((c) => !c.key.startsWith('n:'))
          .map((c) => c.key),
        until,
      );
      d.notBefore = until;
    } else {
      d.attempts += 1;
      if (d.attempts >= MAX_ATTEMPTS) {
        this.deps.log.error({ delivery: d.id, err: message }, 'delivery failed after retries');
        await this.finish(d, 'failed');
        return;
      }
      // 2 s, 4 s, 8 s ... capped at 10 minutes.
      d.notBefore = now + Math.min(2 ** d.attempts * 1_000, 600_000);
      this.deps.log.warn({ delivery: d.id, attempt: d.attempts, err: message }, 'delivery will be retried');
    }
    await this.deps.repo.deliveries.saveDelivery(d);
    this.toSend.set(d);
  }
}

function claimsFor(d: Delivery, adapter: ChatAdapter): BucketClaim[] {
  const limits = adapter.limits;
  if (!limits) return [];
  const t = d.target;
  const community = t.kind === 'post' ? t.place.community : t.kind === 'dm' ? t.person.community : t.ref.community;
  const channel = t.kind === 'post' ? t.place.channel : t.kind === 'dm' ? `dm:${t.person.user}` : t.ref.channel;
  const n = adapter.network;
  const claims: BucketClaim[] = [];
  if (limits.network) claims.push({ key: `n:${n}`, bucket: limits.network });
  if (limits.community) claims.push({ key: `c:${n}:${community}`, bucket: limits.community });
  if (limits.channel) claims.push({ key: `ch:${n}:${community}:${channel}`, bucket: limits.channel });
  return claims;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
