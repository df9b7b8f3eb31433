// Starts the receiver: ANTHROPIC_WEBHOOK_SIGNING_KEY=whsec_… node main.ts (Node 22.6+ runs
// TypeScript with --experimental-strip-types; 23.6+ by default).
// The factory lives in server.ts without this side effect, so tests and the CLI demo import it.
import { createWebhookServer } from './server.ts';

const port = Number(process.env.PORT ?? 3000);
createWebhookServer({ log: console.log }).listen(port, () => {
  console.log(`POST deliveries to http://localhost:${port}/webhooks`);
});
