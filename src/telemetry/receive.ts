import { SpanKind, SpanStatusCode, type Attributes, type SpanContext } from '@opentelemetry/api';
import type { Instrumentation, ReceiveObservation } from '../instrument/hook.js';
import { errorType, eventAttributes, guard, isEvent, secondsSince } from './attributes.js';
import type { Instruments } from './instruments.js';
import {
  ATTR_ADAPTER,
  ATTR_ERROR_TYPE,
  ATTR_EVENT_TYPE,
  ATTR_METRIC_OUTCOME,
  ATTR_WEBHOOK_ID,
  RECEIVE_SPAN,
} from './names.js';

const NOTHING: ReceiveObservation = { accepted: () => {}, refused: () => {} };

/**
 * `anthropic.webhook.receive` around an adapter's read-and-verify, with the deliveries counter and
 * the receive duration. An accepted event's span context is kept (weakly) under the event object,
 * so `enqueue(event)` later continues the delivery's trace even though the receive span has ended
 * and is no longer the active one.
 */
export function receiveInstrumentation(
  instruments: Instruments,
  received: WeakMap<object, SpanContext>,
): Instrumentation['receive'] {
  const { tracer, deliveries, receiveDuration } = instruments;
  return (adapter, webhookId) => {
    const start = performance.now();
    const attributes: Attributes = { [ATTR_ADAPTER]: adapter };
    if (typeof webhookId === 'string') attributes[ATTR_WEBHOOK_ID] = webhookId;
    const span = guard(() => tracer.startSpan(RECEIVE_SPAN, { kind: SpanKind.INTERNAL, attributes }));
    if (span === undefined) return NOTHING;
    return {
      accepted(result) {
        guard(() => {
          const described = eventAttributes(result);
          span.setAttributes(described);
          span.end();
          if (isEvent(result)) received.set(result, span.spanContext());
          const type = described[ATTR_EVENT_TYPE];
          const metric: Attributes = { [ATTR_METRIC_OUTCOME]: 'accepted' };
          if (type !== undefined) metric[ATTR_EVENT_TYPE] = type;
          deliveries.add(1, metric);
          receiveDuration.record(secondsSince(start), metric);
        });
      },
      refused(error) {
        guard(() => {
          const type = errorType(error);
          span.setAttribute(ATTR_ERROR_TYPE, type);
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : type });
          span.end();
          const metric: Attributes = { [ATTR_METRIC_OUTCOME]: 'refused', [ATTR_ERROR_TYPE]: type };
          deliveries.add(1, metric);
          receiveDuration.record(secondsSince(start), metric);
        });
      },
    };
  };
}
