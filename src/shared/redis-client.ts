import { fail } from '../core/errors.js';

/**
 * The official `redis` package (5.x, 6.x): what `createClient`, `createCluster`,
 * `createClientPool` and `createSentinel` return. Only the two typed commands used are named.
 */
export interface NodeRedisLike {
  /** `SET key value PX ms [NX] [GET]`, in node-redis's options form. */
  set(
    key: string,
    value: string,
    options: { expiration: { type: 'PX'; value: number }; condition?: 'NX'; GET?: true },
  ): Promise<unknown>;
  /** `EVAL script` with its keys and arguments, in node-redis's options form. */
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** `ioredis` (5.x, 6.x): a `Redis` or a `Cluster`. `call` is how it is told apart from `redis`. */
export interface IORedisLike {
  /** Any command by name; only its presence is used, to tell ioredis from node-redis. */
  call(command: string, ...args: Array<string | number>): Promise<unknown>;
  /** `SET key value PX ms NX GET`: the claim. */
  set(key: string, value: string, px: 'PX', milliseconds: number, nx: 'NX', get: 'GET'): Promise<unknown>;
  /** `SET key value PX ms`: marking an event done. */
  set(key: string, value: string, px: 'PX', milliseconds: number): Promise<unknown>;
  /** `EVAL script numKeys key… arg…`: the compare-and-delete release. */
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
}

/** `EVAL script` with its keys and arguments, whichever client carries it. */
export type RedisEval = (script: string, keys: string[], args: string[]) => Promise<unknown>;

/**
 * ioredis has `call` (for commands it does not know); no shape of the `redis` client has one.
 *
 * @example
 * ```ts
 * const claim = isIORedis(client) ? client.set(key, token, 'PX', ms, 'NX', 'GET') : client.set(key, token, options);
 * ```
 */
export function isIORedis(client: NodeRedisLike | IORedisLike): client is IORedisLike {
  return typeof (client as Partial<IORedisLike> | null)?.call === 'function';
}

/**
 * `EVAL` in the client's own form; refuses, with `invalid_options` naming `where`, anything that
 * is not a `redis` or `ioredis` client.
 *
 * @example
 * ```ts
 * const run = redisEval(client, 'redisStateStore');
 * await run("return redis.call('get', KEYS[1])", ['maw:reconcile:sweep:mark'], []);
 * ```
 */
export function redisEval(client: NodeRedisLike | IORedisLike, where: string): RedisEval {
  if (typeof client !== 'object' || client === null || typeof client.eval !== 'function') notARedisClient(where);
  if (isIORedis(client)) return (script, keys, args) => client.eval(script, keys.length, ...keys, ...args);
  return (script, keys, args) => client.eval(script, { keys, arguments: args });
}

/**
 * The refusal of a client that is neither `redis` nor `ioredis`.
 *
 * @example
 * ```ts
 * if (typeof client.set !== 'function') notARedisClient('redisStore');
 * ```
 */
export function notARedisClient(where: string): never {
  return fail(
    'invalid_options',
    `${where} needs a client from the \`redis\` package (createClient) or from \`ioredis\` (new Redis).`,
  );
}

/**
 * The key prefix option: a string, or `fallback` when left out.
 *
 * @example
 * ```ts
 * const prefix = prefixOption(options.prefix, 'redisStore', 'maw:idempotency:');
 * ```
 */
export function prefixOption(prefix: unknown, where: string, fallback: string): string {
  if (prefix === undefined) return fallback;
  if (typeof prefix !== 'string') {
    fail('invalid_options', `${where}: prefix must be a string; leave it out for "${fallback}".`);
  }
  return prefix;
}

/**
 * A reply as text where it came as bytes (a client's type mapping); anything else as it is.
 *
 * @example
 * ```ts
 * replyText(new TextEncoder().encode('done')); // 'done'
 * ```
 */
export function replyText(reply: unknown): unknown {
  return reply instanceof Uint8Array ? new TextDecoder().decode(reply) : reply;
}

/**
 * A duration as `PX` takes it: whole milliseconds, at least 1.
 *
 * @example
 * ```ts
 * wholeMs(0.2); // 1
 * ```
 */
export function wholeMs(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}
