import type { WebhookEvent } from '../events/types.js';
import type { UnknownWebhookEvent } from '../events/dispatch.js';
import type { TraceCarrier } from '../instrument/hook.js';

/** The queue both sides use unless told otherwise. */
export const DEFAULT_QUEUE_NAME = 'managed-agents-webhooks';

/** What each BullMQ job of an event queue holds. */
export interface EventJobData {
  /** The verified event, as `unwrap` returned it. */
  event: WebhookEvent | UnknownWebhookEvent;
  /**
   * Random per `enqueue` call. BullMQ answers a re-add of an existing job id with that job, not
   * with a flag, so `enqueue` reads the stored receipt back to tell its own add from a duplicate.
   */
  receipt: string;
  /**
   * The trace context of the enqueue that stored the job, when telemetry is on
   * (`managed-agents-webhooks/telemetry`): the worker's span continues that trace.
   */
  trace?: TraceCarrier;
}

/**
 * The BullMQ job id of an event: `event-` then `event.id` with `%` and `:` percent-encoded.
 * BullMQ refuses custom ids that are integers or contain `:`; the prefix rules out the first,
 * the encoding the second, and distinct event ids still give distinct job ids. Use it to find an
 * event's job in a dashboard or with BullMQ's own API.
 *
 * @example
 * ```ts
 * const job = await queue.queue.getJob(eventJobId(event.id));
 * console.log(await job?.getState());
 * ```
 */
export function eventJobId(eventId: string): string {
  return `event-${eventId.replace(/%/g, '%25').replace(/:/g, '%3A')}`;
}

/** Whether a job's data is one of ours; other producers may share the queue name. */
export function isEventJobData(data: unknown): data is EventJobData {
  if (typeof data !== 'object' || data === null) return false;
  const event = (data as { event?: unknown }).event;
  return (
    typeof event === 'object' &&
    event !== null &&
    typeof (event as { id?: unknown }).id === 'string' &&
    typeof (event as { data?: { type?: unknown } }).data?.type === 'string'
  );
}
