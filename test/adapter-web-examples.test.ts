import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import bun from '../examples/bun/index.js';
import worker from '../examples/cloudflare-worker/worker.js';
import deno from '../examples/deno/main.js';
import { POST } from '../examples/nextjs-app-router/app/api/webhooks/route.js';
import { generateSecret } from '../src/index.js';
import { delivery, type Delivery } from './support/deliveries.js';

// The runtimes themselves are not here; each example's handler is called with the Request its
// runtime would pass, which is all the web adapter sees.
const secret = generateSecret();
const url = 'https://receiver.test/webhooks';
// The Worker's env binding; the other examples read the stubbed environment.
let binding: string | undefined = secret;

const examples: ReadonlyArray<[string, (request: Request) => Promise<Response>]> = [
  ['nextjs-app-router (POST in app/api/webhooks/route.ts)', (request) => POST(request)],
  [
    'cloudflare-worker (secret from the env binding)',
    (request) => worker.fetch(request, { ANTHROPIC_WEBHOOK_SIGNING_KEY: binding as string }),
  ],
  ['deno (secret from Deno.env)', (request) => deno.fetch(request)],
  ['bun (secret from process.env)', (request) => bun.fetch(request)],
];

function requestOf(d: Pick<Delivery, 'body' | 'headers'>, at = url): Request {
  return new Request(at, { method: 'POST', body: d.body, headers: d.headers });
}

async function answer(response: Response): Promise<{ status: number; body: Record<string, unknown> }> {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe.each(examples)('examples/%s', (_name, handle) => {
  const logs: string[] = [];

  beforeEach(() => {
    vi.stubEnv('ANTHROPIC_WEBHOOK_SIGNING_KEY', secret);
    vi.stubGlobal('Deno', { env: { get: (name: string) => process.env[name] } });
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void logs.push(String(line)));
  });
  afterEach(() => {
    binding = secret;
    vi.unstubAllEnvs();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('handles a valid delivery once, then answers its re-delivery as a duplicate', async () => {
    const d = delivery(secret, { type: 'session.thread_created' });
    expect(await answer(await handle(requestOf(d)))).toEqual({ status: 200, body: { ok: true, duplicate: false } });
    expect(logs.some((line) => line.startsWith(`session ${d.dataId} started thread sthr_`))).toBe(true);
    const again = delivery(secret, { type: 'session.thread_created', eventId: d.eventId });
    expect(await answer(await handle(requestOf(again)))).toEqual({ status: 200, body: { ok: true, duplicate: true } });
  });

  it('refuses a delivery signed with another secret with 400 invalid_signature', async () => {
    const { status, body } = await answer(await handle(requestOf(delivery(generateSecret()))));
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_signature');
  });

  it('refuses an oversized delivery with 413 body_too_large', async () => {
    const { status, body } = await answer(await handle(requestOf(delivery(secret, { padTo: 1024 * 1024 + 1 }))));
    expect(status).toBe(413);
    expect(body.error).toBe('body_too_large');
  });

  it('answers 500 missing_secret when the deployment has no secret, so the sender retries later', async () => {
    vi.stubEnv('ANTHROPIC_WEBHOOK_SIGNING_KEY', undefined);
    binding = undefined;
    const { status, body } = await answer(await handle(requestOf(delivery(secret))));
    expect(status).toBe(500);
    expect(body.error).toBe('missing_secret');
  });
});
