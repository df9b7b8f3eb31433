import { createServer, type Server } from 'node:http';
import Koa from 'koa';
import getRawBody from 'raw-body';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, webhookMiddleware } from '../examples/koa/server.js';
import { unwrapNodeRequest } from '../src/adapters/node.js';
import { generateSecret, isWebhookVerificationError } from '../src/index.js';
import { delivery } from './support/deliveries.js';
import { close, listen, post } from './support/http.js';
import { receiverContract } from './support/receiver-contract.js';

describe('examples/koa: the Node adapter reads ctx.req (Koa 3)', () => {
  receiverContract(async ({ secret, log }) => {
    const server = createServer(createApp({ secret, log }).callback());
    const base = await listen(server);
    return { url: `${base}/webhooks`, stop: () => close(server) };
  });
});

describe('Koa with a JSON body parser in front of the webhook route', () => {
  const secret = generateSecret();
  const servers: Server[] = [];
  let parsedFirst = '';
  let rawKept = '';

  /** What a JSON body parser does: drain ctx.req, keep the object (and, if asked, the text). */
  const jsonParser =
    (keepRaw: boolean): Koa.Middleware =>
    async (ctx, next) => {
      const text = await getRawBody(ctx.req, { encoding: 'utf8', limit: '2mb' });
      (ctx.request as { body?: unknown }).body = JSON.parse(text) as unknown;
      if (keepRaw) (ctx.request as { rawBody?: string }).rawBody = text;
      await next();
    };

  beforeAll(async () => {
    const wrong = new Koa();
    wrong.use(jsonParser(false));
    wrong.use(webhookMiddleware({ secret }));

    // The documented way round it: pass the text the parser kept.
    const kept = new Koa();
    kept.use(jsonParser(true));
    kept.use(async (ctx) => {
      try {
        const rawBody = (ctx.request as { rawBody?: string }).rawBody;
        const event = await unwrapNodeRequest({ headers: ctx.req.headers, rawBody }, { secret });
        ctx.body = { ok: true, type: event.data.type };
      } catch (err) {
        if (!isWebhookVerificationError(err)) throw err;
        ctx.status = err.status;
        ctx.body = { error: err.code, message: err.message };
      }
    });

    servers.push(createServer(wrong.callback()), createServer(kept.callback()));
    parsedFirst = `${await listen(servers[0] as Server)}/webhooks`;
    rawKept = `${await listen(servers[1] as Server)}/webhooks`;
  });
  afterAll(async () => {
    await Promise.all(servers.map(close));
  });

  it('a parser that ran first leaves nothing to verify: 400 invalid_body saying the body was already read', async () => {
    const answer = await post(parsedFirst, delivery(secret));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_body');
    expect(answer.body.message).toContain('already read');
  });

  it('the raw text a parser kept on ctx.request.rawBody verifies', async () => {
    expect(await post(rawKept, delivery(secret))).toEqual({
      status: 200,
      body: { ok: true, type: 'session.status_idled' },
    });
  });
});
