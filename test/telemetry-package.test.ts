// The built package, as an app that loads both builds gets it (a bundler or a CommonJS dependency
// pulling in one, the app the other): enableTelemetry from the CommonJS build turns on the spans of
// the ESM build too, the off-function turns off both, and one refusal streak spans both builds.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside the package, so `managed-agents-webhooks` resolves to it through its exports map.
const script = join(root, '.cache', `telemetry-package-${process.pid}.mjs`);
afterAll(() => rmSync(script, { force: true }));

const SOURCE = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { enableTelemetry } = require('managed-agents-webhooks/telemetry');
const esm = await import('managed-agents-webhooks/lambda');
const cjs = require('managed-agents-webhooks/lambda');
const root = await import('managed-agents-webhooks');
const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const secret = root.generateSecret();
const body = JSON.stringify(root.createSampleEvent('session.status_idled'));
const headers = root.sign({ id: 'msg_cross', timestamp: new Date(), body, secret });
const off = enableTelemetry({ tracerProvider });
esm.unwrapLambdaEvent({ headers, body }, { secret });
cjs.unwrapLambdaEvent({ headers, body }, { secret });
off();
esm.unwrapLambdaEvent({ headers, body }, { secret });
cjs.unwrapLambdaEvent({ headers, body }, { secret });
const spans = exporter.getFinishedSpans().map((span) => span.name);
const warnings = [];
console.warn = (message) => warnings.push(String(message));
for (let i = 0; i < 5; i++) {
  for (const build of [esm, cjs]) {
    try { build.unwrapLambdaEvent({ headers, body }, { secret: root.generateSecret() }); } catch {}
  }
}
console.log(JSON.stringify({ spans, warnings }));
`;

it('one enableTelemetry and one refusal streak across the ESM and CommonJS builds', () => {
  if (!existsSync(join(root, 'dist/telemetry.cjs'))) throw new Error('dist/ is missing: run npm run build first');
  mkdirSync(join(root, '.cache'), { recursive: true });
  writeFileSync(script, SOURCE);
  const out = execFileSync(process.execPath, [script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  const { spans, warnings } = JSON.parse(out) as { spans: string[]; warnings: string[] };
  expect(spans).toEqual(['anthropic.webhook.receive', 'anthropic.webhook.receive']);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain('10 webhook deliveries in a row were refused (invalid_signature ×10)');
});
