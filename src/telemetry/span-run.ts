import { SpanStatusCode, context, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { errorType, guard } from './attributes.js';
import { ATTR_ERROR_TYPE } from './names.js';

/** A span just started, and the context that makes it the parent of what runs next. */
export interface Started {
  readonly span: Span;
  readonly context: Context;
}

/**
 * Runs `run` with the span active and ends the span with its outcome: `describe(result)`'s
 * attributes on success, status ERROR and `error.type` on failure (`onError` may add attributes
 * first). Without a span (telemetry failed to start one) it just runs `run`.
 */
export function runInSpan<R>(
  started: Started | undefined,
  run: () => Promise<R>,
  describe: (result: R) => Attributes,
  onError?: (error: unknown) => Attributes,
): Promise<R> {
  if (started === undefined) return run();
  const { span } = started;
  return within(started.context, run).then(
    (result) => {
      guard(() => {
        span.setAttributes(describe(result));
        span.end();
      });
      return result;
    },
    (error: unknown) => {
      guard(() => {
        if (onError !== undefined) span.setAttributes(onError(error));
        span.setAttribute(ATTR_ERROR_TYPE, errorType(error));
        if (error instanceof Error) span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        span.end();
      });
      throw error;
    },
  );
}

/** Runs `fn` with `ctx` active; if the context manager itself throws, runs it without. */
function within<R>(ctx: Context, fn: () => Promise<R>): Promise<R> {
  let entered = false;
  try {
    return context.with(ctx, () => {
      entered = true;
      return fn();
    });
  } catch (error) {
    if (entered) return Promise.reject(error);
    return fn();
  }
}
