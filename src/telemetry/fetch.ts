import { SpanKind, context, trace, type Attributes } from '@opentelemetry/api';
import type { Instrumentation } from '../instrument/hook.js';
import { resourceKindOf } from '../resources/table.js';
import { eventAttributes, guard } from './attributes.js';
import type { Instruments } from './instruments.js';
import { ATTR_EVENT_TYPE, ATTR_OUTCOME, ATTR_RESOURCE_KIND, FETCH_RESOURCE_SPAN } from './names.js';
import { runInSpan } from './span-run.js';

/**
 * `anthropic.webhook.fetch_resource` around `fetchResource`, with the resource kind and the
 * outcome (`found`, `gone`, `unsupported`). The SDK call runs with this span active, so the SDK's
 * own span (`anthropic.sessions.retrieve`, …) is its child.
 */
export function fetchInstrumentation(instruments: Instruments): Instrumentation['fetchResource'] {
  const { tracer } = instruments;
  return (event, run) => {
    const started = guard(() => {
      const active = context.active();
      const attributes: Attributes = eventAttributes(event);
      const type = attributes[ATTR_EVENT_TYPE];
      if (typeof type === 'string') attributes[ATTR_RESOURCE_KIND] = resourceKindOf(type);
      const span = tracer.startSpan(FETCH_RESOURCE_SPAN, { kind: SpanKind.INTERNAL, attributes }, active);
      return { span, context: trace.setSpan(active, span) };
    });
    return runInSpan(started, run, (result) => ({ [ATTR_OUTCOME]: result.status }));
  };
}
