import { SpanKind, context, createContextKey, trace, type Context } from '@opentelemetry/api';
import type { Instrumentation } from '../instrument/hook.js';
import { guard } from './attributes.js';
import type { Instruments } from './instruments.js';
import { ATTR_SWEEP_ENQUEUED, ATTR_SWEEP_LISTED, SWEEP_SPAN } from './names.js';
import { runInSpan } from './span-run.js';

/** Marks the context of a sweep, so its enqueues ask the worker for a link rather than a parent. */
const SWEEP = createContextKey('managed-agents-webhooks.sweep');

/** Whether `ctx` is inside a sweep. */
export function inSweep(ctx: Context): boolean {
  return ctx.getValue(SWEEP) === true;
}

/**
 * `anthropic.webhook.sweep` around one reconciliation sweep, with the resources it listed and the
 * state changes it enqueued; those also add to `anthropic.webhook.reconciled`.
 */
export function sweepInstrumentation(instruments: Instruments): Instrumentation['sweep'] {
  const { tracer, reconciled } = instruments;
  return (run) => {
    const started = guard(() => {
      const active = context.active();
      const span = tracer.startSpan(SWEEP_SPAN, { kind: SpanKind.INTERNAL }, active);
      return { span, context: trace.setSpan(active, span).setValue(SWEEP, true) };
    });
    return runInSpan(started, run, ({ listed, enqueued }) => {
      if (enqueued > 0) reconciled.add(enqueued);
      return { [ATTR_SWEEP_LISTED]: listed, [ATTR_SWEEP_ENQUEUED]: enqueued };
    });
  };
}
