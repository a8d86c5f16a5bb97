/** What the engine counts. src/http/metrics.ts implements it with prom-client. */
export interface EngineMetrics {
  askCreated(): void;
  /** A delivery reached a final state: 'sent', 'failed' or 'cancelled'. */
  deliveryFinished(purpose: string, state: string): void;
  replyCollected(source: string): void;
  digestPosted(): void;
  introChanged(state: string): void;
  eventHandled(kind: string, seconds: number, outcome: 'ok' | 'user_error' | 'error' | 'duplicate' | 'in_progress' | 'spooled'): void;
}

export const noMetrics: EngineMetrics = {
  askCreated: () => {},
  deliveryFinished: () => {},
  replyCollected: () => {},
  digestPosted: () => {},
  introChanged: () => {},
  eventHandled: () => {},
};
