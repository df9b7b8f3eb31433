import { fail } from '../core/errors.js';
import { DONE, type IdempotencyStore } from './store.js';

/** Options of `memoryStore`. */
export interface MemoryStoreOptions {
  /** The most ids kept; default 100,000. When full, expired entries go first, then the oldest. */
  maxEntries?: number;
  /** The clock in milliseconds, for tests; default `Date.now`. */
  now?: () => number;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * The default store for one process: a bounded `Map` whose entries expire by TTL. Expiry is
 * checked when an entry is read, so no timer keeps the process alive.
 *
 * When full it first drops expired entries, then the oldest ones (insertion order) — normally
 * events finished long ago. With several instances, use `redisStore` so they share one record.
 *
 * @example
 * ```ts
 * const guard = createIdempotencyGuard({ store: memoryStore({ maxEntries: 10_000 }) });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): IdempotencyStore {
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    fail('invalid_options', `memoryStore: maxEntries must be a whole number >= 1; got ${String(maxEntries)}.`);
  }
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry !== undefined && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  const put = (key: string, value: string, ttlMs: number): void => {
    // Re-inserting moves the key to the end, so insertion order stays oldest-first.
    entries.delete(key);
    if (entries.size >= maxEntries) makeRoom();
    entries.set(key, { value, expiresAt: now() + ttlMs });
  };

  const makeRoom = (): void => {
    const t = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= t) entries.delete(key);
    for (const key of entries.keys()) {
      if (entries.size < maxEntries) break;
      entries.delete(key);
    }
  };

  return {
    // Each method finishes its read-and-write without awaiting, which makes it atomic in JS.
    async claim(key, token, ttlMs) {
      if (live(key) !== undefined) return false;
      put(key, token, ttlMs);
      return true;
    },
    async complete(key, ttlMs) {
      put(key, DONE, ttlMs);
    },
    async release(key, token) {
      if (live(key)?.value === token) entries.delete(key);
    },
  };
}
