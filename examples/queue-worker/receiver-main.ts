// The receiving process: REDIS_URL=redis://127.0.0.1:6379 ANTHROPIC_WEBHOOK_SIGNING_KEY=whsec_… node receiver-main.ts
// (Node 22.6+ runs TypeScript with --experimental-strip-types; 23.6+ by default).
import { createEventQueue } from 'managed-agents-webhooks/queue';
import { createReceiver } from './receiver.ts';

const queue = createEventQueue({ connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' } });
const port = Number(process.env.PORT ?? 3000);
const server = createReceiver({ queue }).listen(port, () => {
  console.log(`POST deliveries to http://localhost:${port}/webhooks`);
});
process.once('SIGTERM', () => server.close(() => void queue.close()));
