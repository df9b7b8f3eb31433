import {
  ROOT_CONTEXT,
  SpanKind,
  context,
  trace,
  type Attributes,
  type Context,
  type Link,
  type SpanContext,
} from '@opentelemetry/api';
import type { Instrumentation, ObservedJob } from '../instrument/hook.js';
import { errorType, eventAttributes, guard, secondsSince } from './attributes.js';
import type { Instruments } from './instruments.js';
import {
  ATTR_ATTEMPT,
  ATTR_ERROR_TYPE,
  ATTR_EVENT_TYPE,
  ATTR_MESSAGING_DESTINATION,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_METRIC_OUTCOME,
  ATTR_OUTCOME,
  ENQUEUE_SPAN,
  PROCESS_SPAN,
} from './names.js';
import { runInSpan } from './span-run.js';
import { inSweep } from './sweep.js';
import { fromCarrier, isLink, toCarrier } from './trace-context.js';

/**
 * `anthropic.webhook.enqueue` (PRODUCER): a child of the event's receive span when the event came
 * from an adapter, else of the active span. BullMQ's add runs inside it (so `bullmq-otel`'s own
 * spans nest under it), and the job stores its context for the worker.
 */
export function enqueueInstrumentation(
  instruments: Instruments,
  received: WeakMap<object, SpanContext>,
): Instrumentation['enqueue'] {
  const { tracer } = instruments;
  return (queue, jobId, event, store) => {
    const started = guard(() => {
      const active = context.active();
      const delivery = received.get(event);
      const parent = delivery === undefined ? active : trace.setSpanContext(active, delivery);
      const attributes = {
        ...messaging(queue, jobId),
        [ATTR_MESSAGING_OPERATION_TYPE]: 'send',
        ...eventAttributes(event),
      };
      const span = tracer.startSpan(ENQUEUE_SPAN, { kind: SpanKind.PRODUCER, attributes }, parent);
      return { span, context: trace.setSpan(parent, span), carrier: toCarrier(span.spanContext(), inSweep(active)) };
    });
    return runInSpan(
      started,
      () => store(started?.carrier),
      (result) => ({ [ATTR_OUTCOME]: result.status }),
    );
  };
}

/**
 * `anthropic.webhook.process` (CONSUMER), one per attempt: continues the trace the job carries
 * (under `bullmq-otel`'s consumer span when that is active in the same trace), or, for a job a
 * sweep enqueued, starts its own trace with a link to the sweep's enqueue. Records the attempt's
 * duration, and counts a dead letter when the last attempt fails.
 */
export function processInstrumentation(instruments: Instruments): Instrumentation['process'] {
  const { tracer, processDuration, deadLetters } = instruments;
  return (queue, job, run) => {
    const start = performance.now();
    const described = guard(() => eventAttributes(job.data.event)) ?? {};
    const started = guard(() => {
      const { parent, links } = origin(job, context.active());
      const attributes = {
        ...messaging(queue, job.id),
        [ATTR_MESSAGING_OPERATION_TYPE]: 'process',
        [ATTR_ATTEMPT]: job.attemptsMade + 1,
        ...described,
      };
      const span = tracer.startSpan(PROCESS_SPAN, { kind: SpanKind.CONSUMER, links, attributes }, parent);
      return { span, context: trace.setSpan(parent, span) };
    });
    const measure = (outcome: string, error?: unknown): Attributes => {
      guard(() => {
        const metric: Attributes = { [ATTR_METRIC_OUTCOME]: outcome, [ATTR_MESSAGING_DESTINATION]: queue };
        const type = described[ATTR_EVENT_TYPE];
        if (type !== undefined) metric[ATTR_EVENT_TYPE] = type;
        if (error !== undefined) metric[ATTR_ERROR_TYPE] = errorType(error);
        processDuration.record(secondsSince(start), metric);
        if (outcome === 'dead_letter') deadLetters.add(1, metric);
      });
      return { [ATTR_OUTCOME]: outcome };
    };
    return runInSpan(
      started,
      run,
      () => measure('completed'),
      // As BullMQ decides: another attempt follows while attempts remain.
      (error) => measure(job.attemptsMade + 1 >= (job.opts.attempts ?? 1) ? 'dead_letter' : 'failed', error),
    );
  };
}

/** The process span's parent and links, from what the job carries and what is active. */
function origin(job: ObservedJob, active: Context): { parent: Context; links: Link[] } {
  const carried = fromCarrier(job.data.trace);
  if (carried === undefined) return { parent: active, links: [] };
  if (isLink(job.data.trace)) return { parent: ROOT_CONTEXT, links: [{ context: carried }] };
  // BullMQ's own consumer span, when bullmq-otel is on, is already in this trace: nest under it.
  if (trace.getSpanContext(active)?.traceId === carried.traceId) return { parent: active, links: [] };
  // Not the worker's ambient context: a worker started inside some span would otherwise adopt every job.
  return { parent: trace.setSpanContext(ROOT_CONTEXT, carried), links: [] };
}

function messaging(queue: string, jobId: string | undefined): Attributes {
  const attributes: Attributes = { [ATTR_MESSAGING_SYSTEM]: 'bullmq', [ATTR_MESSAGING_DESTINATION]: queue };
  if (jobId !== undefined) attributes[ATTR_MESSAGING_MESSAGE_ID] = jobId;
  return attributes;
}
