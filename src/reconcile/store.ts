/**
 * What `acquire` found: the lease is now the caller's (with the version last handled for the
 * resource, if any), or another run holds it and the resource was marked dirty for that run.
 */
export type AcquireResult = { acquired: true; handled: number | undefined } | { acquired: false };

/**
 * What `settle` did: released the lease, kept it because the resource was marked dirty meanwhile
 * (the caller converges again; the mark is cleared), or found the lease no longer the caller's.
 */
export type SettleResult = 'released' | 'dirty' | 'lost';

/**
 * Where level-triggered handling keeps its per-resource state: a lease (one run at a time), a
 * dirty mark (a hint arrived while the lease was held), the last handled version, and the sweep's
 * baseline and mark. Every method is atomic for its resource; `acquire` and `settle` must each be
 * one step, or a hint arriving between a failed acquire and the holder's release would be lost.
 * `redisStateStore` and `memoryStateStore` implement it; write your own for another database.
 *
 * @example
 * ```ts
 * const store: StateStore = redisStateStore(redis, { prefix: 'myapp:reconcile:' });
 * const lease = await store.acquire('session:sesn_1', crypto.randomUUID(), 10_000);
 * ```
 */
export interface StateStore {
  /** How long handled versions are kept, in seconds; the sweep ignores changes older than this. */
  readonly retentionSeconds: number;
  /**
   * Takes the resource's lease for `leaseMs` if it is free or already `token`'s (clearing any
   * dirty mark, since the caller fetches after this) and returns the handled version; otherwise
   * marks the resource dirty.
   */
  acquire(key: string, token: string, leaseMs: number): Promise<AcquireResult>;
  /** Extends the lease while it is still `token`'s; false when it lapsed or another run took it. */
  renew(key: string, token: string, leaseMs: number): Promise<boolean>;
  /**
   * Records `version` as handled if it is greater than the stored one (when given), then, while
   * the lease is `token`'s: clears a dirty mark and keeps the lease (`dirty`), or releases it.
   */
  settle(key: string, token: string, version: number | undefined, leaseMs: number): Promise<SettleResult>;
  /** Drops the lease while it is still `token`'s, recording nothing (a failed run). */
  release(key: string, token: string): Promise<void>;
  /** The handled version of each key (undefined where none), for the sweep. */
  handled(keys: readonly string[]): Promise<Array<number | undefined>>;
  /** Stores `micros` as the sweep's baseline unless one is stored; returns the stored one. */
  baseline(micros: number): Promise<number>;
  /** The start of the last complete sweep (µs), or undefined before the first. */
  sweepMark(): Promise<number | undefined>;
  /** Records the start of a complete sweep (µs), if later than the stored one. */
  setSweepMark(micros: number): Promise<void>;
}

/** The version recorded for a resource that is gone: greater than any `updated_at`. */
export const GONE_VERSION: number = Number.MAX_SAFE_INTEGER;

/** Default for `retentionSeconds`: 7 days. */
export const DEFAULT_RETENTION_SECONDS = 604_800;
