/**
 * Where a guard keeps, per event id, either a claim (in flight, holding the claimant's random
 * token) or a "done" mark. Each method must be atomic for its key; `claim` is the one that must
 * never let two callers through. Implement it to keep ids elsewhere (a database, a KV store).
 *
 * @example
 * ```ts
 * const store: IdempotencyStore = {
 *   // 'claimed' when the key was free (now holding token), else 'done' or 'in_flight' by its value
 *   claim: async (key, token, ttlMs) => {
 *     const previous = await kv.putIfAbsent(key, token, ttlMs);
 *     return previous === undefined ? 'claimed' : previous === 'done' ? 'done' : 'in_flight';
 *   },
 *   complete: (key, ttlMs) => kv.put(key, 'done', ttlMs),
 *   release: (key, token) => kv.deleteIfEquals(key, token),
 * };
 * const guard = createIdempotencyGuard({ store });
 * ```
 */
export interface IdempotencyStore {
  /** Takes the key for `ttlMs` if nobody holds it; otherwise says whether it is done or in flight. */
  claim(key: string, token: string, ttlMs: number): Promise<ClaimOutcome>;
  /**
   * Marks the key done for `ttlMs`, whoever holds it: the event was processed, and that is what
   * later deliveries must see even if a retry took the claim after ours lapsed.
   */
  complete(key: string, ttlMs: number): Promise<void>;
  /**
   * Drops the claim only while it is still `token`'s, so a late owner never frees a claim it lost.
   * The guard also calls it after a `claim` that threw: that claim may have been stored anyway.
   */
  release(key: string, token: string): Promise<void>;
}

/**
 * What a claim found: the key was free and is now the caller's, the event is done, or another run
 * holds it. The last two differ for the sender: a done event is acknowledged, one in flight is not
 * yet (its run may still fail or crash), so the sender should retry it later.
 */
export type ClaimOutcome = 'claimed' | 'done' | 'in_flight';

/** The value stored for a finished event; a claim's value is its random token instead. */
export const DONE = 'done';
