import { Worker, type ConnectionOptions, type WorkerOptions } from 'bullmq';
import { fail } from '../core/errors.js';
import { dispatch, type EventHandlers } from '../events/dispatch.js';
import { DEFAULT_QUEUE_NAME, isEventJobData, type EventJobData } from './job.js';

/**
 * Options of `createEventWorker`: the handler map, the queue to read, and any other BullMQ
 * `WorkerOptions` (`stalledInterval`, `lockDuration`, `limiter`, …), passed through as they are.
 */
export interface EventWorkerOptions extends Omit<WorkerOptions, 'connection' | 'name' | 'prefix' | 'concurrency'> {
  /** BullMQ's connection: ioredis options (`{ host, port }`, `{ url }`) or a client instance. */
  connection: ConnectionOptions;
  /** The BullMQ queue name; default `'managed-agents-webhooks'`, as in `createEventQueue`. */
  name?: string;
  /** BullMQ's key prefix; must match the queue's. */
  prefix?: string;
  /** One handler per `data.type`, plus `default` — the shape `dispatch` takes. */
  handlers: EventHandlers<unknown>;
  /** Events handled at once by this worker; default 1, as in BullMQ. */
  concurrency?: number;
}

/** A running worker. */
export interface EventWorker {
  /**
   * Stops taking jobs, waits for the running ones to finish, and closes the connections.
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
 * Processes the events a `createEventQueue` stored: each job goes to its handler through
 * `dispatch`. A handler that throws (or rejects) fails the attempt; BullMQ retries it with the
 * job's `attempts` and `backoff`, then keeps it as a dead letter (`queue.failed()`). A worker
 * that dies mid-job loses its lock, and BullMQ's stalled-job check hands the job to another
 * worker, so handlers must tolerate running twice for one event. Handler return values are not
 * stored.
 *
 * Attach a listener to `worker.worker.on('error', …)` to see connection errors.
 *
 * @example
 * ```ts
 * const worker = createEventWorker({
 *   connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
 *   concurrency: 10,
 *   handlers: {
 *     'session.status_idled': async (event) => {
 *       const result = await fetchResource(client, event);
 *       if (result.status === 'found') await notify(result.resource);
 *     },
 *   },
 * });
 * ```
 */
export function createEventWorker(options: EventWorkerOptions): EventWorker {
  if (typeof options !== 'object' || options === null || options.connection === undefined) {
    fail('invalid_options', 'createEventWorker needs { connection }: BullMQ connection options or an ioredis client.');
  }
  const { handlers, name, ...workerOptions } = options;
  if (typeof handlers !== 'object' || handlers === null) {
    fail('invalid_options', "createEventWorker needs { handlers }: e.g. { 'session.status_idled': async (e) => … }.");
  }
  const worker = new Worker<EventJobData>(
    name ?? DEFAULT_QUEUE_NAME,
    async (job) => {
      // Another producer's job in the same queue: fail it visibly rather than guess.
      if (!isEventJobData(job.data)) throw new Error(`job ${job.id ?? ''} does not hold a webhook event`);
      await dispatch(job.data.event, handlers);
    },
    workerOptions,
  );
  return { worker, close: () => worker.close() };
}
