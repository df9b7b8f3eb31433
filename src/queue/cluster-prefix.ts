import { fail } from '../core/errors.js';

/** What BullMQ puts before its own suffixes in every key of a queue: `prefix:name:`. */
function keyStart(prefix: string, name: string): string {
  return `${prefix}:${name}:`;
}

/**
 * Whether every key of the queue hashes to one Cluster slot: Redis hashes only the part between
 * the first `{` and the next `}` when that part is not empty, and BullMQ's Lua scripts touch
 * several keys of a queue at once, which a Cluster refuses (CROSSSLOT) across slots.
 */
function oneSlot(prefix: string, name: string): boolean {
  const start = keyStart(prefix, name);
  const open = start.indexOf('{');
  if (open === -1) return false;
  const close = start.indexOf('}', open + 1);
  return close > open + 1;
}

/** An ioredis `Cluster` (`isCluster: true`, as BullMQ tests it) or a node-redis cluster. */
function isCluster(connection: unknown): 'ioredis' | 'node-redis' | undefined {
  if (typeof connection !== 'object' || connection === null) return undefined;
  if ((connection as { isCluster?: unknown }).isCluster === true) return 'ioredis';
  const shape = connection as { getSlotMaster?: unknown; nodeClient?: unknown };
  return typeof shape.getSlotMaster === 'function' && typeof shape.nodeClient === 'function' ? 'node-redis' : undefined;
}

/**
 * Refuses, with `invalid_options`, a Cluster connection BullMQ cannot use: a node-redis cluster
 * (BullMQ drives clusters through ioredis only), or a prefix and name without a hash tag.
 *
 * @example
 * ```ts
 * clusterPrefixCheck('createEventQueue', new Cluster(nodes), '{maw}', 'managed-agents-webhooks'); // passes
 * ```
 */
export function clusterPrefixCheck(what: string, connection: unknown, prefix: string, name: string): void {
  const cluster = isCluster(connection);
  if (cluster === undefined) return;
  if (cluster === 'node-redis') {
    fail(
      'invalid_options',
      `${what}: BullMQ runs on a Redis Cluster through ioredis only; pass new Cluster(nodes) from ioredis as connection, with a hash-tagged prefix such as '{maw}'.`,
    );
  }
  if (!oneSlot(prefix, name)) {
    fail(
      'invalid_options',
      `${what}: on a Redis Cluster the prefix needs a hash tag, e.g. prefix: '{maw}', so that every key of the queue falls in one slot (BullMQ otherwise fails with CROSSSLOT errors); got prefix '${prefix}' and name '${name}'. Queue and worker must use the same prefix.`,
    );
  }
}
