// The receiving process: verify, enqueue, 204. It does no work of its own.
//   PORT=3000 REDIS_URL=redis://127.0.0.1:6379 ANTHROPIC_WEBHOOK_SIGNING_KEY=whsec_… node receiver-main.ts
import { createEventQueue } from 'managed-agents-webhooks/queue';
import { createReceiver } from './receiver.ts';

const queue = createEventQueue({ connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' } });
queue.queue.on('error', (error) => console.error(`queue: ${error.message}`));
const port = Number(process.env.PORT ?? 3000);

const server = createReceiver({ queue });
server.listen(port, '127.0.0.1', () => console.log(`POST deliveries to http://127.0.0.1:${port}/webhooks`));
process.once('SIGTERM', () => server.close(() => void queue.close()));
