// Starts the receiver on Node: ANTHROPIC_WEBHOOK_SIGNING_KEY=whsec_… node main.ts (Node 22.6+
// runs TypeScript with --experimental-strip-types; 23.6+ by default). On Bun or Deno, serve
// createApp().fetch directly.
import { serve } from '@hono/node-server';
import { createApp } from './server.ts';

const port = Number(process.env.PORT ?? 3000);
serve({ fetch: createApp({ log: console.log }).fetch, port }, () => {
  console.log(`POST deliveries to http://localhost:${port}/webhooks`);
});
