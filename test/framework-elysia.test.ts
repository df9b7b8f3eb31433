// Elysia's own request handling (routing, the `parse: 'none'` route option, its Response) behind a
// node:http server on 127.0.0.1; `npm run test:runtimes` runs the same app under Bun, its home.
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { describe } from 'vitest';
import { createApp } from '../examples/elysia/app.js';
import { close, listen } from './support/http.js';
import { receiverContract } from './support/receiver-contract.js';

describe('examples/elysia: the web adapter on the Request Elysia hands the route', () => {
  receiverContract(async ({ secret, log }) => {
    const app = createApp({ secret, log });
    const server = createAdaptorServer({ fetch: (request: Request) => app.handle(request) }) as Server;
    const base = await listen(server);
    return { url: `${base}/webhooks`, stop: () => close(server) };
  });
});
