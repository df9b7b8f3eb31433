// The real OpenTelemetry SDK as an application sets it up, with in-memory exporters: a
// NodeTracerProvider registered globally (which also installs the AsyncLocalStorage context manager
// and the W3C propagator) and a MeterProvider set as the global one.
import { metrics, type Attributes } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** One data point of a metric: its attributes, and its value (a sum, or a histogram's count and sum). */
export interface Point {
  attributes: Attributes;
  value: number;
  /** Histograms only. */
  count?: number;
}

export interface TestTelemetry {
  tracerProvider: NodeTracerProvider;
  meterProvider: MeterProvider;
  /** Every span ended so far. */
  spans(): ReadableSpan[];
  /** Spans of this package's tracer (scope `managed-agents-webhooks`). */
  ours(): ReadableSpan[];
  /** The points of one metric as of now (cumulative). */
  points(name: string): Promise<Point[]>;
  /** Forgets the spans ended so far (metrics are cumulative: compare before and after). */
  resetSpans(): void;
  shutdown(): Promise<void>;
}

export function startTestTelemetry(): TestTelemetry {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  tracerProvider.register();
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exports only when flushed: the tests read at the moments they choose.
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    tracerProvider,
    meterProvider,
    spans: () => spanExporter.getFinishedSpans(),
    ours: () =>
      spanExporter.getFinishedSpans().filter((span) => span.instrumentationScope.name === 'managed-agents-webhooks'),
    async points(name) {
      metricExporter.reset();
      await reader.forceFlush();
      const latest = metricExporter.getMetrics().at(-1);
      const found = latest?.scopeMetrics.flatMap((scope) => scope.metrics).find((m) => m.descriptor.name === name);
      return (found?.dataPoints ?? []).map((point: DataPoint<unknown>) => {
        const value = point.value;
        if (typeof value === 'number') return { attributes: point.attributes, value };
        const histogram = value as Histogram;
        return { attributes: point.attributes, value: histogram.sum ?? 0, count: histogram.count };
      });
    },
    resetSpans: () => spanExporter.reset(),
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** The sum of a metric's points whose attributes include `match`. */
export function total(points: Point[], match: Attributes): number {
  return points
    .filter((point) => Object.entries(match).every(([key, value]) => point.attributes[key] === value))
    .reduce((sum, point) => sum + (point.count ?? point.value), 0);
}
