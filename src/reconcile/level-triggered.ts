import type { BetaManagedAgentsSession } from '@anthropic-ai/sdk/resources/beta';
import type { BetaManagedAgentsSessionThread } from '@anthropic-ai/sdk/resources/beta/sessions';
import { checkOptions, fail } from '../core/errors.js';
import { durationOption } from '../core/options.js';
import type { UnknownWebhookEvent } from '../events/dispatch.js';
import type { WebhookEvent, WebhookEventOf } from '../events/types.js';
import type { HandlerContext } from '../queue/event-worker.js';
import { fetchResource, type FetchResourceOptions, type ResourceClient } from '../resources/index.js';
import { EVENT_RESOURCES } from '../resources/table.js';
import { randomToken } from '../shared/token.js';
import {
  isSweepHint,
  resourceKey,
  SESSION_EVENT_TYPES,
  SESSION_GONE_EVENT_TYPES,
  THREAD_EVENT_TYPES,
  type SessionEventType,
  type SessionGoneEventType,
  type ThreadEventType,
} from './hint.js';
import { GONE_VERSION, type StateStore } from './store.js';
import { resourceVersion } from './version.js';

/** What a level-triggered handler gets besides the resource. */
export interface LevelContext {
  /** The hint that led to this run: a webhook event, or a sweep hint (see `fromSweep`). */
  event: WebhookEvent | UnknownWebhookEvent;
  /** The version being handled: the resource's `updated_at` in microseconds (`resourceVersion`). */
  version: number;
  /**
   * Aborted when the worker's attempt is (its `handlerTimeoutMs`, a cancel) or when this run lost
   * its lease (its process stalled longer than `leaseMs`): stop work then, another run may start.
   */
  signal: AbortSignal;
  /** Whether the hint came from the sweep rather than from Anthropic. */
  fromSweep: boolean;
  /** The worker's BullMQ job, when run by `createEventWorker`. */
  job?: HandlerContext['job'];
}

/** A resource that no longer exists: the session or thread's ids. */
export type GoneResourceRef =
  { kind: 'session'; id: string } | { kind: 'session_thread'; id: string; session_id: string };

/** What the `gone` handler gets besides the ids: as {@link LevelContext}, without a version. */
export type GoneContext = Omit<LevelContext, 'version'>;

/** Options of `levelTriggered`. */
export interface LevelTriggeredOptions {
  /** An `@anthropic-ai/sdk` client (`new Anthropic()`): the current state is retrieved with it. */
  client: ResourceClient;
  /** Where leases, dirty marks and handled versions live: `redisStateStore` or `memoryStateStore`. */
  store: StateStore;
  /**
   * Acts on a session's current state. Runs at most once at a time per session, at most once
   * successfully per `updated_at`, and never for an `updated_at` older than one already handled.
   * Throwing fails the job (BullMQ retries it); nothing is recorded, so the retry runs it again.
   */
  session?: (session: BetaManagedAgentsSession, context: LevelContext) => unknown;
  /** The same for a session thread, keyed by session and thread id. */
  thread?: (thread: BetaManagedAgentsSessionThread, context: LevelContext) => unknown;
  /**
   * Called when a session or thread is gone: a `session.deleted` event (then once: the session is
   * recorded as gone and later hints are skipped without a request), or a retrieval answering 404
   * (nothing recorded: a 404 may come from a wrong workspace, so it may run again).
   */
  gone?: (resource: GoneResourceRef, context: GoneContext) => unknown;
  /**
   * How long a run holds a resource's lease, in milliseconds; default 10,000, renewed every third
   * of it while the run lasts. A crashed process's lease lapses after it. Keep it below BullMQ's
   * `lockDuration` and `stalledInterval` (30,000 by default): the stalled job's re-run then finds
   * the lease free.
   */
  leaseMs?: number;
  /**
   * How many times one job converges when hints keep arriving while it runs; default 5. Each
   * round re-fetches the resource; past the last, the job fails and BullMQ retries it later.
   */
  maxRounds?: number;
  /** Per-request options for the retrievals (`timeout`, `maxRetries`, …); the signal is set per run. */
  fetchOptions?: Omit<FetchResourceOptions, 'signal'>;
}

/** A handler of the map `levelTriggered` returns: the worker's shape, context optional (`dispatch`). */
type Hint<T extends SessionEventType | ThreadEventType | SessionGoneEventType> = (
  event: WebhookEventOf<T>,
  context?: Partial<HandlerContext>,
) => Promise<void>;

/**
 * The handler map `levelTriggered` returns: one entry per `session.*` event type (for `session`
 * or `gone`) and per `session.thread_*` type (for `thread`), for `createEventWorker` or `dispatch`.
 */
export type LevelTriggeredHandlers = {
  [T in SessionEventType | ThreadEventType | SessionGoneEventType]?: Hint<T>;
};

const DEFAULT_LEASE_MS = 10_000;
const DEFAULT_MAX_ROUNDS = 5;

/**
 * Level-triggered handling, as a Kubernetes controller does it: an event only says *which*
 * session or thread to look at. Each job takes a per-resource lease in the store, retrieves the
 * resource with `fetchResource`, and runs your handler on the current state — unless its
 * `updated_at` is not newer than the version already handled, in which case nothing runs. On
 * success the version is recorded (set-if-greater, atomically); on failure nothing is, and the
 * error goes to BullMQ, which retries. A job finding the lease held marks the resource dirty and
 * completes: the holder re-fetches before it lets go. So, across every worker process sharing the
 * store: at most one run at a time per resource; at most one successful run per (resource,
 * version); never a run for a version older than one handled; duplicated, reordered and sweep
 * hints cost a retrieval at most.
 *
 * Returns a handler map covering every `session.*` type (`session` and `gone`) and every
 * `session.thread_*` type (`thread`), derived from `EVENT_RESOURCES`; spread your own handlers
 * for other types beside it. Bad options throw `WebhookVerificationError` (`invalid_options`).
 *
 * @example
 * ```ts
 * import Anthropic from '@anthropic-ai/sdk';
 * import { Redis } from 'ioredis';
 * import { createEventWorker } from 'managed-agents-webhooks/queue';
 * import { levelTriggered, redisStateStore } from 'managed-agents-webhooks/reconcile';
 *
 * const worker = createEventWorker({
 *   connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
 *   concurrency: 8,
 *   handlers: levelTriggered({
 *     client: new Anthropic(),
 *     store: redisStateStore(new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')),
 *     session: async (session, { signal }) => {
 *       if (session.status === 'idle') await notifyReviewer(session.id, { signal });
 *     },
 *   }),
 * });
 * ```
 */
export function levelTriggered(options: LevelTriggeredOptions): LevelTriggeredHandlers {
  checkOptions(options, 'levelTriggered: options', '{ client, store, session: async (session) => … }');
  const { client, store, session, thread, gone } = options;
  if (typeof client !== 'object' || client === null) {
    fail('invalid_options', 'levelTriggered needs { client }: an @anthropic-ai/sdk client (new Anthropic()).');
  }
  if (typeof store !== 'object' || store === null || typeof store.acquire !== 'function') {
    fail('invalid_options', 'levelTriggered needs { store }: redisStateStore(redis) or memoryStateStore().');
  }
  for (const [name, handler] of [
    ['session', session],
    ['thread', thread],
    ['gone', gone],
  ] as const) {
    if (handler !== undefined && typeof handler !== 'function') {
      fail('invalid_options', `levelTriggered: ${name} must be a function (async (resource, context) => …).`);
    }
  }
  if (session === undefined && thread === undefined && gone === undefined) {
    fail('invalid_options', 'levelTriggered needs at least one of { session, thread, gone }.');
  }
  const leaseMs = durationOption(options.leaseMs, 'levelTriggered: leaseMs', {
    unit: 'ms',
    fallback: DEFAULT_LEASE_MS,
    kind: 'bound',
  });
  const maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS;
  if (!Number.isInteger(maxRounds) || maxRounds < 1 || maxRounds > 1_000) {
    fail(
      'invalid_options',
      `levelTriggered: maxRounds must be a whole number from 1 to 1,000; got ${String(maxRounds)}. Leave it out for 5.`,
    );
  }
  const run = converger({ ...options, leaseMs, maxRounds });
  const handlers: Record<string, Hint<never>> = {};
  const route = (types: readonly string[]): void => {
    for (const type of types) handlers[type] = (event, context) => run(event, context);
  };
  if (session !== undefined || gone !== undefined) route([...SESSION_EVENT_TYPES, ...SESSION_GONE_EVENT_TYPES]);
  if (thread !== undefined || gone !== undefined) route(THREAD_EVENT_TYPES);
  return handlers as LevelTriggeredHandlers;
}

type Settings = LevelTriggeredOptions & { leaseMs: number; maxRounds: number };

/** One job: take the lease, converge until no hint came meanwhile, let go. */
function converger(settings: Settings) {
  const { store, leaseMs, maxRounds } = settings;
  return async (event: WebhookEvent | UnknownWebhookEvent, context: Partial<HandlerContext> = {}): Promise<void> => {
    const key = resourceKey(event);
    if (key === undefined)
      throw new TypeError(`levelTriggered: ${event.data.type} event ${event.id} has no session or thread id.`);
    // The one place a job is recognized as the sweep's: a span or counter for reconciled hints goes here.
    const fromSweep = isSweepHint(event);
    // The job's id, so a retry of this job (after a failure to record, say) takes back a lease
    // its earlier attempt left behind instead of waiting for it to lapse; two jobs never share one.
    const token = context.job?.id === undefined ? randomToken() : `job:${context.job.id}`;
    const first = await store.acquire(key, token, leaseMs);
    if (!first.acquired) return; // marked dirty: the holder converges again before letting go
    let handled = first.handled;
    const lease = keepLease(store, key, token, leaseMs, context.signal);
    try {
      for (let round = 1; ; round++) {
        let version: number | undefined;
        try {
          version = await once(settings, event, handled, { event, fromSweep, signal: lease.signal, ...job(context) });
        } catch (error) {
          await store.release(key, token).catch(() => {});
          throw error;
        }
        handled = newest(handled, version);
        const outcome = await store.settle(key, token, version, leaseMs);
        if (outcome === 'released') return;
        if (outcome === 'lost') {
          // Our lease lapsed while we ran: take it again (or mark the new holder's dirty), so a
          // hint that came meanwhile is not left with nobody to look at it.
          const again = await store.acquire(key, token, leaseMs);
          if (!again.acquired) return;
          handled = newest(handled, again.handled);
        }
        if (round >= maxRounds) {
          await store.release(key, token).catch(() => {});
          throw new Error(
            `levelTriggered: ${key} kept changing during ${maxRounds} rounds (maxRounds); the job fails and BullMQ retries it after its backoff, which converges again.`,
          );
        }
      }
    } finally {
      lease.stop();
    }
  };
}

/** One look at the resource: the version it recorded as handled, or undefined (skipped, failed-free 404). */
async function once(
  settings: Settings,
  event: WebhookEvent | UnknownWebhookEvent,
  handled: number | undefined,
  context: Omit<LevelContext, 'version'>,
): Promise<number | undefined> {
  if (handled === GONE_VERSION) return undefined;
  const isThread = EVENT_RESOURCES[event.data.type as keyof typeof EVENT_RESOURCES] === 'session_thread';
  const ref = goneRef(event, isThread);
  if (EVENT_RESOURCES[event.data.type as keyof typeof EVENT_RESOURCES] === 'gone') {
    await settings.gone?.(ref, context);
    return GONE_VERSION;
  }
  const handler = isThread ? settings.thread : settings.session;
  const result = await fetchResource(settings.client, event, { ...settings.fetchOptions, signal: context.signal });
  if (result.status === 'gone') {
    await settings.gone?.(ref, context);
    return undefined;
  }
  if (result.status !== 'found' || handler === undefined) return undefined;
  const resource = result.resource as BetaManagedAgentsSession | BetaManagedAgentsSessionThread;
  const version = resourceVersion(resource.updated_at);
  if (handled !== undefined && handled >= version) return undefined;
  await (handler as (resource: unknown, context: LevelContext) => unknown)(resource, { ...context, version });
  return version;
}

function goneRef(event: WebhookEvent | UnknownWebhookEvent, isThread: boolean): GoneResourceRef {
  const data = event.data as { id: string; session_thread_id?: string };
  return isThread
    ? { kind: 'session_thread', id: data.session_thread_id ?? '', session_id: data.id }
    : { kind: 'session', id: data.id };
}

function job(context: Partial<HandlerContext>): { job?: HandlerContext['job'] } {
  return context.job === undefined ? {} : { job: context.job };
}

/** Renews the lease every third of `leaseMs`; its signal aborts when the lease is lost or `outer` aborts. */
function keepLease(
  store: StateStore,
  key: string,
  token: string,
  leaseMs: number,
  outer: AbortSignal | undefined,
): { signal: AbortSignal; stop(): void } {
  const lost = new AbortController();
  const timer = setInterval(
    () => {
      store.renew(key, token, leaseMs).then(
        (held) => {
          if (!held)
            lost.abort(
              new Error(
                `levelTriggered: the lease on ${key} lapsed (leaseMs ${leaseMs}); another run may have started.`,
              ),
            );
        },
        () => {}, // Redis unreachable: the lease lapses on its own if this lasts; nothing to do here.
      );
    },
    Math.max(1, Math.floor(leaseMs / 3)),
  );
  (timer as { unref?: () => void }).unref?.();
  const signal = outer === undefined ? lost.signal : AbortSignal.any([outer, lost.signal]);
  return { signal, stop: () => clearInterval(timer) };
}

function newest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}
