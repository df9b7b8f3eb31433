// The spans leave the process as an application ships them: the OpenTelemetry SDK's OTLP/HTTP
// exporter, posting to a loopback collector of ours that decodes the body.
import Anthropic from '@anthropic-ai/sdk';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSampleEvent, generateSecret } from '../src/index.js';
import { unwrapLambdaEvent } from '../src/lambda/index.js';
import { fetchResource } from '../src/resources/index.js';
import { enableTelemetry } from '../src/telemetry/index.js';
import { delivery } from './support/deliveries.js';
import { startOtlpCollector, type OtlpCollector } from './support/otlp-collector.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
let collector: OtlpCollector;

beforeAll(async () => {
  collector = await startOtlpCollector();
});
afterAll(async () => {
  await collector?.close();
});

it('exports every span over OTLP/HTTP: names, scope and version as the contract says', async () => {
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: collector.tracesUrl }))],
  });
  const disable = enableTelemetry({ tracerProvider });
  try {
    const secret = generateSecret();
    const accepted = delivery(secret);
    const refused = delivery(generateSecret());
    unwrapLambdaEvent({ headers: accepted.headers, body: accepted.body }, { secret, refusalAlarm: false });
    expect(() =>
      unwrapLambdaEvent({ headers: refused.headers, body: refused.body }, { secret, refusalAlarm: false }),
    ).toThrow(expect.objectContaining({ code: 'invalid_signature' }));
    // A deletion needs no request: the client (pointed nowhere) is never called.
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: 'http://127.0.0.1:9', maxRetries: 0 });
    const gone = await fetchResource(client, createSampleEvent('session.deleted'));
    expect(gone).toEqual({ status: 'gone' });
    await tracerProvider.forceFlush();
  } finally {
    disable();
    await tracerProvider.shutdown();
  }
  expect(collector.spans.map((span) => span.name)).toEqual([
    'anthropic.webhook.receive',
    'anthropic.webhook.receive',
    'anthropic.webhook.fetch_resource',
  ]);
  for (const span of collector.spans) {
    expect(span).toMatchObject({ scope: 'managed-agents-webhooks', scopeVersion: pkg.version });
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
  }
});
