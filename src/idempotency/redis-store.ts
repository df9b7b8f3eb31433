import { fail } from '../core/errors.js';
import { DONE, type IdempotencyStore } from './store.js';

/** The official `redis` client (v4–v6): raw commands through `sendCommand`. */
export interface NodeRedisLike {
  sendCommand(args: string[]): Promise<unknown>;
}

/** `ioredis` (v5–v6): raw commands through `call`. */
export interface IORedisLike {
  call(command: string, ...args: Array<string | number>): Promise<unknown>;
}

/** Options of `redisStore`. */
export interface RedisStoreOptions {
  /** Prepended to every event id to make its key; default `"maw:idempotency:"`. */
  prefix?: string;
}

// Compare-and-delete in one step on the server: only the claim's owner can drop it.
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * A store shared by every receiver connected to one Redis — for endpoints served by several
 * instances. Takes an official `redis` client or an `ioredis` client (neither is a dependency
 * of this package); the client must be connected.
 *
 * A claim is `SET key token NX PX lock`, done is `SET key done PX ttl`, and a release deletes the
 * key only while it still holds the caller's token (a Lua script), so a worker that outlived its
 * lock never frees the claim another worker took over.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const guard = createIdempotencyGuard({ store: redisStore(redis, { prefix: 'webhooks:' }) });
 * ```
 */
export function redisStore(client: NodeRedisLike | IORedisLike, options: RedisStoreOptions = {}): IdempotencyStore {
  const prefix = options.prefix ?? 'maw:idempotency:';
  const command = commandRunner(client);
  return {
    async claim(key, token, ttlMs) {
      return (await command('SET', prefix + key, token, 'NX', 'PX', String(Math.ceil(ttlMs)))) === 'OK';
    },
    async complete(key, ttlMs) {
      await command('SET', prefix + key, DONE, 'PX', String(Math.ceil(ttlMs)));
    },
    async release(key, token) {
      await command('EVAL', RELEASE, '1', prefix + key, token);
    },
  };
}

type Command = (name: string, ...args: string[]) => Promise<unknown>;

function commandRunner(client: NodeRedisLike | IORedisLike): Command {
  // ioredis has `call`; the official client has `sendCommand` (ioredis also has one, with
  // another signature, so `call` is checked first).
  if (typeof (client as IORedisLike).call === 'function') {
    const io = client as IORedisLike;
    return (name, ...args) => io.call(name, ...args);
  }
  if (typeof (client as NodeRedisLike).sendCommand === 'function') {
    const nodeRedis = client as NodeRedisLike;
    return (name, ...args) => nodeRedis.sendCommand([name, ...args]);
  }
  return fail('invalid_options', 'redisStore needs a connected client from the `redis` or `ioredis` package.');
}
