import { metrics, trace, type MeterProvider, type SpanContext, type TracerProvider } from '@opentelemetry/api';
import { checkOptions, fail } from '../core/errors.js';
import { install } from '../instrument/hook.js';
import { fetchInstrumentation } from './fetch.js';
import { createInstruments } from './instruments.js';
import { SCOPE } from './names.js';
import { enqueueInstrumentation, processInstrumentation } from './queue.js';
import { receiveInstrumentation } from './receive.js';
import { sweepInstrumentation } from './sweep.js';
import { VERSION } from './version.js';

/**
 * Options of `enableTelemetry`: where spans and metrics go, when not to the global providers.
 *
 * @example
 * ```ts
 * const tracerProvider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
 * const disable = enableTelemetry({ tracerProvider });
 * ```
 */
export interface TelemetryOptions {
  /** Default: the global one (`trace.getTracerProvider()`, set by the OpenTelemetry SDK's `register()` or `NodeSDK`). */
  tracerProvider?: TracerProvider | undefined;
  /** Default: the global one (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider | undefined;
}

/**
 * Turns on OpenTelemetry traces and metrics in every entry of this package that does I/O: the
 * node, web and Lambda adapters (`anthropic.webhook.receive`), the queue
 * (`anthropic.webhook.enqueue`), the worker (`anthropic.webhook.process`), `fetchResource`
 * (`anthropic.webhook.fetch_resource`, with the SDK's own span inside) and the reconciliation
 * sweep (`anthropic.webhook.sweep`); see the Observability guide (docs/guide/observability.md) for every name. Tracer and
 * meter are named `managed-agents-webhooks`, with the package's version.
 *
 * Returns a function that turns it off again. Call it once, at startup, after the OpenTelemetry
 * SDK is set up; a second call replaces the first (whose off-function then does nothing). Spans
 * nest across `await`s only with a context manager, which the SDK's `NodeSDK` and
 * `NodeTracerProvider.register()` install. No other entry imports `@opentelemetry/api`, and until
 * this is called they pay one property read per call for it. A failing exporter or processor never
 * fails a delivery or a job: that recording is skipped.
 *
 * @example
 * ```ts
 * import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
 * import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
 * import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
 * import { enableTelemetry } from 'managed-agents-webhooks/telemetry';
 *
 * new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] }).register();
 * const disable = enableTelemetry();
 * process.once('SIGTERM', disable);
 * ```
 */
export function enableTelemetry(options: TelemetryOptions = {}): () => void {
  checkOptions(options, 'enableTelemetry options', '{ tracerProvider, meterProvider }');
  const { tracerProvider, meterProvider } = options;
  if (tracerProvider !== undefined && typeof tracerProvider?.getTracer !== 'function') {
    fail(
      'invalid_options',
      'enableTelemetry: tracerProvider must be an OpenTelemetry TracerProvider (with getTracer).',
    );
  }
  if (meterProvider !== undefined && typeof meterProvider?.getMeter !== 'function') {
    fail('invalid_options', 'enableTelemetry: meterProvider must be an OpenTelemetry MeterProvider (with getMeter).');
  }
  const tracer = (tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE, VERSION);
  const meter = (meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE, VERSION);
  const instruments = createInstruments(tracer, meter);
  // Accepted events → their receive span, for the enqueue that follows; weak, so events are freed as usual.
  const received = new WeakMap<object, SpanContext>();
  return install({
    receive: receiveInstrumentation(instruments, received),
    enqueue: enqueueInstrumentation(instruments, received),
    process: processInstrumentation(instruments),
    fetchResource: fetchInstrumentation(instruments),
    sweep: sweepInstrumentation(instruments),
  });
}
