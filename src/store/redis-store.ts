import KeyvRedis, { createClient } from '@keyv/redis';
import type { RedisClientType } from '@keyv/redis';
import { Keyv } from 'keyv';
import type { Clock } from '../ports/clock.js';
import { DAY_MS, systemClock } from '../ports/clock.js';
import { FeelersError } from '../ports/errors.js';
import type { Logger } from '../ports/logger.js';
import { silentLogger } from '../ports/logger.js';
import type { SortedEntry, SortedRangeOptions, Store, StoreWrite } from '../ports/store.js';
import { deadline, deserializeValueOnly, expiryFrom, isExpired, serializeValueOnly } from './expiry.js';
import { ACQUIRE, INCR, RELEASE } from './redis-scripts.js';
import { keys } from '../core/keys.js';
import type { RateBudget } from '../ports/rate-budget.js';
import { LocalRateBudget } from './local-rate-budget.js';
import { RedisRateBudget } from './redis-rate-budget.js';
import { checkScore } from './sorted-index.js';
import type { LuaScript } from './redis-scripts.js';

export interface RedisStoreOptions {
  clock?: Clock;
  /** Put before every key, so several deployments (or tests) can share one Redis. */
  prefix?: string;
  logger?: Logger;
  /** How long `open` keeps trying to reach Redis before it gives up (real time). */
  connectTimeoutMs?: number;
}

/** What a document key holds: the value and our clock-based expiry (null: never). */
interface Envelope {
  v: unknown;
  e: number | null;
}

/** Beyond this a safety PEXPIRE would overflow Redis's clock arithmetic; keep such keys. */
const LONGEST_SAFETY_MS = 100 * 365 * DAY_MS;
const RECONNECT_MAX_MS = 2_000;

/**
 * The store several instances share. Documents go through keyv's Redis adapter; leases and
 * counters are Lua scripts, sets are Redis sets and ordered indexes sorted sets, all on the one connection keyv uses.
 *
 * Key layout under the prefix (default `feelers:`): `doc:`, `lease:`, `count:`, `set:`, `zset:`
 * + key, so a document, a lease, a counter, a set and an ordered index may share a name.
 *
 * When Redis goes away the process keeps running: the client reconnects with backoff, calls made
 * meanwhile reject at once (`store_unavailable`) instead of queueing without bound, and work
 * resumes by itself once Redis answers again.
 */
export class RedisStore implements Store {
  readonly kind = 'redis';

  private closed = false;

  private constructor(
    private readonly client: RedisClientType,
    private readonly docs: Keyv,
    private readonly clock: Clock,
    private readonly prefix: string,
    private readonly where: string,
    private readonly log: Logger,
  ) {}

  /** Connects to `url` (redis:// or rediss://); fails with `store_open_failed` if Redis does not answer. */
  static async open(url: string, opts: RedisStoreOptions = {}): Promise<RedisStore> {
    const where = redactUrl(url);
    const log = (opts.logger ?? silentLogger).child({ store: 'redis', url: where });
    const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    const giveUpAt = Date.now() + connectTimeoutMs;
    let everReady = false;
    let down = false;

    const client: RedisClientType = createClient({
      url,
      // Queued commands would wait for a reconnect that may never come, and /healthz would hang;
      // rejecting at once lets callers retry and health say "redis down".
      disableOfflineQueue: true,
      socket: {
        connectTimeout: Math.min(connectTimeoutMs, 5_000),
        reconnectStrategy: (retries, cause) => {
          if (!everReady && Date.now() >= giveUpAt) return cause;
          // Exponential backoff with jitter, capped, and never giving up once we were connected:
          // a Redis restart or failover must not leave this instance without a store.
          return Math.min(50 * 2 ** Math.min(retries, 10), RECONNECT_MAX_MS) + Math.floor(Math.random() * 100);
        },
      },
    });
    // Without an 'error' listener Node would crash the process on the first lost connection.
    client.on('error', (err: unknown) => {
      if (!everReady) return;
      if (!down) log.warn({ err }, 'lost the Redis connection; reconnecting');
      down = true;
    });
    client.on('ready', () => {
      if (down) log.info({}, 'reconnected to Redis');
      down = false;
      everReady = true;
    });

    try {
      await client.connect();
    } catch (err) {
      // The reconnect strategy giving up has closed the client already.
      if (client.isOpen) client.destroy();
      throw new FeelersError(
        'store_open_failed',
        `cannot reach Redis at ${where}: ${describe(err)}. Check FEELERS_STORE and that Redis is running.`,
        { cause: err },
      );
    }

    const adapter = new KeyvRedis(client, { throwOnErrors: true, throwOnConnectError: true });
    const docs = new Keyv({
      store: adapter,
      serialize: serializeValueOnly,
      deserialize: deserializeValueOnly,
      useKeyPrefix: false,
      throwOnErrors: true,
    });
    // keyv hands its default namespace ('keyv') to the adapter, which would then write
    // `keyv::<key>`: clearing it leaves our own prefix as the only one.
    docs.namespace = undefined;
    // Failures reach the caller as rejections; the duplicate event only needs a listener so
    // keyv's emitter does not throw it.
    docs.on('error', () => {});
    return new RedisStore(client, docs, opts.clock ?? systemClock, opts.prefix ?? 'feelers:', where, log);
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.run('get', async () => {
      const env = (await this.docs.get(this.docKey(key))) as Envelope | undefined;
      if (env === undefined || isExpired(env.e, this.clock.now())) return undefined;
      return env.v as T;
    });
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    return this.run('set', async () => {
      const now = this.clock.now();
      const env: Envelope = { v: value, e: expiryFrom(now, ttlMs) };
      // A plain SET (no PX) also drops an earlier ttl, as the contract wants.
      await this.docs.set(this.docKey(key), env, safetyTtl(env.e, now));
    });
  }

  async delete(key: string): Promise<boolean> {
    return this.run('delete', async () => {
      // GETDEL reads and deletes in one step, so of two racing deletes only one sees the value.
      const text = await this.client.getDel(this.docKey(key));
      if (text === null) return false;
      const env = parseEnvelope(text);
      return env !== undefined && !isExpired(env.e, this.clock.now());
    });
  }

  /**
   * One MULTI/EXEC: Redis runs the queued writes together, and drops them if the connection
   * goes before EXEC (a process that dies part-way). Every value is serialized, and every ttl
   * and score checked, before anything is sent.
   */
  async batch(writes: readonly StoreWrite[]): Promise<void> {
    if (writes.length === 0) return this.run('batch', async () => {});
    const now = this.clock.now();
    const docs = writes.map((w) => {
      if (w.op === 'sortedAdd') checkScore(w.score);
      if (w.op !== 'set') return undefined;
      const env: Envelope = { v: w.value, e: expiryFrom(now, w.ttlMs) };
      return { text: serializeValueOnly({ value: env }) as string, px: safetyTtl(env.e, now) };
    });
    await this.run('batch', async () => {
      const multi = this.client.multi();
      writes.forEach((w, i) => {
        const doc = docs[i];
        if (w.op === 'set' && doc) {
          // A plain SET (no PX) also drops an earlier ttl, as `set` does.
          if (doc.px === undefined) multi.set(this.docKey(w.key), doc.text);
          else multi.set(this.docKey(w.key), doc.text, { PX: doc.px });
        } else if (w.op === 'delete') multi.del(this.docKey(w.key));
        else if (w.op === 'setAdd' && w.members.length > 0) multi.sAdd(this.setKey(w.set), [...w.members]);
        else if (w.op === 'setRemove' && w.members.length > 0) multi.sRem(this.setKey(w.set), [...w.members]);
        else if (w.op === 'sortedAdd') multi.zAdd(this.zsetKey(w.index), { score: w.score, value: w.member });
        else if (w.op === 'sortedRemove' && w.members.length > 0) multi.zRem(this.zsetKey(w.index), [...w.members]);
      });
      await multi.exec();
    });
  }

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.run('acquire', async () => {
      const now = this.clock.now();
      const until = deadline(now, ttlMs);
      const won = await this.script(ACQUIRE, this.leaseKey(key), [owner, String(until), String(now), safetyArg(until, now)]);
      return won === 1;
    });
  }

  async release(key: string, owner: string): Promise<void> {
    await this.run('release', () => this.script(RELEASE, this.leaseKey(key), [owner]));
  }

  async incr(key: string, ttlMs: number, by = 1): Promise<number> {
    return this.run('incr', async () => {
      const now = this.clock.now();
      const until = deadline(now, ttlMs);
      const reply = await this.script(INCR, this.countKey(key), [String(by), String(now), String(until), safetyArg(until, now)]);
      const value = Number(reply);
      if (!Number.isFinite(value)) throw new FeelersError('store_incr_failed', `incr of ${key} returned ${String(reply)}`);
      return value;
    });
  }

  async setAdd(set: string, ...members: string[]): Promise<void> {
    if (members.length === 0) return this.run('setAdd', async () => {});
    await this.run('setAdd', () => this.client.sAdd(this.setKey(set), members));
  }

  async setRemove(set: string, ...members: string[]): Promise<void> {
    if (members.length === 0) return this.run('setRemove', async () => {});
    await this.run('setRemove', () => this.client.sRem(this.setKey(set), members));
  }

  async setMembers(set: string): Promise<string[]> {
    return this.run('setMembers', () => this.client.sMembers(this.setKey(set)));
  }

  async setHas(set: string, member: string): Promise<boolean> {
    return this.run('setHas', async () => (await this.client.sIsMember(this.setKey(set), member)) === 1);
  }

  async setSize(set: string): Promise<number> {
    return this.run('setSize', () => this.client.sCard(this.setKey(set)));
  }

  async sortedAdd(index: string, member: string, score: number): Promise<void> {
    checkScore(score);
    await this.run('sortedAdd', () => this.client.zAdd(this.zsetKey(index), { score, value: member }));
  }

  async sortedIncr(index: string, member: string, by: number): Promise<number> {
    checkScore(by);
    return this.run('sortedIncr', async () => Number(await this.client.zIncrBy(this.zsetKey(index), by, member)));
  }

  async sortedRemove(index: string, ...members: string[]): Promise<void> {
    if (members.length === 0) return this.run('sortedRemove', async () => {});
    await this.run('sortedRemove', () => this.client.zRem(this.zsetKey(index), members));
  }

  async sortedRange(index: string, opts: SortedRangeOptions = {}): Promise<SortedEntry[]> {
    const offset = Math.max(0, Math.floor(opts.offset ?? 0));
    const limit = opts.limit === undefined ? undefined : Math.max(0, Math.floor(opts.limit));
    if (limit === 0) return this.run('sortedRange', async () => []);
    // By rank: ZRANGE start stop [REV], stop inclusive, -1 for the end.
    const stop = limit === undefined ? -1 : offset + limit - 1;
    return this.run('sortedRange', async () => {
      const found = await this.client.zRangeWithScores(this.zsetKey(index), offset, stop, opts.reverse ? { REV: true } : undefined);
      return found.map((e) => ({ member: String(e.value), score: Number(e.score) }));
    });
  }

  async sortedCount(index: string, bounds: { min?: number | undefined; max?: number | undefined } = {}): Promise<number> {
    const min = bounds.min === undefined ? '-inf' : String(bounds.min);
    const max = bounds.max === undefined ? '+inf' : String(bounds.max);
    return this.run('sortedCount', () => this.client.zCount(this.zsetKey(index), min, max));
  }

  async ping(): Promise<void> {
    await this.run('ping', () => this.client.ping());
  }

  /**
   * The platforms' request budgets, shared by every instance on this Redis (Discord's 50
   * requests a second per bot token): rolling windows under `rate:<scope>`, on this connection.
   */
  rateBudget(): RateBudget {
    return new RedisRateBudget({
      run: (script, key, args) => this.run('rate budget', () => this.script(script, key, args)),
      key: (scope) => `${this.prefix}${keys.rateBudget(scope)}`,
      fallback: new LocalRateBudget(),
      log: this.log,
    });
  }

  /**
   * With append-only persistence on, Redis keeps every write in its AOF until the file is
   * rewritten: ask for a background rewrite (Redis queues one if a save is running). Without
   * AOF there is no such file, and nothing to ask.
   */
  async compact(): Promise<void> {
    await this.run('compact', async () => {
      const info = await this.client.info('persistence');
      if (!/^aof_enabled:1\b/m.test(info)) return;
      try {
        await this.client.sendCommand(['BGREWRITEAOF']);
      } catch (err) {
        // "already in progress": the rewrite under way starts after our deletes were applied.
        if (!/in progress/i.test(err instanceof Error ? err.message : String(err))) throw err;
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // QUIT waits for a reply that a dead server never sends; then just drop the socket.
    if (this.client.isReady) await this.client.close();
    else if (this.client.isOpen) this.client.destroy();
  }

  private docKey(key: string): string {
    return `${this.prefix}doc:${key}`;
  }

  private leaseKey(key: string): string {
    return `${this.prefix}lease:${key}`;
  }

  private countKey(key: string): string {
    return `${this.prefix}count:${key}`;
  }

  private setKey(key: string): string {
    return `${this.prefix}set:${key}`;
  }

  private zsetKey(key: string): string {
    return `${this.prefix}zset:${key}`;
  }

  /** EVALSHA, loading the script on NOSCRIPT (first use, or after Redis restarted empty). */
  private async script(script: LuaScript, key: string, args: string[]): Promise<unknown> {
    const options = { keys: [key], arguments: args };
    try {
      return await this.client.evalSha(script.sha1, options);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.client.eval(script.source, options);
    }
  }

  /** Every call names the operation and the server when it fails, with a code health can read. */
  private async run<T>(op: string, work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new FeelersError('store_closed', `the Redis store at ${this.where} was closed`);
    try {
      return await work();
    } catch (err) {
      if (err instanceof FeelersError) throw err;
      const state = this.client.isReady ? '' : ' (not connected; reconnecting)';
      throw new FeelersError('store_unavailable', `Redis at ${this.where} failed ${op}${state}: ${describe(err)}`, {
        cause: err,
      });
    }
  }
}

/**
 * The real-time PEXPIRE for a value that expires at `expiresAt` by the injected clock: a day
 * past that, so Redis never drops a key the clock still considers live, yet dead keys go.
 */
function safetyTtl(expiresAt: number | null, now: number): number | undefined {
  if (expiresAt === null) return undefined;
  const ms = Math.ceil(Math.max(0, expiresAt - now)) + DAY_MS;
  return ms > LONGEST_SAFETY_MS ? undefined : ms;
}

function safetyArg(expiresAt: number, now: number): string {
  if (expiresAt >= Number.MAX_SAFE_INTEGER) return '';
  const ms = safetyTtl(expiresAt, now);
  return ms === undefined ? '' : String(ms);
}

function parseEnvelope(text: string): Envelope | undefined {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || !('e' in parsed)) return undefined;
  const e = parsed.e;
  return { v: 'v' in parsed ? parsed.v : undefined, e: typeof e === 'number' ? e : null };
}

/** The URL without its password, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
