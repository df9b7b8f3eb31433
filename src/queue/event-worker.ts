import { Worker, type ConnectionOptions, type Job, type WorkerOptions } from 'bullmq';
import { fail } from '../core/errors.js';
import { durationOption } from '../core/options.js';
import { dispatch, type EventHandlers, type UnknownWebhookEvent } from '../events/dispatch.js';
import type { WebhookEvent, WebhookEventOf, WebhookEventType } from '../events/types.js';
import { observeProcess } from '../instrument/queue.js';
import { withTimeout } from '../shared/timeout.js';
import { clusterPrefixCheck } from './cluster-prefix.js';
import { DEFAULT_QUEUE_NAME, isEventJobData, type EventJobData } from './job.js';
import { describeThrown } from './thrown.js';

/**
 * What a worker's handler gets besides the event: the attempt's abort signal and its BullMQ job.
 *
 * @example
 * ```ts
 * const handler = async (event: WebhookEvent, { signal, job }: HandlerContext) => {
 *   if (job.attemptsMade > 0) console.log('retry', job.attemptsMade, event.id);
 *   await fetch(slackUrl, { method: 'POST', body: event.id, signal });
 * };
 * ```
 */
export interface HandlerContext {
  /**
   * Aborted when the attempt passes `handlerTimeoutMs` (reason: a `TimeoutError` `DOMException`)
   * or BullMQ cancels the job (`worker.worker.cancelJob(id)`). Pass it to `fetch`, the SDK
   * (`{ signal }`) and anything else that can stop: the attempt has already failed by then.
   */
  signal: AbortSignal;
  /** The BullMQ job: `attemptsMade`, `id` (`eventJobId(event.id)`), `updateProgress`, … */
  job: Job<EventJobData>;
}

/**
 * The worker's handler map: `dispatch`'s shape, each handler also given a {@link HandlerContext}
 * as its second argument (leave it out when not needed). A map written for `dispatch` fits.
 *
 * @example
 * ```ts
 * const handlers: WorkerHandlers = {
 *   'session.status_idled': async (event, { signal }) => notify(event.data.id, { signal }),
 * };
 * ```
 */
export type WorkerHandlers<R = unknown> = {
  [T in WebhookEventType]?: (event: WebhookEventOf<T>, context: HandlerContext) => R;
} & {
  /** Called for every event without a handler of its own, including types newer than this version. */
  default?: (event: WebhookEvent | UnknownWebhookEvent, context: HandlerContext) => R;
};

/** The keys a handler map may have, as for `dispatch`: the event types and `default`. */
type HandlerKey = WebhookEventType | 'default';

/**
 * Options of `createEventWorker`: the handler map, the queue to read, the per-attempt time limit,
 * and any other BullMQ `WorkerOptions` (`stalledInterval`, `lockDuration`, `limiter`, …), passed
 * through as they are. `H` is the handler map's own type, inferred: it is what lets a key that is
 * not an event type fail to compile, as with `dispatch`.
 */
export interface EventWorkerOptions<H extends WorkerHandlers = WorkerHandlers> extends Omit<
  WorkerOptions,
  'connection' | 'name' | 'prefix' | 'concurrency'
> {
  /** BullMQ's connection: ioredis options (`{ host, port }`, `{ url }`) or a client instance. */
  connection: ConnectionOptions;
  /** The BullMQ queue name; default `'managed-agents-webhooks'`, as in `createEventQueue`. */
  name?: string;
  /** BullMQ's key prefix; must match the queue's. On a Redis Cluster it must hold a `{hash tag}`. */
  prefix?: string;
  /**
   * One handler per `data.type`, plus `default` — the shape `dispatch` takes. A key that is not
   * an event type (a typo) does not compile, also when the map is held in a variable or spread.
   */
  handlers: H & { [K in Exclude<keyof H, HandlerKey>]: never };
  /** Events handled at once by this worker; default 1, as in BullMQ. */
  concurrency?: number;
  /**
   * How long one attempt may run, in milliseconds; default 300,000 (5 minutes). Past it the
   * attempt fails with an error naming the limit, follows the backoff like any failure, and the
   * handler's `signal` is aborted. `Infinity` means no limit. At most 2,147,483,647 (~24.8 days).
   */
  handlerTimeoutMs?: number;
}

/** A running worker. */
export interface EventWorker {
  /**
   * Stops taking jobs, waits for the running ones to finish — at most `handlerTimeoutMs`, after
   * which they fail and are retried later — and closes the connections.
   *
   * @example
   * ```ts
   * process.once('SIGTERM', () => void worker.close());
   * ```
   */
  close(): Promise<void>;
  /** The BullMQ `Worker` underneath: its events (`failed`, `error`, …) and methods. */
  readonly worker: Worker<EventJobData>;
}

/**
 * Far above a webhook handler's usual run (fetch a resource, notify someone: seconds), so a slow
 * downstream is not cut off, yet a hung handler is failed and retried within minutes instead of
 * holding its job (and `close()`) forever.
 */
const DEFAULT_HANDLER_TIMEOUT_MS = 300_000;

/**
 * Processes the events a `createEventQueue` stored: each job goes to its handler through
 * `dispatch`, with a {@link HandlerContext} (`{ signal, job }`) as the second argument. A handler
 * that throws or rejects — with anything, `undefined` included — or runs past `handlerTimeoutMs`
 * fails the attempt; BullMQ retries it with the job's `attempts` and `backoff`, then keeps it as
 * a dead letter (`queue.failed()`) whose error names what was thrown. A worker that dies mid-job
 * loses its lock, and BullMQ's stalled-job check hands the job to another worker, so handlers
 * must tolerate running twice for one event. Handler return values are not stored.
 *
 * Attach a listener to `worker.worker.on('error', …)` to see connection errors. Bad options throw
 * `WebhookVerificationError` with code `invalid_options`.
 *
 * @example
 * ```ts
 * const worker = createEventWorker({
 *   connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
 *   concurrency: 10,
 *   handlers: {
 *     'session.status_idled': async (event, { signal }) => {
 *       const result = await fetchResource(client, event, { signal });
 *       if (result.status === 'found') await notify(result.resource);
 *     },
 *   },
 * });
 * ```
 */
export function createEventWorker<const H extends WorkerHandlers>(options: EventWorkerOptions<H>): EventWorker {
  if (typeof options !== 'object' || options === null || options.connection === undefined) {
    fail('invalid_options', 'createEventWorker needs { connection }: BullMQ connection options or an ioredis client.');
  }
  const { handlers, name, handlerTimeoutMs, ...workerOptions } = options;
  if (typeof handlers !== 'object' || handlers === null) {
    fail('invalid_options', "createEventWorker needs { handlers }: e.g. { 'session.status_idled': async (e) => … }.");
  }
  const limitMs = durationOption(handlerTimeoutMs, 'createEventWorker: handlerTimeoutMs', {
    unit: 'ms',
    fallback: DEFAULT_HANDLER_TIMEOUT_MS,
    kind: 'limit',
  });
  clusterPrefixCheck('createEventWorker', options.connection, options.prefix ?? 'bull', name ?? DEFAULT_QUEUE_NAME);
  const worker = new Worker<EventJobData>(
    name ?? DEFAULT_QUEUE_NAME,
    // Three parameters: BullMQ then hands over its own abort signal (worker.cancelJob).
    async (job, _token, cancelled) => {
      // Another producer's job in the same queue: fail it visibly rather than guess.
      if (!isEventJobData(job.data)) throw new Error(`job ${job.id ?? ''} does not hold a webhook event`);
      await observeProcess(job.queueName, job, () => attempt(job, handlers as WorkerHandlers, limitMs, cancelled));
    },
    workerOptions,
  );
  return { worker, close: () => worker.close() };
}

/** One run of the job's handler, bounded by `limitMs`; always fails with an `Error`. */
async function attempt(
  job: Job<EventJobData>,
  handlers: WorkerHandlers,
  limitMs: number,
  cancelled: AbortSignal | undefined,
): Promise<void> {
  const controller = new AbortController();
  const onCancel = (): void => controller.abort(cancelled?.reason);
  cancelled?.addEventListener('abort', onCancel, { once: true });
  const context: HandlerContext = { signal: controller.signal, job };
  try {
    const run = Promise.resolve().then(() => dispatch(job.data.event, withContext(handlers, context)));
    await withTimeout(run, limitMs, () => {
      const error = new DOMException(
        `the handler did not finish within ${limitMs} ms (handlerTimeoutMs); the attempt failed and follows the backoff. Raise handlerTimeoutMs for slower handlers, or stop work when the handler's signal aborts.`,
        'TimeoutError',
      );
      controller.abort(error);
      return error;
    });
  } catch (thrown) {
    // BullMQ reads `.message` of what it is given: undefined or null crash its failure handling
    // (the job then waits for the stalled check), and other non-Errors are stored as "null".
    throw thrown instanceof Error ? thrown : new Error(describeThrown(thrown), { cause: thrown });
  } finally {
    cancelled?.removeEventListener('abort', onCancel);
  }
}

/** The same map with each handler given `context` too, so `dispatch` still picks the handler. */
function withContext(handlers: WorkerHandlers, context: HandlerContext): EventHandlers {
  const bound: Record<string, (event: never) => unknown> = {};
  for (const key of Object.keys(handlers)) {
    const handler = (handlers as Record<string, unknown>)[key];
    if (typeof handler === 'function') bound[key] = (event) => handler(event, context);
  }
  return bound as EventHandlers;
}
