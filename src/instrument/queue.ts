import { instrumentation, type ObservedEvent, type ObservedJob, type TraceCarrier } from './hook.js';

/**
 * Stores an event through `store`, inside an `anthropic.webhook.enqueue` span when telemetry is
 * on; `store` gets the trace context to keep in the job (`undefined` when off).
 */
export function observeEnqueue<R extends { readonly status: string }>(
  queue: string,
  jobId: string,
  event: ObservedEvent,
  store: (trace: TraceCarrier | undefined) => Promise<R>,
): Promise<R> {
  const telemetry = instrumentation();
  return telemetry === undefined ? store(undefined) : telemetry.enqueue(queue, jobId, event, store);
}

/** Runs one attempt of a job, inside an `anthropic.webhook.process` span when telemetry is on. */
export function observeProcess<R>(queue: string, job: ObservedJob, run: () => Promise<R>): Promise<R> {
  const telemetry = instrumentation();
  return telemetry === undefined ? run() : telemetry.process(queue, job, run);
}
