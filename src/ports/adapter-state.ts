/**
 * What an adapter may keep in feelers' store: a few documents of its own, by kind and id
 * (Slack's OAuth installations, Discord's recent start times). main.ts hands each adapter one
 * for its network; the keys behind it are built by the store's key layout (src/core/keys.ts),
 * like every other key feelers writes, so an adapter never names a store key itself.
 */
export interface AdapterState {
  get<T>(kind: string, id: string): Promise<T | undefined>;
  /** `ttlMs` makes the document disappear after that long. */
  set<T>(kind: string, id: string, value: T, ttlMs?: number): Promise<void>;
  delete(kind: string, id: string): Promise<boolean>;
  /**
   * Several documents written together, all or none: one write to the store (one transaction
   * on SQLite) where one `set` each would be several, for an adapter that keeps more than one
   * thing per message it sends.
   */
  setAll(docs: readonly AdapterDoc[]): Promise<void>;
}

/** One document for `AdapterState.setAll`. */
export interface AdapterDoc {
  readonly kind: string;
  readonly id: string;
  readonly value: unknown;
  readonly ttlMs?: number | undefined;
}
