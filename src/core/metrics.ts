/** What the engine counts. src/app/prom-metrics.ts implements it with prom-client. */
export interface EngineMetrics {
  askCreated(): void;
  /** A delivery reached a final state: 'sent', 'failed' or 'cancelled'. */
  deliveryFinished(purpose: string, state: string): void;
  replyCollected(source: string): void;
  digestPosted(): void;
  introChanged(state: string): void;
  eventHandled(kind: string, seconds: number, outcome: 'ok' | 'user_error' | 'error' | 'duplicate' | 'in_progress' | 'spooled'): void;
  /** A send had to wait for a token of the network's, community's or channel's bucket (counted once per send). */
  rateLimitWait(network: string): void;
  /** The network answered a send with a rate limit (HTTP 429 or its like). */
  rateLimited(network: string): void;
  /** Search before asking: a similar earlier ask was shown, and what the asker did with it. */
  searchPrompt?(outcome: 'shown' | 'asked-anyway' | 'answered'): void;
}

export const noMetrics: EngineMetrics = {
  askCreated: () => {},
  deliveryFinished: () => {},
  replyCollected: () => {},
  digestPosted: () => {},
  introChanged: () => {},
  eventHandled: () => {},
  rateLimitWait: () => {},
  rateLimited: () => {},
};

/** Rate-limit figures counted in this process since it started, by network. */
export interface RateLimitTally {
  readonly waits: ReadonlyMap<string, number>;
  readonly limited: ReadonlyMap<string, number>;
}

/**
 * Passes every count on to the metrics it wraps (Prometheus in the app) and keeps the
 * rate-limit ones itself, so the operator console can show them without reading Prometheus's
 * exposition. Process-local: another instance, or this one before a restart, counts its own.
 */
export class TallyingMetrics implements EngineMetrics, RateLimitTally {
  readonly waits = new Map<string, number>();
  readonly limited = new Map<string, number>();

  constructor(private readonly inner: EngineMetrics) {}

  askCreated(): void {
    this.inner.askCreated();
  }
  deliveryFinished(purpose: string, state: string): void {
    this.inner.deliveryFinished(purpose, state);
  }
  replyCollected(source: string): void {
    this.inner.replyCollected(source);
  }
  digestPosted(): void {
    this.inner.digestPosted();
  }
  introChanged(state: string): void {
    this.inner.introChanged(state);
  }
  searchPrompt(outcome: 'shown' | 'asked-anyway' | 'answered'): void {
    this.inner.searchPrompt?.(outcome);
  }
  eventHandled(kind: string, seconds: number, outcome: 'ok' | 'user_error' | 'error' | 'duplicate' | 'in_progress' | 'spooled'): void {
    this.inner.eventHandled(kind, seconds, outcome);
  }
  rateLimitWait(network: string): void {
    this.waits.set(network, (this.waits.get(network) ?? 0) + 1);
    this.inner.rateLimitWait(network);
  }
  rateLimited(network: string): void {
    this.limited.set(network, (this.limited.get(network) ?? 0) + 1);
    this.inner.rateLimited(network);
  }
}
