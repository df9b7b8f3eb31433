import { checkOptions } from '../core/errors.js';
import { clockOption, durationOption, type Clock } from '../core/options.js';
import { DEFAULT_RETENTION_SECONDS, type StateStore } from './store.js';

/** Options of `memoryStateStore`. */
export interface MemoryStateStoreOptions {
  /** How long a handled version is kept after its last write, in seconds; default 604,800 (7 days). */
  retentionSeconds?: number;
  /** The clock, for tests: a `Date`, milliseconds since the epoch, or a function giving either; default `Date.now`. */
  now?: Clock;
}

interface Entry {
  lease?: { token: string; until: number };
  dirtyUntil?: number;
  handled?: { version: number; until: number };
}

/**
 * The state of level-triggered handling in this process's memory: for one worker process (its
 * `concurrency` included), tests and the demo. The guarantees hold within the process only, and
 * end with it; several processes need `redisStateStore`. Expired entries are dropped as they are
 * met and by a scan every 1,000 writes, so memory stays bounded by what changed within
 * `retentionSeconds`.
 *
 * @example
 * ```ts
 * const handlers = levelTriggered({ client, store: memoryStateStore(), session: async (s) => sync(s) });
 * const worker = createEventWorker({ connection, handlers, concurrency: 8 });
 * ```
 */
export function memoryStateStore(options: MemoryStateStoreOptions = {}): StateStore {
  checkOptions(options, 'memoryStateStore: options', '{ retentionSeconds: 86400 }');
  const retentionSeconds = durationOption(options.retentionSeconds, 'memoryStateStore: retentionSeconds', {
    unit: 's',
    fallback: DEFAULT_RETENTION_SECONDS,
    kind: 'bound',
  });
  const now = clockOption(options.now, 'memoryStateStore: now');
  const entries = new Map<string, Entry>();
  let baseline: number | undefined;
  let mark: number | undefined;
  let writes = 0;

  const live = (key: string): Entry => {
    const at = now();
    let entry = entries.get(key);
    if (entry === undefined) {
      entry = {};
      entries.set(key, entry);
    }
    if (entry.lease !== undefined && entry.lease.until <= at) delete entry.lease;
    if (entry.dirtyUntil !== undefined && entry.dirtyUntil <= at) delete entry.dirtyUntil;
    if (entry.handled !== undefined && entry.handled.until <= at) delete entry.handled;
    if (++writes % 1_000 === 0) sweepExpired(at);
    return entry;
  };
  const sweepExpired = (at: number): void => {
    for (const [key, entry] of entries) {
      const expired =
        (entry.lease === undefined || entry.lease.until <= at) &&
        (entry.dirtyUntil === undefined || entry.dirtyUntil <= at) &&
        (entry.handled === undefined || entry.handled.until <= at);
      if (expired) entries.delete(key);
    }
  };
  const retentionMs = retentionSeconds * 1000;

  return {
    retentionSeconds,
    async acquire(key, token, leaseMs) {
      const entry = live(key);
      if (entry.lease !== undefined && entry.lease.token !== token) {
        entry.dirtyUntil = now() + retentionMs;
        return { acquired: false };
      }
      entry.lease = { token, until: now() + leaseMs };
      delete entry.dirtyUntil;
      return { acquired: true, handled: entry.handled?.version };
    },
    async renew(key, token, leaseMs) {
      const entry = live(key);
      if (entry.lease?.token !== token) return false;
      entry.lease.until = now() + leaseMs;
      return true;
    },
    async settle(key, token, version, leaseMs) {
      const entry = live(key);
      if (version !== undefined && (entry.handled === undefined || entry.handled.version < version)) {
        entry.handled = { version, until: now() + retentionMs };
      }
      if (entry.lease?.token !== token) return 'lost';
      if (entry.dirtyUntil !== undefined) {
        delete entry.dirtyUntil;
        entry.lease.until = now() + leaseMs;
        return 'dirty';
      }
      delete entry.lease;
      return 'released';
    },
    async release(key, token) {
      const entry = live(key);
      if (entry.lease?.token === token) delete entry.lease;
    },
    // Reads only: the sweep asks about every listed resource, and must not create an entry for each.
    handled: async (keys) =>
      keys.map((key) => {
        const handled = entries.get(key)?.handled;
        return handled !== undefined && handled.until > now() ? handled.version : undefined;
      }),
    async baseline(micros) {
      baseline ??= micros;
      return baseline;
    },
    sweepMark: async () => mark,
    async setSweepMark(micros) {
      if (mark === undefined || mark < micros) mark = micros;
    },
  };
}
