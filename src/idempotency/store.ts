/**
 * Where a guard keeps, per event id, either a claim (in flight, holding the claimant's random
 * token) or a "done" mark. Each method must be atomic for its key; `claim` is the one that must
 * never let two callers through. Implement it to keep ids elsewhere (a database, a KV store).
 *
 * @example
 * ```ts
 * const store: IdempotencyStore = {
 *   claim: (key, token, ttlMs) => kv.putIfAbsent(key, token, ttlMs),
 *   complete: (key, ttlMs) => kv.put(key, 'done', ttlMs),
 *   release: (key, token) => kv.deleteIfEquals(key, token),
 * };
 * const guard = createIdempotencyGuard({ store });
 * ```
 */
export interface IdempotencyStore {
  /** Takes the key for `ttlMs` if nobody holds it; `false` when it is claimed or done. */
  claim(key: string, token: string, ttlMs: number): Promise<boolean>;
  /**
   * Marks the key done for `ttlMs`, whoever holds it: the event was processed, and that is what
   * later deliveries must see even if a retry took the claim after ours lapsed.
   */
  complete(key: string, ttlMs: number): Promise<void>;
  /** Drops the claim only while it is still `token`'s, so a late owner never frees a claim it lost. */
  release(key: string, token: string): Promise<void>;
}

/** The value stored for a finished event; a claim's value is its random token instead. */
export const DONE = 'done';
