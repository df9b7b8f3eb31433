import { fail } from '../core/errors.js';
import { DONE, type IdempotencyStore } from './store.js';

/** Options of `memoryStore`. */
export interface MemoryStoreOptions {
  /** The most ids kept; default 100,000. When full, expired entries go first, then the oldest. */
  maxEntries?: number;
  /** The clock in milliseconds since the epoch, for tests; default `Date.now`. */
  now?: () => number;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * The default store for one process: a bounded `Map` whose entries expire by TTL. Expiry is
 * computed from the clock when an entry is read, so no timer keeps the process alive.
 *
 * When full, it first drops every expired entry, then the oldest ones — the least recently
 * written, normally events finished long ago. Evicting an id that is still within its TTL lets
 * a late re-delivery of it run again, so size `maxEntries` above the events you receive in
 * `ttlSeconds`. With several instances, use `redisStore` so they share one record.
 *
 * @example
 * ```ts
 * const guard = createIdempotencyGuard({ store: memoryStore({ maxEntries: 10_000 }) });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): IdempotencyStore {
  const maxEntries = options.maxEntries ?? 100_000;
  if (typeof maxEntries !== 'number' || !Number.isInteger(maxEntries) || maxEntries < 1) {
    fail('invalid_options', `memoryStore: maxEntries must be a whole number >= 1; got ${String(maxEntries)}.`);
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') fail('invalid_options', 'memoryStore: now must be a function returning milliseconds.');
  // Map keeps insertion order, and every write re-inserts: the first key is the oldest write.
  const entries = new Map<string, Entry>();
  // No entry expires before this, so a full store only sweeps when a sweep can free something;
  // otherwise every write to a full store would scan all of it.
  let nextExpiry = Infinity;

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry !== undefined && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  const makeRoom = (t: number): void => {
    if (t >= nextExpiry) {
      nextExpiry = Infinity;
      for (const [key, entry] of entries) {
        if (entry.expiresAt <= t) entries.delete(key);
        else if (entry.expiresAt < nextExpiry) nextExpiry = entry.expiresAt;
      }
    }
    for (const key of entries.keys()) {
      if (entries.size < maxEntries) break;
      entries.delete(key);
    }
  };

  const put = (key: string, value: string, ttlMs: number): void => {
    const t = now();
    entries.delete(key);
    if (entries.size >= maxEntries) makeRoom(t);
    const expiresAt = t + ttlMs;
    entries.set(key, { value, expiresAt });
    if (expiresAt < nextExpiry) nextExpiry = expiresAt;
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
      if (live(key)?.value === token) entries.delete(key);
    },
  };
}
