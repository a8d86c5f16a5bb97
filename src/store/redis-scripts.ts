import { createHash } from 'node:crypto';

/**
 * The Lua scripts behind RedisStore's check-and-set operations. Redis runs a script without
 * letting any other command in, so the read and the write inside one cannot be split by another
 * instance: that is what makes `acquire` have exactly one winner across many connections.
 *
 * Expiry is decided by the caller's clock (passed as `now`), not by Redis's own timer, because
 * the engine (and its tests, with a ManualClock) owns time. Each script also sets a real PEXPIRE,
 * longer than the clock's ttl, only so that keys nobody reads again do not pile up forever.
 *
 * Numbers travel as strings: Lua numbers are doubles, exact for epoch milliseconds and for
 * Number.MAX_SAFE_INTEGER, which stands for "never". A Lua number returned as a reply would be
 * truncated to an integer, so counters are returned as the strings Redis formats.
 */
export interface LuaScript {
  readonly source: string;
  readonly sha1: string;
}

function lua(source: string): LuaScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

/** Applies ARGV[n] as the real-time safety expiry: '' means keep the key until deleted. */
const SAFETY_EXPIRY = (argIndex: number) => `
if ARGV[${argIndex}] == '' then
  redis.call('PERSIST', KEYS[1])
else
  redis.call('PEXPIRE', KEYS[1], ARGV[${argIndex}])
end`;

/**
 * KEYS[1] lease hash; ARGV: owner, expiresAt, now, safety ms. Returns 1 if `owner` now holds
 * the key (it was free, ran out, or was already theirs: re-acquiring extends), 0 otherwise.
 */
export const ACQUIRE = lua(`
local held = redis.call('HMGET', KEYS[1], 'owner', 'expiresAt')
if held[1] and held[1] ~= ARGV[1] and tonumber(held[2]) > tonumber(ARGV[3]) then
  return 0
end
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'expiresAt', ARGV[2])
${SAFETY_EXPIRY(4)}
return 1
`);

/** KEYS[1] lease hash; ARGV: owner. Deletes the lease only if `owner` holds it. */
export const RELEASE = lua(`
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
return 0
`);

/**
 * KEYS[1] counter hash; ARGV: by, now, expiresAt, safety ms. Fixed window: a live counter is
 * incremented and keeps its expiry; a missing or expired one restarts at `by` with a new expiry.
 * Returns the new value as a string.
 */
export const INCR = lua(`
local expiresAt = redis.call('HGET', KEYS[1], 'expiresAt')
if expiresAt and tonumber(expiresAt) > tonumber(ARGV[2]) then
  return redis.call('HINCRBYFLOAT', KEYS[1], 'value', ARGV[1])
end
redis.call('HSET', KEYS[1], 'value', ARGV[1], 'expiresAt', ARGV[3])
${SAFETY_EXPIRY(4)}
return ARGV[1]
`);

/** Redis's own clock in ms: one clock for every instance sharing a budget, whatever theirs say. */
const REDIS_NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * A rate budget's rolling window (RateBudget, Discord's global limit: 50 requests a second per
 * bot token, counted by Discord over a rolling second as requests arrive, over every instance).
 * KEYS[1] sorted set of places: member = one request, score = when it was answered, or, while
 * it is in flight, the time its place lapses if its process dies (`now + hold`).
 * ARGV: max, window ms, place id, hold ms.
 *
 * Places answered a whole window ago leave; if fewer than `max` remain, the request takes one
 * and '0' comes back. Otherwise the ms until the oldest place frees (a place in flight frees
 * only when answered, so that wait is long: the caller polls sooner).
 */
export const TAKE_PLACE = lua(`${REDIS_NOW}
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window + tonumber(ARGV[4]))
  return '0'
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tostring(math.max(1, tonumber(oldest[2]) + window - now))
`);

/** KEYS[1] as TAKE_PLACE; ARGV: place id. The request was answered now: its place counts from now. */
export const SETTLE_PLACE = lua(`${REDIS_NOW}
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
return 0
`);
