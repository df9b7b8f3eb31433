import { createServer, type Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createWebhookRouter } from '../examples/express/server.js';
import { unwrapNodeRequest } from '../src/adapters/node.js';
import { WebhookVerificationError, generateSecret } from '../src/index.js';
import { chunkedBody, delivery } from './support/deliveries.js';
import { close, listen, post } from './support/http.js';
import { receiverContract } from './support/receiver-contract.js';

describe('examples/express: express.raw keeps the Buffer, unwrapNodeRequest verifies it (Express 5)', () => {
  receiverContract(async ({ secret, log }) => {
    const server = createServer(createApp({ secret, log }));
    const base = await listen(server);
    return { url: `${base}/webhooks`, stop: () => close(server) };
  });
});

describe('Express 5 set up the wrong way and the other ways round', () => {
  const secret = generateSecret();
  const servers: Server[] = [];
  let jsonFirst = '';
  let noParser = '';

  beforeAll(async () => {
    // The common mistake: express.json() for the whole app, mounted before the webhook route.
    const wrong = express();
    wrong.use(express.json());
    wrong.use(createWebhookRouter({ secret }));

    // No body parser on the route at all: the adapter reads the request stream itself.
    const bare = express();
    bare.post('/webhooks', async (req, res) => {
      try {
        const event = await unwrapNodeRequest(req, { secret });
        res.json({ ok: true, type: event.data.type });
      } catch (err) {
        if (!(err instanceof WebhookVerificationError)) throw err;
        res.status(err.status).json({ error: err.code, message: err.message });
      }
    });
    bare.use(express.json());

    servers.push(createServer(wrong), createServer(bare));
    jsonFirst = `${await listen(servers[0] as Server)}/webhooks`;
    noParser = `${await listen(servers[1] as Server)}/webhooks`;
  });
  afterAll(async () => {
    await Promise.all(servers.map(close));
  });

  it('with express.json() mounted first, refuses a valid delivery with 400 invalid_body showing the fix', async () => {
    const answer = await post(jsonFirst, delivery(secret));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_body');
    expect(answer.body.message).toContain("express.raw({ type: 'application/json' })");
    expect(answer.body.message).toContain("{ parseAs: 'buffer' }");
  });

  it('without any body parser on the route, verifies by reading the request stream', async () => {
    expect(await post(noParser, delivery(secret))).toEqual({
      status: 200,
      body: { ok: true, type: 'session.status_idled' },
    });
  });

  it('without any body parser, refuses an oversized chunked body with 413 from the adapter itself', async () => {
    const answer = await post(noParser, chunkedBody(3 * 1024 * 1024), delivery(secret).headers);
    expect(answer.status).toBe(413);
    expect(answer.body.error).toBe('body_too_large');
    expect(answer.body.message).toContain('maxBodyBytes');
  });
});
