// anthropic.webhook.receive and the deliveries metrics, with the real OpenTelemetry SDK and its
// in-memory exporters: nothing before enableTelemetry, one span per delivery after, ERROR with the
// code on refusal, nothing again after the off-function.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../src/index.js';
import { unwrapNodeRequest, verifyNodeRequest } from '../src/adapters/node.js';
import { unwrapRequest } from '../src/adapters/web.js';
import { unwrapLambdaEvent } from '../src/lambda/index.js';
import { enableTelemetry } from '../src/telemetry/index.js';
import { delivery, type Delivery } from './support/deliveries.js';
import { refusal } from './support/errors.js';
import { startTestTelemetry, total, type TestTelemetry } from './support/telemetry-sdk.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const secret = generateSecret();
const wrongSecret = generateSecret();
const quiet = { secret, refusalAlarm: false } as const;

let otel: TestTelemetry;
let disable: (() => void) | undefined;

beforeAll(() => {
  otel = startTestTelemetry();
});
afterEach(() => {
  disable?.();
  disable = undefined;
  otel.resetSpans();
});
afterAll(async () => {
  await otel.shutdown();
});

function request(d: Delivery): Request {
  return new Request('http://127.0.0.1/webhooks', { method: 'POST', headers: d.headers, body: d.body });
}

describe('without enableTelemetry', () => {
  it('emits no span and records nothing, though an SDK is registered', async () => {
    const d = delivery(secret);
    await unwrapNodeRequest({ headers: d.headers, body: d.body }, quiet);
    await refusal(unwrapRequest(request(d), { ...quiet, secret: wrongSecret }));
    expect(otel.spans()).toEqual([]);
    expect(await otel.points('anthropic.webhook.deliveries')).toEqual([]);
  });
});

describe('enableTelemetry', () => {
  it('an accepted delivery: one INTERNAL receive span with the ids, under the package scope and version', async () => {
    disable = enableTelemetry();
    const d = delivery(secret, { type: 'session.thread_idled' });
    const event = await unwrapNodeRequest({ headers: d.headers, body: d.body }, quiet);
    const [span, ...rest] = otel.ours();
    expect(rest).toEqual([]);
    expect(span?.name).toBe('anthropic.webhook.receive');
    expect(span?.kind).toBe(SpanKind.INTERNAL);
    expect(span?.instrumentationScope).toMatchObject({ name: 'managed-agents-webhooks', version: pkg.version });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(span?.attributes).toMatchObject({
      'anthropic.webhook.id': d.headers['webhook-id'],
      'anthropic.webhook.adapter': 'node',
      'anthropic.webhook.event.id': event.id,
      'anthropic.webhook.event.type': 'session.thread_idled',
      'anthropic.session.id': d.dataId,
      'anthropic.session.thread.id': (event.data as { session_thread_id: string }).session_thread_id,
    });
  });

  it('a refused delivery: status ERROR, error.type = the code, and the refused counter', async () => {
    disable = enableTelemetry();
    const before = await otel.points('anthropic.webhook.deliveries');
    const d = delivery(secret);
    const error = await refusal(unwrapRequest(request(d), { ...quiet, secret: wrongSecret }));
    expect(error.code).toBe('invalid_signature');
    const [span] = otel.ours();
    expect(span?.name).toBe('anthropic.webhook.receive');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes).toMatchObject({
      'error.type': 'invalid_signature',
      'anthropic.webhook.id': d.headers['webhook-id'],
      'anthropic.webhook.adapter': 'web',
    });
    const after = await otel.points('anthropic.webhook.deliveries');
    const refused = { outcome: 'refused', 'error.type': 'invalid_signature' };
    expect(total(after, refused) - total(before, refused)).toBe(1);
    const durations = await otel.points('anthropic.webhook.receive.duration');
    expect(total(durations, refused)).toBeGreaterThanOrEqual(1);
  });

  it('counts accepted deliveries per event type, from every adapter, and times them in seconds', async () => {
    disable = enableTelemetry();
    const match = { outcome: 'accepted', 'anthropic.webhook.event.type': 'session.status_idled' };
    const before = total(await otel.points('anthropic.webhook.deliveries'), match);
    const d = delivery(secret);
    await unwrapNodeRequest({ headers: d.headers, body: d.body }, quiet);
    await unwrapRequest(request(d), quiet);
    unwrapLambdaEvent({ headers: d.headers, body: d.body }, quiet);
    expect(total(await otel.points('anthropic.webhook.deliveries'), match) - before).toBe(3);
    expect(otel.ours().map((span) => span.attributes['anthropic.webhook.adapter'])).toEqual(['node', 'web', 'lambda']);
    const [point] = (await otel.points('anthropic.webhook.receive.duration')).filter(
      (p) => p.attributes['outcome'] === 'accepted',
    );
    // Seconds, not milliseconds: verifying a small delivery takes far less than one.
    expect(point?.value).toBeGreaterThan(0);
    expect(point?.value).toBeLessThan(point?.count ?? 0);
  });

  it('verify… entries get the span too, without an event type', async () => {
    disable = enableTelemetry();
    const d = delivery(secret);
    await verifyNodeRequest({ headers: d.headers, body: d.body }, quiet);
    const [span] = otel.ours();
    expect(span?.attributes['anthropic.webhook.id']).toBe(d.headers['webhook-id']);
    expect(span?.attributes['anthropic.webhook.event.type']).toBeUndefined();
  });

  it('the off-function stops it; a second enable replaces the first, whose off-function then does nothing', async () => {
    const first = enableTelemetry();
    first();
    const d = delivery(secret);
    unwrapLambdaEvent({ headers: d.headers, body: d.body }, quiet);
    expect(otel.ours()).toEqual([]);
    const second = enableTelemetry();
    const third = enableTelemetry();
    second();
    unwrapLambdaEvent({ headers: d.headers, body: d.body }, quiet);
    expect(otel.ours()).toHaveLength(1);
    third();
    unwrapLambdaEvent({ headers: d.headers, body: d.body }, quiet);
    expect(otel.ours()).toHaveLength(1);
  });

  it('takes providers of its own instead of the global ones', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    disable = enableTelemetry({ tracerProvider });
    const d = delivery(secret);
    unwrapLambdaEvent({ headers: d.headers, body: d.body }, quiet);
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['anthropic.webhook.receive']);
    expect(otel.ours()).toEqual([]);
  });

  it('a telemetry pipeline that throws never fails a delivery', async () => {
    const broken = {
      onStart: () => {
        throw new Error('processor bug');
      },
      onEnd: () => {
        throw new Error('processor bug');
      },
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const throwingProvider = {
      getTracer: () => new BasicTracerProvider({ spanProcessors: [broken] }).getTracer('x'),
    };
    const throwingMeterProvider = {
      getMeter: () => {
        throw new Error('no meter for you');
      },
    };
    expect(() => enableTelemetry({ meterProvider: throwingMeterProvider as never })).toThrow('no meter for you');
    disable = enableTelemetry({ tracerProvider: throwingProvider });
    const d = delivery(secret);
    const event = await unwrapRequest(request(d), quiet);
    expect(event.data.type).toBe('session.status_idled');
    const error = await refusal(unwrapRequest(request(d), { ...quiet, secret: wrongSecret }));
    expect(error.code).toBe('invalid_signature');
  });

  it('refuses options that are not providers with invalid_options', () => {
    expect(() => enableTelemetry(null as never)).toThrow(/enableTelemetry options must be an object/);
    expect(() => enableTelemetry({ tracerProvider: {} as never })).toThrow(
      /tracerProvider must be an OpenTelemetry TracerProvider/,
    );
    expect(() => enableTelemetry({ meterProvider: 'x' as never })).toThrow(
      /meterProvider must be an OpenTelemetry MeterProvider/,
    );
  });
});
