import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EngineMetrics } from '../core/metrics.js';

/**
 * The engine's counters in Prometheus form, on a registry of their own so two app instances in
 * one process (tests) never collide on prom-client's global registry.
 */
export class PromMetrics implements EngineMetrics {
  readonly registry = new Registry();
  private readonly asks: Counter<string>;
  private readonly deliveries: Counter<'purpose' | 'state'>;
  private readonly replies: Counter<'source'>;
  private readonly digests: Counter<string>;
  private readonly intros: Counter<'state'>;
  private readonly events: Histogram<'kind' | 'outcome'>;
  private readonly waits: Counter<'network'>;
  private readonly limited: Counter<'network'>;
  private readonly searchPrompts: Counter<'outcome'>;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.asks = new Counter({ name: 'feelers_asks_total', help: 'Asks created.', registers });
    this.deliveries = new Counter({
      name: 'feelers_deliveries_total',
      help: 'Outbox deliveries that reached a final state, by purpose and state.',
      labelNames: ['purpose', 'state'],
      registers,
    });
    this.replies = new Counter({
      name: 'feelers_replies_total',
      help: 'Replies collected, by where they were written.',
      labelNames: ['source'],
      registers,
    });
    this.digests = new Counter({ name: 'feelers_digests_total', help: 'Digests posted.', registers });
    this.intros = new Counter({
      name: 'feelers_intros_total',
      help: 'Introduction state changes, by the new state.',
      labelNames: ['state'],
      registers,
    });
    this.events = new Histogram({
      name: 'feelers_event_handling_seconds',
      help: 'Time to handle one inbound chat event, by kind and outcome.',
      labelNames: ['kind', 'outcome'],
      // Platforms want an answer within 3 s, so the buckets are dense below that.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10],
      registers,
    });
    this.waits = new Counter({
      name: 'feelers_rate_limit_waits_total',
      help: "Sends that waited for a token of a network's, community's or channel's rate-limit bucket, by network.",
      labelNames: ['network'],
      registers,
    });
    this.limited = new Counter({
      name: 'feelers_rate_limited_total',
      help: 'Sends the network answered with a rate limit (429), by network.',
      labelNames: ['network'],
      registers,
    });
    this.searchPrompts = new Counter({
      name: 'feelers_search_prompts_total',
      help: 'Similar earlier asks shown before asking, and what the askers did: shown, asked-anyway, answered.',
      labelNames: ['outcome'],
      registers,
    });
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'feelers_' });
  }

  askCreated(): void {
    this.asks.inc();
  }

  deliveryFinished(purpose: string, state: string): void {
    this.deliveries.inc({ purpose, state });
  }

  replyCollected(source: string): void {
    this.replies.inc({ source });
  }

  digestPosted(): void {
    this.digests.inc();
  }

  searchPrompt(outcome: 'shown' | 'asked-anyway' | 'answered'): void {
    this.searchPrompts.inc({ outcome });
  }

  introChanged(state: string): void {
    this.intros.inc({ state });
  }

  eventHandled(kind: string, seconds: number, outcome: 'ok' | 'user_error' | 'error' | 'duplicate' | 'in_progress' | 'spooled'): void {
    this.events.observe({ kind, outcome }, seconds);
  }

  rateLimitWait(network: string): void {
    this.waits.inc({ network });
  }

  rateLimited(network: string): void {
    this.limited.inc({ network });
  }

  /** The exposition text for GET /metrics. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
