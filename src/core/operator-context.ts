import type { ChatAdapter } from '../ports/chat-adapter.js';
import type { MessageRef } from '../ports/places.js';
import type { Ctx } from './context.js';
import type { HealthReport } from './engine-api.js';
import type { RateLimitTally } from './metrics.js';

/** What the operator API's parts read: the engine's context, its adapters, health and in-process counts. */
export interface OperatorCtx {
  readonly ctx: Ctx;
  readonly adapters: ReadonlyMap<string, ChatAdapter>;
  health(): Promise<HealthReport>;
  readonly rateLimits: RateLimitTally;
}

/** A link to the message on its network, where its adapter gives one; a failing adapter gives none. */
export function linkOf(oc: OperatorCtx, ref: MessageRef | undefined): string | undefined {
  if (!ref) return undefined;
  try {
    return oc.adapters.get(ref.network)?.linkTo?.(ref);
  } catch (err) {
    oc.ctx.log.warn({ err, network: ref.network }, 'operator: the adapter could not make a link');
    return undefined;
  }
}
