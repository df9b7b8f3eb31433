import { ErrorCode, Queue, type BackoffOptions, type ConnectionOptions, type Telemetry } from 'bullmq';
import { fail } from '../core/errors.js';
import { durationOption } from '../core/options.js';
import { checkWellFormedId } from '../core/well-formed.js';
import type { UnknownWebhookEvent } from '../events/dispatch.js';
import type { WebhookEvent } from '../events/types.js';
import type { TraceCarrier } from '../instrument/hook.js';
import { observeEnqueue } from '../instrument/queue.js';
import { randomToken } from '../shared/token.js';
import { withTimeout } from '../shared/timeout.js';
import { clusterPrefixCheck } from './cluster-prefix.js';
import { DEFAULT_QUEUE_NAME, eventJobId, isEventJobData, type EventJobData } from './job.js';

/** Options of `createEventQueue`. `connection`, `prefix` and `backoff` are BullMQ's own. */
export interface EventQueueOptions {
  /** BullMQ's connection: ioredis options (`{ host, port }`, `{ url }`) or a client instance. */
  connection: ConnectionOptions;
  /** The BullMQ queue name; default `'managed-agents-webhooks'`. The worker must use the same. */
  name?: string;
  /**
   * BullMQ's key prefix; default BullMQ's (`bull`). The worker must use the same. On a Redis Cluster
   * (an ioredis `Cluster` as connection) it must hold a hash tag, e.g. `'{maw}'`: all of a queue's
   * keys then share one slot, as BullMQ's scripts need.
   */
  prefix?: string;
  /**
   * BullMQ's own OpenTelemetry hook, given to its `Queue` as it is — e.g. `new BullMQOtel()` from
   * `bullmq-otel` — for BullMQ's spans beside this package's (`enableTelemetry`).
   */
  telemetry?: Telemetry | undefined;
  /**
   * How long a completed event's id is kept, so a re-delivery is a `duplicate`; default 86,400
   * (a day, longer than the sender retries). BullMQ trims completed jobs when later ones finish,
   * so an id may be remembered longer, never shorter.
   */
  retentionSeconds?: number;
  /** Runs per event before it becomes a dead letter, the first included; default 5. */
  attempts?: number;
  /** Delay between runs, in BullMQ's shape; default `{ type: 'exponential', delay: 1000 }` (1 s, 2 s, 4 s, …). */
  backoff?: number | BackoffOptions;
  /**
   * How long `enqueue` waits for Redis before rejecting; default 5,000 ms. BullMQ queues commands
   * while it reconnects, so without a bound a Redis outage would hang the receiver until the
   * sender timed out.
   */
  timeoutMs?: number;
}

/** What `enqueue` did: stored the event, or found its id already stored. */
export interface EnqueueResult {
  status: 'enqueued' | 'duplicate';
}

/** An event whose every attempt failed, kept in BullMQ's failed set. */
export interface DeadLetter {
  event: WebhookEvent | UnknownWebhookEvent;
  /** The last attempt's error message. */
  error: string;
  /** How many times the handler ran. */
  attempts: number;
  /** When the last attempt failed. */
  failedAt: Date;
}

/** The producer side: receivers enqueue verified events here. */
export interface EventQueue {
  /**
   * Stores the event as a job whose id is derived from `event.id`. Resolves once Redis has it —
   * `enqueued`, or `duplicate` when that id is already waiting, running, completed within
   * `retentionSeconds`, or a dead letter. Rejects when Redis fails or does not answer within
   * `timeoutMs`: answer 5xx so the sender retries. Refuses with `invalid_options` what `unwrap`
   * never returns: a non-event, or an id holding a lone surrogate (BullMQ would file distinct
   * such ids under one key).
   *
   * @example
   * ```ts
   * const { status } = await queue.enqueue(event);
   * res.writeHead(204).end(); // enqueued or duplicate: either way the event is safe
   * ```
   */
  enqueue(event: WebhookEvent | UnknownWebhookEvent): Promise<EnqueueResult>;
  /**
   * The dead letters: events that failed every attempt, newest first — each once, as the failed
   * set stood when the call began (one arriving meanwhile is listed by the next call).
   *
   * @example
   * ```ts
   * for (const { event, error, attempts } of await queue.failed()) console.log(event.id, attempts, error);
   * ```
   */
  failed(): Promise<DeadLetter[]>;
  /**
   * Puts dead letters back in the queue with a fresh set of attempts: those with the given event
   * ids, or all of them. Resolves to how many went back; ids that are not dead letters are skipped.
   *
   * @example
   * ```ts
   * const count = await queue.retryFailed(['evt_011CZkZbKEVz5PhMRjkhSRcX']);
   * ```
   */
  retryFailed(eventIds?: readonly string[]): Promise<number>;
  /**
   * Closes the queue's Redis connections (not a client instance you passed in).
   *
   * @example
   * ```ts
   * process.once('SIGTERM', () => void queue.close());
   * ```
   */
  close(): Promise<void>;
  /** The BullMQ `Queue` underneath, for anything else BullMQ offers (counts, pause, events). */
  readonly queue: Queue<EventJobData>;
}

const PAGE = 500;

/**
 * The receiving half of a BullMQ hand-off: a receiver verifies a delivery, `enqueue`s the event
 * and answers 2xx within milliseconds; `createEventWorker` processes it with retries. Re-deliveries
 * collapse in Redis, across every receiver instance, because the job id is derived from
 * `event.id`. The retry policy (`attempts`, `backoff`) is set on each job, as in BullMQ.
 *
 * Bad options throw `WebhookVerificationError` with code `invalid_options` (status 500).
 *
 * @example
 * ```ts
 * const queue = createEventQueue({ connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' } });
 * createServer(async (req, res) => {
 *   const event = await unwrapNodeRequest(req);
 *   await queue.enqueue(event);
 *   res.writeHead(204).end();
 * }).listen(3000);
 * ```
 */
export function createEventQueue(options: EventQueueOptions): EventQueue {
  if (typeof options !== 'object' || options === null || options.connection === undefined) {
    fail('invalid_options', 'createEventQueue needs { connection }: BullMQ connection options or an ioredis client.');
  }
  const retentionSeconds = durationOption(options.retentionSeconds, 'createEventQueue: retentionSeconds', {
    unit: 's',
    fallback: 86_400,
    kind: 'bound',
  });
  // Bounded, never off: it is what lets a receiver answer 5xx (and the sender retry) during an outage.
  const timeoutMs = durationOption(options.timeoutMs, 'createEventQueue: timeoutMs', {
    unit: 'ms',
    fallback: 5_000,
    kind: 'bound',
  });
  const attempts = options.attempts ?? 5;
  if (!Number.isSafeInteger(attempts) || attempts < 1) {
    fail('invalid_options', 'attempts must be a whole number ≥ 1 (runs per event, the first included).');
  }
  const backoff = options.backoff ?? { type: 'exponential', delay: 1000 };
  const jobOptions = {
    attempts,
    backoff,
    removeOnComplete: { age: Math.ceil(retentionSeconds) },
    // Dead letters stay until retried or removed by hand: they are what failed() lists.
    removeOnFail: false,
  };
  clusterPrefixCheck(
    'createEventQueue',
    options.connection,
    options.prefix ?? 'bull',
    options.name ?? DEFAULT_QUEUE_NAME,
  );
  const queue = new Queue<EventJobData>(options.name ?? DEFAULT_QUEUE_NAME, {
    connection: options.connection,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
  });

  async function add(
    event: WebhookEvent | UnknownWebhookEvent,
    trace: TraceCarrier | undefined,
  ): Promise<EnqueueResult> {
    const jobId = eventJobId(event.id);
    const mine = randomToken();
    const data: EventJobData = trace === undefined ? { event, receipt: mine } : { event, receipt: mine, trace };
    await queue.add(event.data.type, data, { ...jobOptions, jobId });
    // The add is one atomic script, so exactly one concurrent caller's receipt is stored.
    // A missing job was removed after finishing, which needs a job stored first.
    const stored = await queue.getJob(jobId);
    return { status: stored === undefined || stored.data.receipt === mine ? 'enqueued' : 'duplicate' };
  }

  async function failed(): Promise<DeadLetter[]> {
    const letters: DeadLetter[] = [];
    // The failed set's ids in one read (newest first), then their jobs a page at a time. Paging by
    // offset instead, through a set that grows at the top while it is read, listed one dead letter
    // twice and skipped another (so retryFailed left it behind). Later arrivals wait for the next call.
    const ids = await queue.getRanges(['failed'], 0, -1, false);
    for (let start = 0; start < ids.length; start += PAGE) {
      const jobs = await Promise.all(ids.slice(start, start + PAGE).map((id) => queue.getJob(id)));
      for (const job of jobs) {
        // Gone meanwhile (removed, or retried and finished), or another producer's job.
        if (job === undefined || !isEventJobData(job.data)) continue;
        letters.push({
          event: job.data.event,
          error: job.failedReason ?? '',
          attempts: job.attemptsMade,
          failedAt: new Date(job.finishedOn ?? 0),
        });
      }
    }
    return letters;
  }

  return {
    queue,
    async enqueue(event) {
      if (!isEventJobData({ event }) || event.id === '') {
        fail('invalid_options', 'enqueue needs a verified event, as unwrap() or unwrapNodeRequest() return it.');
      }
      checkWellFormedId(event.id, 'enqueue');
      return observeEnqueue(queue.name, eventJobId(event.id), event, (trace) =>
        withTimeout(
          add(event, trace),
          timeoutMs,
          () => new Error(`Redis did not store the event within ${timeoutMs} ms; check that Redis is reachable.`),
        ),
      );
    },
    failed,
    async retryFailed(eventIds) {
      const jobIds =
        eventIds === undefined
          ? (await failed()).map((letter) => eventJobId(letter.event.id))
          : eventIds.map(eventJobId);
      let count = 0;
      for (const jobId of new Set(jobIds)) {
        const job = await queue.getJob(jobId);
        if (job === undefined) continue;
        try {
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          count++;
        } catch (error) {
          // Not a dead letter (any more): waiting, running, done, or removed meanwhile.
          const code = (error as { code?: unknown }).code;
          if (code !== ErrorCode.JobNotInState && code !== ErrorCode.JobNotExist) throw error;
        }
      }
      return count;
    },
    close: () => queue.close(),
  };
}
