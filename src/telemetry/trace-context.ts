import { createTraceState, isSpanContextValid, type SpanContext } from '@opentelemetry/api';
import type { TraceCarrier } from '../instrument/hook.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** What a job keeps of `span`'s context; `undefined` for a context that is not valid (no SDK installed). */
export function toCarrier(span: SpanContext, link: boolean): TraceCarrier | undefined {
  if (!isSpanContextValid(span)) return undefined;
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, '0');
  const carrier: TraceCarrier = { traceparent: `00-${span.traceId}-${span.spanId}-${flags}` };
  const state = span.traceState?.serialize();
  if (state !== undefined && state !== '') carrier.tracestate = state;
  if (link) carrier.link = true;
  return carrier;
}

/** The span context a job carries; `undefined` when it carries none or something else (another producer's job). */
export function fromCarrier(carrier: unknown): SpanContext | undefined {
  if (typeof carrier !== 'object' || carrier === null) return undefined;
  const { traceparent, tracestate } = carrier as { traceparent?: unknown; tracestate?: unknown };
  const match = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent) : null;
  if (match === null) return undefined;
  const span: SpanContext = {
    traceId: match[1] as string,
    spanId: match[2] as string,
    traceFlags: Number.parseInt(match[3] as string, 16),
    isRemote: true,
  };
  if (typeof tracestate === 'string' && tracestate !== '') span.traceState = createTraceState(tracestate);
  return isSpanContextValid(span) ? span : undefined;
}

/** Whether the job asks to be linked to, rather than continue, the trace it carries. */
export function isLink(carrier: unknown): boolean {
  return typeof carrier === 'object' && carrier !== null && (carrier as { link?: unknown }).link === true;
}
