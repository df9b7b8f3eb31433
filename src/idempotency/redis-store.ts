import { checkOptions, fail } from '../core/errors.js';
import { durationOption } from '../core/options.js';
import { checkWellFormedId } from '../core/well-formed.js';
import {
  isIORedis,
  notARedisClient,
  prefixOption,
  redisEval,
  replyText,
  wholeMs,
  type IORedisLike,
  type NodeRedisLike,
} from '../shared/redis-client.js';
import { withTimeout } from '../shared/timeout.js';
import { DONE, type ClaimOutcome, type IdempotencyStore } from './store.js';

export type { IORedisLike, NodeRedisLike } from '../shared/redis-client.js';

/** Options of `redisStore`. */
export interface RedisStoreOptions {
  /** Prepended to every event id to make its key; default `"maw:idempotency:"`. */
  prefix?: string;
  /**
   * How long one command may take before `run` rejects, in milliseconds; default 2,000. Always
   * finite (as the queue's `timeoutMs`): while Redis is down a client queues commands, and a
   * receiver waiting on them would hold the delivery instead of answering 5xx for a retry.
   */
  timeoutMs?: number;
}

/** Well inside a sender's timeout, so a handler still answers 5xx (and is retried) during an outage. */
const DEFAULT_TIMEOUT_MS = 2_000;

// Compare-and-delete in one step on the server: only the claim's owner can drop it.
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** The three commands the store sends, whichever client carries them. */
interface Commands {
  /** `SET key value NX PX ms GET`: `null` when it wrote, else the value the key already held. */
  setIfAbsent(key: string, value: string, ms: number): Promise<unknown>;
  /** `SET key value PX ms`. */
  set(key: string, value: string, ms: number): Promise<unknown>;
  /** `EVAL RELEASE 1 key token`. */
  release(key: string, token: string): Promise<unknown>;
}

/**
 * A store shared by every receiver connected to one Redis — for endpoints served by several
 * instances. Takes a connected client from the official `redis` package or from `ioredis`
 * (neither is a dependency of this package); a `keyPrefix` set on the client applies as well.
 *
 * A claim is `SET key token NX PX lock GET` (one caller wins, and the others learn whether the
 * event is done or still in flight; Redis 7.0 or later), done is `SET key done PX ttl`, and a
 * release runs a Lua script that deletes the key only while it still holds the caller's token,
 * so a worker that outlived its lock never frees the claim another worker took over.
 *
 * An id that is not well-formed Unicode (a lone surrogate) is refused with `invalid_options`:
 * both clients send keys as UTF-8, where distinct such ids become one key.
 *
 * Each command waits at most `timeoutMs` (default 2,000 ms); then `run` rejects with a
 * `TimeoutError`, so during a Redis outage a handler answers 5xx in bounded time and the sender
 * retries, instead of waiting on the client's offline queue.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis'; // or: import { Redis } from 'ioredis'
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect(); // or: new Redis(url)
 * const guard = createIdempotencyGuard({ store: redisStore(redis, { prefix: 'webhooks:' }) });
 * ```
 */
export function redisStore(client: NodeRedisLike | IORedisLike, options: RedisStoreOptions = {}): IdempotencyStore {
  checkOptions(options, 'redisStore: options', "{ prefix: 'webhooks:' }");
  const prefix = prefixOption(options.prefix, 'redisStore', 'maw:idempotency:');
  const timeoutMs = durationOption(options.timeoutMs, 'redisStore: timeoutMs', {
    unit: 'ms',
    fallback: DEFAULT_TIMEOUT_MS,
    kind: 'bound',
  });
  const commands = redisCommands(client);
  const within = <T>(operation: string, reply: Promise<T>): Promise<T> =>
    withTimeout(reply, timeoutMs, () => storeTimeout(operation, timeoutMs));
  return {
    async claim(key, token, ttlMs) {
      checkWellFormedId(key, 'redisStore');
      // A claim that fails (times out, or its connection drops) is released by the guard: a client
      // that queues commands (ioredis) may still send it later, and the release queued behind it
      // drops it again.
      return claimOutcome(await within('claim', commands.setIfAbsent(prefix + key, token, wholeMs(ttlMs))), token);
    },
    async complete(key, ttlMs) {
      checkWellFormedId(key, 'redisStore');
      await within('complete', commands.set(prefix + key, DONE, wholeMs(ttlMs)));
    },
    async release(key, token) {
      checkWellFormedId(key, 'redisStore');
      await within('release', commands.release(prefix + key, token));
    },
  };
}

/** The error a command that outlived `timeoutMs` rejects with: a standard `TimeoutError`. */
function storeTimeout(operation: string, ms: number): Error {
  return new DOMException(
    `redisStore: the ${operation} command got no answer from Redis within ${ms} ms (timeoutMs). Redis is down or unreachable; answer 5xx so the sender retries, and check the connection.`,
    'TimeoutError',
  );
}

/** The three commands in the client's own form; refuses anything that is not a client. */
function redisCommands(client: NodeRedisLike | IORedisLike): Commands {
  const evaluate = redisEval(client, 'redisStore');
  if (typeof client.set !== 'function') notARedisClient('redisStore');
  const release = (key: string, token: string): Promise<unknown> => evaluate(RELEASE, [key], [token]);
  if (isIORedis(client)) {
    return {
      setIfAbsent: (key, value, ms) => client.set(key, value, 'PX', ms, 'NX', 'GET'),
      set: (key, value, ms) => client.set(key, value, 'PX', ms),
      release,
    };
  }
  return {
    // `expiration` and `condition` are the forms of redis 5 and later; `NX: true, PX` are deprecated.
    setIfAbsent: (key, value, ms) =>
      client.set(key, value, { expiration: { type: 'PX', value: ms }, condition: 'NX', GET: true }),
    set: (key, value, ms) => client.set(key, value, { expiration: { type: 'PX', value: ms } }),
    release,
  };
}

/**
 * `SET … NX GET` answers nil when it wrote (the claim is ours) and the key's value when it did not:
 * `done`, or another run's token. Our own token is ours too: ioredis re-sends a command whose
 * answer was lost when the connection dropped, and the second `SET` finds what the first one
 * wrote (tokens are random per run, so no other run holds it). Values may come as bytes (a
 * client's type mapping); any other reply is refused rather than read as a claim or a duplicate.
 */
function claimOutcome(reply: unknown, token: string): ClaimOutcome {
  if (reply === null || reply === undefined) return 'claimed';
  const value = replyText(reply);
  if (typeof value === 'string') return value === DONE ? 'done' : value === token ? 'claimed' : 'in_flight';
  return fail(
    'invalid_options',
    `redisStore: SET NX GET answered ${typeof reply}, expected a string or nil; is the client a redis or ioredis client?`,
  );
}
