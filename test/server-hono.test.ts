import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../examples/hono/server.js';
import { unwrapRequest } from '../src/adapters/web.js';
import { WebhookVerificationError, generateSecret } from '../src/index.js';
import { delivery } from './support/deliveries.js';
import { close, post } from './support/http.js';
import { receiverContract } from './support/receiver-contract.js';

/** Serves a Hono app on @hono/node-server at an ephemeral loopback port. */
async function start(app: Hono): Promise<{ base: string; server: Server }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({ base: `http://127.0.0.1:${info.port}`, server: server as Server });
    });
  });
}

describe('examples/hono: unwrapRequest on c.req.raw, served by @hono/node-server', () => {
  receiverContract(async ({ secret, log }) => {
    const { base, server } = await start(createApp({ secret, log }));
    return { url: `${base}/webhooks`, stop: () => close(server) };
  });
});

describe('Hono when the body was read first', () => {
  const secret = generateSecret();
  let running: { base: string; server: Server } | undefined;

  beforeAll(async () => {
    const app = new Hono();
    app.post('/webhooks', async (c) => {
      await c.req.json();
      const event = await unwrapRequest(c.req.raw, { secret });
      return c.json({ ok: true, type: event.data.type });
    });
    app.onError((err, c) => {
      if (!(err instanceof WebhookVerificationError)) throw err;
      return c.json({ error: err.code, message: err.message }, err.status);
    });
    running = await start(app);
  });
  afterAll(async () => {
    if (running) await close(running.server);
  });

  it('refuses with 400 invalid_body saying the body was already read', async () => {
    const answer = await post(`${running?.base}/webhooks`, delivery(secret));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_body');
    expect(answer.body.message).toContain('already read');
  });
});
