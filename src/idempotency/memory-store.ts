import { checkOptions, fail } from '../core/errors.js';
import { clockOption, type Clock } from '../core/options.js';
import { DONE, type IdempotencyStore } from './store.js';

/** Options of `memoryStore`. */
export interface MemoryStoreOptions {
  /** The most ids kept; default 100,000. When full, an expired entry goes first, then the oldest. */
  maxEntries?: number;
  /**
   * The clock, for tests: a `Date`, milliseconds since the epoch, or a function giving either (the
   * same as `verify`'s `now`); default `Date.now`. A `Date` or number stands still.
   */
  now?: Clock;
}

interface Entry {
  readonly key: string;
  readonly value: string;
  readonly expiresAt: number;
  /** Write order across the whole store: the smallest live one is the oldest write. */
  readonly seq: number;
  /** Set when the entry is overwritten or deleted: its queue item is then stale, known without a lookup. */
  dead: boolean;
}

/**
 * Entries written with one TTL, oldest first. With one TTL, write order is expiry order, so the
 * head is both the oldest write and the first to expire. An entry rewritten or deleted since stays
 * behind as a stale item, skipped when it reaches the head and dropped by compaction.
 */
interface Queue {
  readonly ttlMs: number;
  items: Entry[];
  head: number;
}

// The guard writes with two TTLs (lockSeconds and retentionSeconds); a store used directly with many
// different ones shares the last queue, where only the head is checked for expiry.
const MAX_QUEUES = 8;

/**
 * The default store for one process: a bounded `Map` whose entries expire by TTL. Expiry is
 * computed from the clock when an entry is read, so no timer keeps the process alive.
 *
 * When full, a write first drops an expired entry, else the oldest one — the least recently
 * written, normally an event finished long ago — in constant time (amortized), however full the
 * store. Evicting an id that is still within its TTL lets a late re-delivery of it run again, so
 * size `maxEntries` above the events you receive in `retentionSeconds`. With several instances, use
 * `redisStore` so they share one record.
 *
 * @example
 * ```ts
 * const guard = createIdempotencyGuard({ store: memoryStore({ maxEntries: 10_000 }) });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): IdempotencyStore {
  checkOptions(options, 'memoryStore: options', '{ maxEntries: 10_000 }');
  const maxEntries = options.maxEntries ?? 100_000;
  if (typeof maxEntries !== 'number' || !Number.isInteger(maxEntries) || maxEntries < 1) {
    fail('invalid_options', `memoryStore: maxEntries must be a whole number >= 1; got ${String(maxEntries)}.`);
  }
  const now = clockOption(options.now, 'memoryStore: now');
  const entries = new Map<string, Entry>();
  // An array, not a Map: eviction walks it on every write to a full store, without allocating.
  let queues: Queue[] = [];
  let queued = 0;
  let seq = 0;

  const isLive = (item: Entry): boolean => !item.dead;

  const remove = (entry: Entry): void => {
    entry.dead = true;
    entries.delete(entry.key);
  };

  /** The queue's oldest live entry, dropping stale items on the way; each item is passed once. */
  const headOf = (queue: Queue): Entry | undefined => {
    while (queue.head < queue.items.length) {
      const item = queue.items[queue.head] as Entry;
      if (isLive(item)) return item;
      queue.head++;
      queued--;
      // Drop the passed prefix once it is most of the array, so the array does not grow forever.
      if (queue.head > 1024 && queue.head * 2 > queue.items.length) {
        queue.items = queue.items.slice(queue.head);
        queue.head = 0;
      }
    }
    return undefined;
  };

  const evictOne = (t: number): void => {
    let oldest: Entry | undefined;
    let emptied = false;
    for (const queue of queues) {
      const head = headOf(queue);
      if (head === undefined) {
        emptied = true;
        continue;
      }
      if (head.expiresAt <= t) {
        oldest = head;
        break;
      }
      if (oldest === undefined || head.seq < oldest.seq) oldest = head;
    }
    if (emptied) queues = queues.filter((queue) => queue.head < queue.items.length);
    if (oldest !== undefined) remove(oldest);
  };

  /**
   * Drops stale items once they outnumber live ones: each compaction costs the queue's length,
   * after at least as many writes, so a write stays O(1) amortized and memory stays bounded.
   */
  const compact = (): void => {
    queued = 0;
    for (const queue of queues) {
      queue.items = queue.items.slice(queue.head).filter(isLive);
      queue.head = 0;
      queued += queue.items.length;
    }
    queues = queues.filter((queue) => queue.items.length > 0);
  };

  const queueFor = (ttlMs: number): Queue => {
    for (const queue of queues) if (queue.ttlMs === ttlMs) return queue;
    if (queues.length >= MAX_QUEUES) return queues[queues.length - 1] as Queue;
    const queue: Queue = { ttlMs, items: [], head: 0 };
    queues.push(queue);
    return queue;
  };

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry !== undefined && entry.expiresAt <= now()) {
      remove(entry);
      return undefined;
    }
    return entry;
  };

  const put = (key: string, value: string, ttlMs: number): void => {
    const t = now();
    const previous = entries.get(key);
    // Overwritten in place: the Map's own order no longer matters, the queues keep it.
    if (previous !== undefined) previous.dead = true;
    else if (entries.size >= maxEntries) evictOne(t);
    const entry: Entry = { key, value, expiresAt: t + ttlMs, seq: seq++, dead: false };
    entries.set(key, entry);
    queueFor(ttlMs).items.push(entry);
    if (++queued > 2 * entries.size + 1024) compact();
  };

  return {
    // Each method reads and writes without an await in between, which makes it atomic in JS.
    async claim(key, token, ttlMs) {
      const held = live(key);
      if (held !== undefined) return held.value === DONE ? 'done' : 'in_flight';
      put(key, token, ttlMs);
      return 'claimed';
    },
    async complete(key, ttlMs) {
      put(key, DONE, ttlMs);
    },
    async release(key, token) {
      const entry = live(key);
      if (entry?.value === token) remove(entry);
    },
  };
}
