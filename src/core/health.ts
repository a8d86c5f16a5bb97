/** What /healthz and the console's overview say of each part: the store, every adapter. */
export interface HealthReport {
  /** True when the store answers and every adapter is connected. */
  readonly ok: boolean;
  /** One entry per part: 'store', 'adapter:slack', ... */
  readonly parts: Readonly<Record<string, { readonly ok: boolean; readonly detail?: string | undefined }>>;
}
