/**
 * Failure injection and rate limits for the fake Discord REST API.
 * Discord's published limits: 50 requests/s per bot token (global), about 5 messages per 5 s per
 * channel, told to clients through X-RateLimit-* headers and 429 bodies with `retry_after`.
 */

export interface Injection {
  method?: string | undefined;
  /** Matched against the path after /api/v10, e.g. /channels/1/messages. */
  path: RegExp | string;
  status: number;
  /** How many requests fail; default 1. */
  times?: number | undefined;
  /** 429 only: seconds to wait (Discord sends fractions). */
  retryAfter?: number | undefined;
  /** 429 only: a global limit (X-RateLimit-Global, scope global). */
  global?: boolean | undefined;
  /** Discord JSON error code, e.g. 50007 "Cannot send messages to this user". */
  code?: number | undefined;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export class Injector {
  private rules: (Injection & { left: number })[] = [];

  add(rule: Injection): void {
    this.rules.push({ ...rule, left: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
  }

  take(method: string, path: string): Reply | undefined {
    const rule = this.rules.find(
      (r) =>
        r.left > 0 &&
        (!r.method || r.method.toUpperCase() === method) &&
        (typeof r.path === 'string' ? r.path === path : r.path.test(path)),
    );
    if (!rule) return undefined;
    rule.left -= 1;
    if (rule.status === 429) return tooMany(rule.retryAfter ?? 0.1, rule.global ?? false, 'injected');
    return {
      status: rule.status,
      headers: {},
      body: { message: `injected ${rule.status}`, code: rule.code ?? 0 },
    };
  }
}

export function tooMany(retryAfter: number, global: boolean, bucket: string): Reply {
  const headers: Record<string, string> = {
    'retry-after': String(retryAfter),
    'x-ratelimit-scope': global ? 'global' : 'user',
  };
  if (global) headers['x-ratelimit-global'] = 'true';
  else {
    headers['x-ratelimit-limit'] = '5';
    headers['x-ratelimit-remaining'] = '0';
    headers['x-ratelimit-reset-after'] = String(retryAfter);
    headers['x-ratelimit-reset'] = String((Date.now() / 1000 + retryAfter).toFixed(3));
    headers['x-ratelimit-bucket'] = bucket;
  }
  return {
    status: 429,
    headers,
    body: { message: 'You are being rate limited.', retry_after: retryAfter, global },
  };
}

/** Sliding windows: 50 requests per second globally, 5 message creates per 5 s per channel. */
export class Limiter {
  private global: number[] = [];
  private perChannel = new Map<string, number[]>();

  constructor(
    private readonly globalPerSec = 50,
    private readonly channelMax = 5,
    private readonly channelWindowMs = 5000,
  ) {}

  /** A 429 when the global budget is spent, else undefined (and the request is counted). */
  checkGlobal(now = Date.now()): Reply | undefined {
    this.global = this.global.filter((t) => t > now - 1000);
    if (this.global.length >= this.globalPerSec) {
      const first = this.global[0] ?? now;
      return tooMany(Math.max(0.001, (first + 1000 - now) / 1000), true, 'global');
    }
    this.global.push(now);
    return undefined;
  }

  /** For a message create: a 429, or the headers telling the client what remains. */
  checkChannel(channelId: string, now = Date.now()): { reject?: Reply; headers: Record<string, string> } {
    const list = (this.perChannel.get(channelId) ?? []).filter((t) => t > now - this.channelWindowMs);
    this.perChannel.set(channelId, list);
    const bucket = `msg-${channelId}`;
    const resetAfter = list.length ? ((list[0] ?? now) + this.channelWindowMs - now) / 1000 : this.channelWindowMs / 1000;
    if (list.length >= this.channelMax) return { reject: tooMany(resetAfter, false, bucket), headers: {} };
    list.push(now);
    return { headers: rateHeaders(this.channelMax, this.channelMax - list.length, resetAfter, bucket) };
  }
}

export function rateHeaders(limit: number, remaining: number, resetAfter: number, bucket: string): Record<string, string> {
  return {
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset-after': resetAfter.toFixed(3),
    'x-ratelimit-reset': (Date.now() / 1000 + resetAfter).toFixed(3),
    'x-ratelimit-bucket': bucket,
  };
}
