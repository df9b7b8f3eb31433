import { Queue, Worker, type ConnectionOptions, type WorkerOptions } from 'bullmq';
import { checkOptions, fail } from '../core/errors.js';
import { durationOption } from '../core/options.js';
import { clusterPrefixCheck } from '../queue/cluster-prefix.js';
import type { Sweep, SweepResult } from './sweep.js';

/**
 * The BullMQ queue sweeps are scheduled on unless told otherwise.
 *
 * @example
 * ```ts
 * const sweeps = new Queue(DEFAULT_SWEEP_QUEUE_NAME, { connection }); // inspect past sweeps
 * ```
 */
export const DEFAULT_SWEEP_QUEUE_NAME = 'managed-agents-webhooks-sweep';

/**
 * The id of the job scheduler `scheduleSweeps` upserts: one per sweep queue.
 *
 * @example
 * ```ts
 * await new Queue(DEFAULT_SWEEP_QUEUE_NAME, { connection }).removeJobScheduler(SWEEP_SCHEDULER_ID); // stop sweeping
 * ```
 */
export const SWEEP_SCHEDULER_ID = 'reconcile-sweep';

/** Options of `scheduleSweeps`. */
export interface ScheduleSweepsOptions {
  /** BullMQ's connection: ioredis options (`{ host, port }`, `{ url }`) or a client instance. */
  connection: ConnectionOptions;
  /** How often a sweep runs, in milliseconds (BullMQ's `every`). Sizing it: docs/guide/never-miss.md. */
  everyMs: number;
  /** The sweep queue's name; default `'managed-agents-webhooks-sweep'`. Not the events' queue. */
  name?: string;
  /** BullMQ's key prefix; default BullMQ's (`bull`). */
  prefix?: string;
}

/** Options of `createSweepWorker`: the sweep to run and any other BullMQ `WorkerOptions`. */
export interface SweepWorkerOptions extends Omit<WorkerOptions, 'connection' | 'prefix' | 'concurrency'> {
  /** BullMQ's connection: ioredis options (`{ host, port }`, `{ url }`) or a client instance. */
  connection: ConnectionOptions;
  /** What each scheduled job runs: `createSweep({ client, queue, store })`. */
  sweep: Sweep;
  /** The sweep queue's name; must match `scheduleSweeps`'s. */
  name?: string;
  /** BullMQ's key prefix; must match `scheduleSweeps`'s. */
  prefix?: string;
}

/** A running sweep worker. */
export interface SweepWorker {
  /**
   * Stops taking sweeps, waits for a running one, closes the connections.
   *
   * @example
   * ```ts
   * process.once('SIGTERM', () => void sweeps.close());
   * ```
   */
  close(): Promise<void>;
  /** The BullMQ `Worker` underneath: `worker.on('completed', (job, result: SweepResult) => …)`. */
  readonly worker: Worker<unknown, SweepResult>;
}

/**
 * Registers the sweep's schedule in Redis — a BullMQ job scheduler (`upsertJobScheduler`) on a
 * queue of its own that produces one job every `everyMs` — and sets that queue's global
 * concurrency to 1, so however many `createSweepWorker`s run, in however many processes, one
 * sweep runs at a time. Idempotent: every instance may call it at start-up (one scheduler per
 * queue; a new `everyMs` replaces the old). Resolves once registered; a process may exit then,
 * as the workers run the sweeps.
 *
 * @example
 * ```ts
 * await scheduleSweeps({ connection: { url: process.env.REDIS_URL }, everyMs: 60_000 });
 * ```
 */
export async function scheduleSweeps(options: ScheduleSweepsOptions): Promise<void> {
  checkOptions(options, 'scheduleSweeps: options', '{ connection, everyMs: 60_000 }');
  if (options.connection === undefined) {
    fail('invalid_options', 'scheduleSweeps needs { connection }: BullMQ connection options or an ioredis client.');
  }
  const everyMs = durationOption(options.everyMs, 'scheduleSweeps: everyMs', {
    unit: 'ms',
    fallback: NaN,
    kind: 'bound',
  });
  if (Number.isNaN(everyMs))
    fail('invalid_options', 'scheduleSweeps needs { everyMs }: how often to sweep, e.g. 60_000.');
  const name = options.name ?? DEFAULT_SWEEP_QUEUE_NAME;
  clusterPrefixCheck('scheduleSweeps', options.connection, options.prefix ?? 'bull', name);
  const queue = new Queue(name, {
    connection: options.connection,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
  });
  try {
    await queue.setGlobalConcurrency(1);
    await queue.upsertJobScheduler(
      SWEEP_SCHEDULER_ID,
      { every: everyMs },
      // A sweep that failed is retried by the next one; keep a few of each for inspection.
      { name: 'sweep', opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 } },
    );
  } finally {
    await queue.close();
  }
}

/**
 * Runs the scheduled sweeps: a BullMQ worker on the sweep queue that calls `sweep.run()` for each
 * job and stores its {@link SweepResult} as the job's return value. Start one in each worker
 * process; the queue's global concurrency (set by `scheduleSweeps`) lets one run at a time
 * across all of them, and BullMQ's stalled-job check restarts a sweep whose process died.
 *
 * @example
 * ```ts
 * const sweeps = createSweepWorker({
 *   connection: { url: process.env.REDIS_URL },
 *   sweep: createSweep({ client: new Anthropic(), queue: events, store }),
 * });
 * sweeps.worker.on('completed', (_job, result) => console.log('sweep', result));
 * ```
 */
export function createSweepWorker(options: SweepWorkerOptions): SweepWorker {
  checkOptions(options, 'createSweepWorker: options', '{ connection, sweep }');
  const { connection, sweep, name, prefix, ...workerOptions } = options;
  if (connection === undefined) {
    fail('invalid_options', 'createSweepWorker needs { connection }: BullMQ connection options or an ioredis client.');
  }
  if (typeof sweep?.run !== 'function') {
    fail('invalid_options', 'createSweepWorker needs { sweep }: createSweep({ client, queue, store }).');
  }
  const queueName = name ?? DEFAULT_SWEEP_QUEUE_NAME;
  clusterPrefixCheck('createSweepWorker', connection, prefix ?? 'bull', queueName);
  const worker = new Worker<unknown, SweepResult>(queueName, () => sweep.run(), {
    ...workerOptions,
    connection,
    concurrency: 1,
    ...(prefix === undefined ? {} : { prefix }),
  });
  return { worker, close: () => worker.close() };
}
