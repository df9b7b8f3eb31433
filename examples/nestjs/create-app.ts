import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { MAX_BODY_BYTES, type WebhookModuleOptions } from './options.js';

/** On Express: `rawBody: true` keeps the bytes the JSON parser read on `req.rawBody`. */
export async function createExpressApp(options: WebhookModuleOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(options), {
    rawBody: true,
    logger: false,
  });
  // body-parser's default limit is 100 kB; match the adapter's.
  app.useBodyParser('json', { limit: MAX_BODY_BYTES });
  return app;
}

/** On Fastify: the same `rawBody: true`; Fastify's own body limit is set to the adapter's. */
export async function createFastifyApp(options: WebhookModuleOptions = {}): Promise<NestFastifyApplication> {
  return NestFactory.create<NestFastifyApplication>(
    AppModule.register(options),
    new FastifyAdapter({ bodyLimit: MAX_BODY_BYTES }),
    { rawBody: true, logger: false },
  );
}
