// One delivery path end to end: a real HTTP request on 127.0.0.1 goes into a local API Gateway
// HTTP API emulator (@architect/sandbox), which turns it into a payload 2.0 event and invokes
// examples/aws-lambda/handler.ts in a Lambda-like child process.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret, sign } from '../src/index.js';
import { delivery, refusals } from './support/deliveries.js';
import { freePort, startService, type ServiceProcess } from './support/framework-process.js';
import { post } from './support/http.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = (path: string): string => join(root, path);

describe('examples/aws-lambda behind a local API Gateway HTTP API (payload 2.0) emulator', () => {
  const secret = generateSecret();
  let dir = '';
  let sandbox: ServiceProcess | undefined;
  let url = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'maw-lambda-e2e-'));
    const fn = join(dir, 'src/http/post-webhooks');
    mkdirSync(fn, { recursive: true });
    writeFileSync(join(dir, 'app.arc'), '@app\nmaw-lambda-e2e\n\n@http\npost /webhooks\n');
    // Read by the emulator into the function's environment, as Lambda's configuration would be.
    writeFileSync(join(dir, '.env'), `ANTHROPIC_WEBHOOK_SIGNING_KEY=${secret}\n`);
    // The example, bundled the way it would be deployed, with the built package (dist/) as a user's.
    await build({
      entryPoints: [source('examples/aws-lambda/handler.ts')],
      outfile: join(fn, 'index.mjs'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'error',
    });
    const sandboxPath = createRequire(import.meta.url).resolve('@architect/sandbox');
    const port = await freePort();
    writeFileSync(
      join(dir, 'run-sandbox.cjs'),
      [
        `const sandbox = require(${JSON.stringify(sandboxPath)});`,
        `sandbox.start({ cwd: __dirname, port: ${port}, host: '127.0.0.1', quiet: true })`,
        `  .then(() => console.log('SANDBOX_READY'), (e) => { console.error(e); process.exit(1); });`,
        `process.on('SIGTERM', () => sandbox.end().finally(() => process.exit(0)));`,
      ].join('\n'),
    );
    sandbox = await startService(process.execPath, ['run-sandbox.cjs'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        // Credentials set here stop the emulator's AWS client from probing instance metadata
        // (169.254.169.254) for real ones: this test talks to nothing but 127.0.0.1.
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_REGION: 'us-east-1',
        ARC_INTERNAL_PORT: String(await freePort()),
      },
      readyText: /SANDBOX_READY/,
      timeoutMs: 60_000,
    });
    url = `http://127.0.0.1:${port}/webhooks`;
  });

  afterAll(async () => {
    await sandbox?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a valid JSON delivery: the event arrives as text, isBase64Encoded false', async () => {
    const d = delivery(secret);
    expect(await post(url, d)).toEqual({ status: 200, body: { ok: true, duplicate: false } });
    await expect.poll(() => sandbox?.output() ?? '').toContain(`session ${d.dataId} is idle`);
  });

  it('accepts a delivery sent as application/octet-stream: the event arrives base64-encoded', async () => {
    const d = delivery(secret, { type: 'session.thread_created' });
    const answer = await post(url, { ...d, headers: { ...d.headers, 'content-type': 'application/octet-stream' } });
    expect(answer).toEqual({ status: 200, body: { ok: true, duplicate: false } });
  });

  it('accepts bytes that are not UTF-8 text only as signed: a tampered binary body is refused', async () => {
    const bytes = Uint8Array.from([0x7b, 0xff, 0xfe, 0x00, 0x7d]);
    const headers = sign({ id: 'msg_bin', timestamp: new Date(), body: bytes, secret });
    const flipped = Uint8Array.from([0x7b, 0xff, 0xfe, 0x01, 0x7d]);
    const answer = await post(url, flipped, { ...headers, 'content-type': 'application/octet-stream' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_signature');
  });

  it.each(refusals)('refuses $name with 400 $code', async ({ code, make }) => {
    const answer = await post(url, make(secret));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe(code);
  });

  it('refuses a validly signed delivery one byte over 1 MiB with 413 body_too_large', async () => {
    const answer = await post(url, delivery(secret, { padTo: 1024 * 1024 + 1 }));
    expect(answer.status).toBe(413);
    expect(answer.body.error).toBe('body_too_large');
  });
});
