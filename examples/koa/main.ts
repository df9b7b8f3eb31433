// Starts the receiver: ANTHROPIC_WEBHOOK_SIGNING_KEY=whsec_… node main.ts (Node 22.6+ runs
// TypeScript with --experimental-strip-types; 23.6+ by default).
import { createApp } from './server.ts';

const port = Number(process.env.PORT ?? 3000);
createApp({ log: console.log }).listen(port, () => {
  console.log(`POST deliveries to http://localhost:${port}/webhooks`);
});
