import { checkOptions, fail } from '../core/errors.js';
import { durationOption } from '../core/options.js';
import {
  prefixOption,
  redisEval,
  replyText,
  wholeMs,
  type IORedisLike,
  type NodeRedisLike,
} from '../shared/redis-client.js';
import { DEFAULT_RETENTION_SECONDS, type AcquireResult, type SettleResult, type StateStore } from './store.js';

/** Options of `redisStateStore`. */
export interface RedisStateStoreOptions {
  /** Prepended to every key; default `"maw:reconcile:"`. */
  prefix?: string;
  /**
   * How long a handled version (and a dirty mark) is kept after its last write, in seconds;
   * default 604,800 (7 days). Bounds memory: one small key per resource changed within it. The
   * sweep ignores changes older than this, so keep it longer than the longest outage to recover.
   */
  retentionSeconds?: number;
}

// Takes the lease if free or already the caller's (clearing the dirty mark: the holder fetches
// after this) and reads the handled version, or marks the resource dirty for the holder. One
// script, so a hint is never lost between "the lease is busy" and the holder's last look at the mark.
const ACQUIRE = `
local holder = redis.call('get', KEYS[1])
if not holder or holder == ARGV[1] then
  redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
  redis.call('del', KEYS[2])
  local handled = redis.call('get', KEYS[3])
  if handled then return {1, handled} end
  return {1}
end
redis.call('set', KEYS[2], '1', 'EX', ARGV[3])
return {0}`;

const RENEW = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0`;

// Records the version if greater (a success is recorded even by a holder whose lease lapsed: the
// run happened, and "greater" keeps the order), then keeps the lease when a hint came meanwhile.
const SETTLE = `
if ARGV[2] ~= '' then
  local current = tonumber(redis.call('get', KEYS[3]))
  if not current or current < tonumber(ARGV[2]) then redis.call('set', KEYS[3], ARGV[2], 'EX', ARGV[4]) end
end
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 'lost' end
if redis.call('del', KEYS[2]) == 1 then
  redis.call('pexpire', KEYS[1], ARGV[3])
  return 'dirty'
end
redis.call('del', KEYS[1])
return 'released'`;

const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

const GET = "return redis.call('get', KEYS[1])";

const SET_NX_GET = "redis.call('set', KEYS[1], ARGV[1], 'NX') return redis.call('get', KEYS[1])";

const SET_IF_GREATER = `
local current = tonumber(redis.call('get', KEYS[1]))
if not current or current < tonumber(ARGV[1]) then redis.call('set', KEYS[1], ARGV[1]) end
return 0`;

/**
 * The state of level-triggered handling in Redis, shared by every worker process: the same
 * clients as `redisStore` (`redis`'s `createClient`, `ioredis`'s `new Redis`), and only Redis's
 * own atomic commands — `SET NX PX` for a lease, Lua scripts for compare-and-renew,
 * set-if-greater and "release unless dirty". Per resource, three keys in one hash slot (a Redis
 * Cluster runs the scripts): `<prefix>{session:<id>}:lease`, `:dirty` and `:handled`; the last
 * two expire `retentionSeconds` after their last write, the lease after its `leaseMs`. Two more
 * keys hold the sweep's baseline and mark. A `keyPrefix` set on the client applies as well.
 *
 * Redis must keep its data across a restart (AOF, as the queue needs): a Redis that forgets the
 * handled versions lets an old version run again once, though never after a newer one was fetched.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'; // or: import { createClient } from 'redis'
 * const store = redisStateStore(new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'));
 * const handlers = levelTriggered({ client: new Anthropic(), store, session: async (s) => sync(s) });
 * ```
 */
export function redisStateStore(client: NodeRedisLike | IORedisLike, options: RedisStateStoreOptions = {}): StateStore {
  checkOptions(options, 'redisStateStore: options', "{ prefix: 'myapp:reconcile:' }");
  const prefix = prefixOption(options.prefix, 'redisStateStore', 'maw:reconcile:');
  const retentionSeconds = durationOption(options.retentionSeconds, 'redisStateStore: retentionSeconds', {
    unit: 's',
    fallback: DEFAULT_RETENTION_SECONDS,
    kind: 'bound',
  });
  const retention = String(Math.ceil(retentionSeconds));
  const run = redisEval(client, 'redisStateStore');
  // A hash tag per resource, so its three keys share a Cluster slot and one script may touch them.
  const keys = (key: string): [string, string, string] => {
    const base = `${prefix}{${key}}:`;
    return [`${base}lease`, `${base}dirty`, `${base}handled`];
  };
  return {
    retentionSeconds,
    async acquire(key, token, leaseMs): Promise<AcquireResult> {
      const reply = await run(ACQUIRE, keys(key), [token, String(wholeMs(leaseMs)), retention]);
      if (!Array.isArray(reply)) return unexpected('acquire', reply);
      if (Number(reply[0]) !== 1) return { acquired: false };
      return { acquired: true, handled: version(reply[1]) };
    },
    async renew(key, token, leaseMs) {
      return Number(await run(RENEW, keys(key).slice(0, 1), [token, String(wholeMs(leaseMs))])) === 1;
    },
    async settle(key, token, handled, leaseMs): Promise<SettleResult> {
      const args = [token, handled === undefined ? '' : String(handled), String(wholeMs(leaseMs)), retention];
      const reply = replyText(await run(SETTLE, keys(key), args));
      if (reply === 'released' || reply === 'dirty' || reply === 'lost') return reply;
      return unexpected('settle', reply);
    },
    async release(key, token) {
      await run(RELEASE, keys(key).slice(0, 1), [token]);
    },
    // One script per key, sent together: the client pipelines them on its connection, and keys of
    // different resources may live on different Cluster nodes.
    handled: (list) => Promise.all(list.map(async (key) => version(await run(GET, [keys(key)[2]], [])))),
    baseline: async (micros) => version(await run(SET_NX_GET, [`${prefix}sweep:baseline`], [String(micros)])) ?? micros,
    sweepMark: async () => version(await run(GET, [`${prefix}sweep:mark`], [])),
    async setSweepMark(micros) {
      await run(SET_IF_GREATER, [`${prefix}sweep:mark`], [String(micros)]);
    },
  };
}

function version(reply: unknown): number | undefined {
  const value = replyText(reply);
  if (value === null || value === undefined) return undefined;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : undefined;
}

function unexpected(operation: string, reply: unknown): never {
  return fail(
    'invalid_options',
    `redisStateStore: ${operation} got an unexpected reply (${typeof reply}); is the client a redis or ioredis client?`,
  );
}
