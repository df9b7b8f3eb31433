import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookFunction } from '../examples/google-cloud-functions/handler.js';
import { generateSecret } from '../src/index.js';
import { delivery } from './support/deliveries.js';
import { freePort, startService, type ServiceProcess } from './support/framework-process.js';
import { close, listen, post } from './support/http.js';
import { receiverContract } from './support/receiver-contract.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('examples/google-cloud-functions: req.rawBody from the Functions Framework server', () => {
  receiverContract(
    async ({ secret, log }) => {
      http('webhooks', createWebhookFunction({ secret, log }));
      // The framework's own Express app, body parsers and all, as it serves a deployed function.
      const server = getTestServer('webhooks');
      const base = await listen(server);
      return { url: `${base}/`, stop: () => close(server) };
    },
    {
      frameworkParsesFirst: 'the Functions Framework reads and JSON-parses every body before the function runs',
    },
  );
});

describe('examples/google-cloud-functions under the functions-framework command', () => {
  const secret = generateSecret();
  let dir = '';
  let service: ServiceProcess | undefined;
  let url = '';

  beforeAll(async () => {
    // Inside the checkout, so the bundle's external framework import resolves to this repository's
    // copy, the one the command runs (a temp folder elsewhere may see another node_modules).
    mkdirSync(join(root, '.cache'), { recursive: true });
    dir = mkdtempSync(join(root, '.cache/gcf-'));
    await build({
      entryPoints: [join(root, 'examples/google-cloud-functions/index.ts')],
      outfile: join(dir, 'index.cjs'),
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      logLevel: 'error',
      // The framework is the one the command loads, not a second copy inside the bundle.
      external: ['@google-cloud/functions-framework'],
    });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ main: 'index.cjs' }));
    const port = await freePort();
    service = await startService(
      process.execPath,
      [
        join(root, 'node_modules/@google-cloud/functions-framework/build/src/main.js'),
        '--target=webhooks',
        `--port=${port}`,
      ],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: dir,
          NODE_PATH: join(root, 'node_modules'),
          ANTHROPIC_WEBHOOK_SIGNING_KEY: secret,
        },
        readyUrl: `http://127.0.0.1:${port}/`,
        timeoutMs: 30_000,
      },
    );
    url = `http://127.0.0.1:${port}/`;
  });
  afterAll(async () => {
    await service?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('verifies a delivery with the secret from the environment, and refuses a tampered one', async () => {
    const d = delivery(secret);
    expect(await post(url, d)).toEqual({ status: 200, body: { ok: true, duplicate: false } });
    expect(await post(url, { ...d, body: `${d.body} ` })).toMatchObject({
      status: 400,
      body: { error: 'invalid_signature' },
    });
  });
});
