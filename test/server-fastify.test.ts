import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, webhookRoutes } from '../examples/fastify/server.js';
import { unwrapNodeRequest } from '../src/adapters/node.js';
import { WebhookVerificationError, generateSecret } from '../src/index.js';
import { delivery } from './support/deliveries.js';
import { post } from './support/http.js';
import { receiverContract } from './support/receiver-contract.js';

async function start(app: FastifyInstance): Promise<string> {
  return app.listen({ port: 0, host: '127.0.0.1' });
}

describe('examples/fastify: a buffer content-type parser keeps the bytes, unwrapNodeRequest verifies them (Fastify 5)', () => {
  receiverContract(async ({ secret, log }) => {
    const app = buildServer({ secret, log });
    const base = await start(app);
    return { url: `${base}/webhooks`, stop: () => app.close() };
  });
});

describe('Fastify 5 around the webhook plugin', () => {
  const secret = generateSecret();
  const apps: FastifyInstance[] = [];
  let base = '';

  beforeAll(async () => {
    const app = Fastify();
    await app.register(webhookRoutes({ secret }));
    // Outside the plugin, JSON is parsed as usual.
    app.post('/echo', async (request) => ({ parsed: request.body }));

    // Default JSON parser: request.body is an object, its bytes are gone.
    app.post('/parsed', async (request, reply) => respond(reply, () => unwrapNodeRequest(request, { secret })));

    // The fastify-raw-body pattern: the body parsed as JSON, the raw text kept on request.rawBody.
    await app.register(async (scope) => {
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
        (request as unknown as { rawBody: unknown }).rawBody = text;
        done(null, JSON.parse(text as string));
      });
      scope.post('/raw-body', async (request, reply) => respond(reply, () => unwrapNodeRequest(request, { secret })));
    });

    apps.push(app);
    base = await start(app);
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  async function respond(
    reply: { code(status: number): { send(body: unknown): unknown } },
    verify: () => Promise<{ data: { type: string } }>,
  ): Promise<unknown> {
    try {
      return { ok: true, type: (await verify()).data.type };
    } catch (err) {
      if (!(err instanceof WebhookVerificationError)) throw err;
      return reply.code(err.status).send({ error: err.code, message: err.message });
    }
  }

  it('keeps parsing JSON for routes outside the plugin', async () => {
    const answer = await post(`${base}/echo`, '{"a":1}', { 'content-type': 'application/json' });
    expect(answer).toEqual({ status: 200, body: { parsed: { a: 1 } } });
  });

  it('with the default JSON parser, refuses a valid delivery with 400 invalid_body showing the Fastify fix', async () => {
    const answer = await post(`${base}/parsed`, delivery(secret));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_body');
    expect(answer.body.message).toContain("{ parseAs: 'buffer' }");
  });

  it('verifies request.rawBody when the body itself was parsed (fastify-raw-body)', async () => {
    expect(await post(`${base}/raw-body`, delivery(secret))).toEqual({
      status: 200,
      body: { ok: true, type: 'session.status_idled' },
    });
  });
});
