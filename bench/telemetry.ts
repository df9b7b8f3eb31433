// The receive path's cost of telemetry: the Lambda adapter (synchronous, the least other work per
// call, so any overhead shows most) and the node adapter, each in three states measured side by
// side in one process — before (the same sources built with the receive observation replaced by a
// direct call: no alarm, no hook read), off (as shipped, enableTelemetry never called) and on
// (enableTelemetry with the OpenTelemetry SDK, spans to an exporter that discards them).
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { build, type Plugin } from 'esbuild';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pathToFileURL } from 'node:url';
import { createSampleEvent, generateSecret, sign } from '../src/index.js';
import { enableTelemetry } from '../src/telemetry/index.js';

const ROUNDS = 9;
const ON_ROUNDS = 5;
const COPIES = 3;
const ROUND_MS = 150;
const WARMUP_MS = 600;
/** The target: with telemetry off, the receive path keeps ≥ 0.98 of its speed before. */
const OFF_TARGET = 0.98;

type Receivers = {
  unwrapLambdaEvent: (event: object, options: object) => unknown;
  unwrapNodeRequest: (req: object, options: object) => Promise<unknown>;
};

const ENTRY = `
  export { unwrapLambdaEvent } from './src/lambda/index.ts';
  export { unwrapNodeRequest } from './src/adapters/node.ts';
`;

/**
 * "Before": the adapters' watch of each delivery (the alarm, the hook read, the refusal hooks)
 * replaced by one that does nothing; what is left of the change is a try/catch and a closure.
 */
const withoutObservation: Plugin = {
  name: 'without-receive-watch',
  setup(b) {
    b.onResolve({ filter: /instrument\/receive\.js$/ }, () => ({ path: 'receive', namespace: 'pass-through' }));
    b.onLoad({ filter: /.*/, namespace: 'pass-through' }, () => ({
      contents:
        'const watch = { accepted: (result) => result, refused: (error) => error };\n' +
        'export const watchReceive = () => watch;\n',
      loader: 'js',
    }));
  },
};

async function variant(name: string, plugins: Plugin[]): Promise<Receivers> {
  const outfile = join(process.cwd(), '.cache', `bench-receive-${name}.mjs`);
  await build({
    stdin: { contents: ENTRY, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    outfile,
    plugins,
    logLevel: 'warning',
  });
  return (await import(pathToFileURL(outfile).href)) as Receivers;
}

/** Operations per CPU second over one round of `ms` wall time, as in run.ts. */
function roundSync(fn: () => unknown, ms: number): number {
  let ops = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 16; i++) fn();
    ops += 16;
  }
  const used = process.cpuUsage(cpu);
  return (ops * 1e6) / Math.max(1, used.user + used.system);
}

async function roundAsync(fn: () => Promise<unknown>, ms: number): Promise<number> {
  let ops = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 16; i++) await fn();
    ops += 16;
  }
  const used = process.cpuUsage(cpu);
  return (ops * 1e6) / Math.max(1, used.user + used.system);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? 0;
}

/** The SDK as an application runs it, with exporters that drop what they are given. */
function sdk(): { enable: () => () => void; shutdown: () => Promise<void> } {
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [
      new SimpleSpanProcessor({ export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} }),
    ],
  });
  const reader: MetricReader = new PeriodicExportingMetricReader({
    exporter: { export: (_metrics, done) => done({ code: 0 }), forceFlush: async () => {}, shutdown: async () => {} },
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    enable: () => enableTelemetry({ tracerProvider, meterProvider }),
    shutdown: async () => {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** Prints the table and returns the targets: off ≥ 0.98× before, per adapter. */
export async function telemetryBench(): Promise<Array<[string, boolean]>> {
  // Copies of each state: identical code in two copies runs up to ~10% apart on a busy machine
  // (code placement, inline caches), so each state is the pool of COPIES copies. The on-state has
  // copies of its own: sharing one, its spans would make the off-rounds' call sites polymorphic,
  // which no process running in one state sees.
  const copies = (state: string, plugins: Plugin[]): Promise<Receivers[]> =>
    Promise.all(Array.from({ length: COPIES }, (_, i) => variant(`${state}-${i}`, plugins)));
  const [before, off, [on]] = await Promise.all([
    copies('before', [withoutObservation]),
    copies('off', []),
    copies('on', []),
  ]);
  const secret = generateSecret();
  const body = JSON.stringify(createSampleEvent('session.status_idled'));
  const headers = sign({ id: 'msg_bench_telemetry', timestamp: new Date(), body, secret });
  const event = { headers, body };
  const options = { secret };
  const otel = sdk();

  // A collection before every round: garbage one round leaves (the on-rounds' spans above all)
  // must not be collected on the next one's time.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;

  const rows: string[] = [];
  const targets: Array<[string, boolean]> = [];
  for (const [adapter, call] of [
    ['unwrapLambdaEvent', (r: Receivers) => () => r.unwrapLambdaEvent(event, options)],
    ['unwrapNodeRequest', (r: Receivers) => () => r.unwrapNodeRequest(event, options)],
  ] as const) {
    const measure = async (fn: () => unknown, ms: number, telemetry = false): Promise<number> => {
      gc();
      const disable = telemetry ? otel.enable() : undefined;
      try {
        return adapter === 'unwrapLambdaEvent' ? roundSync(fn, ms) : await roundAsync(fn as () => Promise<unknown>, ms);
      } finally {
        disable?.();
      }
    };
    // Before and off interleave, copy by copy, in alternating order; on runs afterwards.
    const states = [before, off].map((receivers) => receivers.map((r) => ({ fn: call(r), samples: [] as number[] })));
    const all = states.flat();
    for (let pass = 0; pass < 3; pass++) for (const c of all) await measure(c.fn, WARMUP_MS / 3);
    for (let r = 0; r < ROUNDS; r++) {
      for (const c of r % 2 === 0 ? all : [...all].reverse()) c.samples.push(await measure(c.fn, ROUND_MS));
    }
    const withTelemetry = call(on as Receivers);
    await measure(withTelemetry, WARMUP_MS, true);
    const onSamples: number[] = [];
    for (let r = 0; r < ON_ROUNDS; r++) onSamples.push(await measure(withTelemetry, ROUND_MS, true));
    const [b, o] = states.map((copiesOf) => median(copiesOf.flatMap((c) => c.samples))) as [number, number];
    const ratio = o / b;
    const n = median(onSamples);
    const fmt = (ops: number): string => Math.round(ops).toLocaleString('en-US');
    const perCallUs = (ops: number): number => 1e6 / ops;
    rows.push(
      `| ${adapter} | ${fmt(b)} | ${fmt(o)} | ${ratio.toFixed(3)}× | ${fmt(n)} | ${(n / b).toFixed(3)}× | +${(perCallUs(n) - perCallUs(b)).toFixed(2)} µs |`,
    );
    targets.push([
      `receive path with telemetry off ≥ ${OFF_TARGET}× before, ${adapter}: ${ratio.toFixed(3)}×`,
      ratio >= OFF_TARGET,
    ]);
  }
  await otel.shutdown();

  console.log(
    `\ntelemetry on the receive path: operations per CPU second, median of ${ROUNDS} rounds of ${ROUND_MS} ms on each of ${COPIES} copies of before and of off, interleaved, then ${ON_ROUNDS} with telemetry on, a GC before each; before = the same build without the receive observation (alarm and hook); on = enableTelemetry with the OpenTelemetry SDK, spans and metrics to exporters that discard them\n`,
  );
  console.log('| adapter | before | off | off / before | on | on / before | on costs per call |');
  console.log('|---|--:|--:|--:|--:|--:|--:|');
  for (const row of rows) console.log(row);
  return targets;
}
