// The receiving process: verify, store in Redis, answer 204. It does no work of its own, so a
// delivery is answered in milliseconds and a crash loses nothing Redis already has.
//   PORT=3000 REDIS_URL=redis://127.0.0.1:6379 ANTHROPIC_WEBHOOK_SIGNING_KEY=whsec_… node receiver-main.ts
import { createServer, type ServerResponse } from 'node:http';
import { isWebhookVerificationError } from 'managed-agents-webhooks';
import { unwrapNodeRequest } from 'managed-agents-webhooks/node';
import { createEventQueue } from 'managed-agents-webhooks/queue';

const queue = createEventQueue({ connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' } });
queue.queue.on('error', (error) => console.error(`queue: ${error.message}`));
const port = Number(process.env.PORT ?? 3000);

const server = createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url?.split('?')[0] !== '/webhooks') {
    return reply(res, 404, { error: 'not_found', message: 'POST deliveries to /webhooks.' });
  }
  try {
    // The secret comes from ANTHROPIC_WEBHOOK_SIGNING_KEY.
    const event = await unwrapNodeRequest(req);
    await queue.enqueue(event); // enqueued or a duplicate: either way Redis has it
    res.writeHead(204).end();
  } catch (err) {
    if (isWebhookVerificationError(err)) return reply(res, err.status, { error: err.code, message: err.message });
    // Not stored: a non-2xx makes the sender retry, and whatever it gives up on the sweep finds.
    console.error(err);
    reply(res, 503, { error: 'queue_unavailable', message: 'The event could not be stored; retry later.' });
  }
});

function reply(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

server.listen(port, '127.0.0.1', () => console.log(`POST deliveries to http://127.0.0.1:${port}/webhooks`));
process.once('SIGTERM', () => server.close(() => void queue.close()));
