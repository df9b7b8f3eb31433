/**
 * Where a guard keeps, per event id, either a claim (in flight, with the claimant's token) or a
 * "done" mark. Every method is atomic for its key; `claim` is the one that must never let two
 * callers through.
 */
export interface IdempotencyStore {
  /** Takes the key for `ttlMs` if nobody holds it; `false` when it is claimed or done. */
  claim(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Marks the key done for `ttlMs`, whoever holds it (the event was processed). */
  complete(key: string, ttlMs: number): Promise<void>;
  /** Drops the claim only while it is still `token`'s, so a late owner never frees a claim it lost. */
  release(key: string, token: string): Promise<void>;
}

/** The value stored for a finished event; a claim's value is its random token instead. */
export const DONE = 'done';
