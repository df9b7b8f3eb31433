import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, describe, expect, it } from 'vitest';
import { AppModule } from '../examples/nestjs/app.module.js';
import { createExpressApp, createFastifyApp } from '../examples/nestjs/create-app.js';
import { generateSecret } from '../src/index.js';
import { delivery } from './support/deliveries.js';
import { post } from './support/http.js';
import { receiverContract } from './support/receiver-contract.js';

async function start(app: INestApplication): Promise<{ url: string; stop(): Promise<void> }> {
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return {
    url: `${url.replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1')}/webhooks`,
    stop: () => app.close(),
  };
}

describe('examples/nestjs on Express: rawBody: true, req.rawBody, an exception filter', () => {
  receiverContract(async ({ secret, log }) => start(await createExpressApp({ secret, log })));
});

describe('examples/nestjs on Fastify: the same module on FastifyAdapter', () => {
  receiverContract(async ({ secret, log }) => start(await createFastifyApp({ secret, log })));
});

describe('NestJS set up without the raw body', () => {
  const secret = generateSecret();
  const apps: INestApplication[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  it.each([
    ['rawBody left out', { rawBody: false }],
    ['bodyParser: false, which also drops rawBody', { rawBody: true, bodyParser: false }],
  ])('%s: every delivery is refused with 400 invalid_body naming rawBody: true', async (_name, options) => {
    const app = await NestFactory.create(AppModule.register({ secret }), { ...options, logger: false });
    apps.push(app);
    const { url } = await start(app);
    const answer = await post(url, delivery(secret));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_body');
    expect(answer.body.message).toContain('{ rawBody: true }');
  });
});
