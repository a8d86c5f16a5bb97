/**
 * One base error with a stable string code and a cause. What a person sees is `userMessage`,
 * a sentence that says what to do; `message` is for logs.
 */
export class FeelersError extends Error {
  readonly code: string;
  readonly userMessage?: string | undefined;

  constructor(code: string, message: string, opts: { cause?: unknown; userMessage?: string } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'FeelersError';
    this.code = code;
    this.userMessage = opts.userMessage;
  }
}

/** A person did something we can explain to them; nothing was changed. */
export class UserError extends FeelersError {
  constructor(code: string, userMessage: string) {
    super(code, userMessage, { userMessage });
    this.name = 'UserError';
  }
}

/**
 * Thrown by an adapter's post/update/directMessage. `kind` tells the deliverer what to do:
 * - `rate_limited`: wait `retryAfterMs`, then try again (the platform said so).
 * - `gone`: the channel or person can no longer be reached (not_in_channel, 403, 404, DMs
 *   closed). Mark and skip; never retry in a loop.
 * - `transient`: a 5xx, a timeout, a dropped connection. Retry with backoff.
 */
export class DeliveryError extends FeelersError {
  readonly kind: 'rate_limited' | 'gone' | 'transient';
  readonly retryAfterMs?: number | undefined;

  constructor(kind: 'rate_limited' | 'gone' | 'transient', message: string, opts: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(`delivery_${kind}`, message, opts.cause === undefined ? {} : { cause: opts.cause });
    this.name = 'DeliveryError';
    this.kind = kind;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** Wraps anything unknown at a boundary so logs always carry a code. */
export function asFeelersError(err: unknown): FeelersError {
  if (err instanceof FeelersError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new FeelersError('unexpected', message, { cause: err });
}
