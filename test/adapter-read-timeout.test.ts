// readTimeoutMs over a real loopback socket, on both adapters: a body that stalls or drips is
// refused with 408 body_timeout within the limit; a normal 1 MiB body is not affected.
import { createServer, type Server } from 'node:http';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrapNodeRequest } from '../src/adapters/node.js';
import { unwrapRequest } from '../src/adapters/web.js';
import { generateSecret, isWebhookVerificationError } from '../src/index.js';
import { delivery } from './support/deliveries.js';
import { close, listen, post } from './support/http.js';
import { rawRequest, sleep } from './support/raw-client.js';

const secret = generateSecret();
const READ_TIMEOUT_MS = 400;
// Scheduling slack on a loaded 2-core machine: an answer must still come long before the body would end.
const SLACK_MS = 1_000;

/** What the handler answers for an outcome: 200 with the type, or the refusal's status and code. */
function answer(outcome: { type: string } | unknown): { status: number; body: string } {
  if (isWebhookVerificationError(outcome))
    return { status: outcome.status, body: JSON.stringify({ error: outcome.code }) };
  if (outcome instanceof Error) throw outcome;
  return { status: 200, body: JSON.stringify({ ok: true, type: (outcome as { type: string }).type }) };
}

// The timeout under test is small on /small-timeout; /default keeps the 10 s default.
const timeoutFor = (path: string): number | undefined => (path === '/small-timeout' ? READ_TIMEOUT_MS : undefined);

const servers: Array<[string, () => Promise<{ base: string; server: Server }>]> = [
  [
    'node adapter (node:http)',
    async () => {
      const server = createServer((req, res) => {
        unwrapNodeRequest(req, { secret, readTimeoutMs: timeoutFor(req.url ?? '') })
          .then(
            (event) => ({ type: event.data.type }),
            (error: unknown) => error,
          )
          .then((outcome) => {
            const { status, body } = answer(outcome);
            if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json' }).end(body);
          });
      });
      return { base: await listen(server), server };
    },
  ],
  [
    'web adapter (@hono/node-server)',
    () =>
      new Promise((resolve) => {
        const server = serve(
          {
            fetch: async (request: Request) => {
              const path = new URL(request.url).pathname;
              const outcome = await unwrapRequest(request, { secret, readTimeoutMs: timeoutFor(path) }).then(
                (event) => ({ type: event.data.type }),
                (error: unknown) => error,
              );
              const { status, body } = answer(outcome);
              return new Response(body, { status, headers: { 'content-type': 'application/json' } });
            },
            port: 0,
            hostname: '127.0.0.1',
          },
          (info) => resolve({ base: `http://127.0.0.1:${info.port}`, server: server as Server }),
        );
      }),
  ],
];

describe.each(servers)('readTimeoutMs: %s', (_name, start) => {
  let base = '';
  let server: Server;
  beforeAll(async () => {
    ({ base, server } = await start());
  });
  afterAll(() => close(server));

  it('refuses a body that stalls after its first bytes with 408 body_timeout, within the timeout', async () => {
    const d = delivery(secret);
    const exchange = rawRequest(base, '/small-timeout', { ...d.headers, 'content-length': String(d.body.length) });
    try {
      exchange.socket.write(d.body.slice(0, 20)); // …and nothing more
      const got = await exchange.answer;
      expect(got.status).toBe(408);
      expect(JSON.parse(got.body)).toEqual({ error: 'body_timeout' });
      expect(got.ms).toBeGreaterThanOrEqual(READ_TIMEOUT_MS - 50);
      expect(got.ms).toBeLessThan(READ_TIMEOUT_MS + SLACK_MS);
    } finally {
      exchange.socket.destroy();
    }
  });

  it('refuses a body dripped a byte at a time with 408 body_timeout, within the timeout', async () => {
    const d = delivery(secret);
    const exchange = rawRequest(base, '/small-timeout', { ...d.headers, 'content-length': String(d.body.length) });
    let sent = 0;
    let answered = false;
    void exchange.answer.finally(() => void (answered = true)).catch(() => {});
    try {
      // At 25 ms a byte the whole body would take several seconds; the loop is bounded by its length.
      for (; sent < d.body.length && !answered && !exchange.socket.destroyed; sent++) {
        exchange.socket.write(d.body[sent] as string);
        await sleep(25);
      }
      const got = await exchange.answer;
      expect(got.status).toBe(408);
      expect(JSON.parse(got.body)).toEqual({ error: 'body_timeout' });
      expect(got.ms).toBeLessThan(READ_TIMEOUT_MS + SLACK_MS);
      expect(sent).toBeLessThan(d.body.length);
    } finally {
      exchange.socket.destroy();
    }
  });

  it('accepts a normal 1 MiB delivery with the default timeout and with a small one', async () => {
    for (const path of ['/default', '/small-timeout']) {
      const got = await post(`${base}${path}`, delivery(secret, { padTo: 1024 * 1024 }));
      expect(got.status, path).toBe(200);
      expect(got.body.ok).toBe(true);
    }
  });

  it('refuses a bad readTimeoutMs as invalid_options before reading', async () => {
    for (const readTimeoutMs of [0, -1, Number.NaN, '10' as never]) {
      const request = new Request('http://127.0.0.1/', { method: 'POST', body: '{}' });
      await expect(unwrapRequest(request, { secret, readTimeoutMs })).rejects.toMatchObject({
        code: 'invalid_options',
      });
    }
  });
});
