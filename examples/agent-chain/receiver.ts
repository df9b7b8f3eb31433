import { createServer, type Server, type ServerResponse } from 'node:http';
import { isWebhookVerificationError } from 'managed-agents-webhooks';
import { unwrapNodeRequest } from 'managed-agents-webhooks/node';
import type { EventQueue } from 'managed-agents-webhooks/queue';

export interface ReceiverOptions {
  /** Where verified events go: `createEventQueue({ connection })`. */
  queue: EventQueue;
  /** The endpoint's `whsec_…` secret; defaults to ANTHROPIC_WEBHOOK_SIGNING_KEY. */
  secret?: string | undefined;
}

/**
 * POST /webhooks: verify, store the event in Redis, answer 204 — the worker does the rest, so a
 * delivery is answered in milliseconds and a crash loses nothing Redis already has.
 */
export function createReceiver(options: ReceiverOptions): Server {
  return createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/webhooks') {
      return reply(res, 404, { error: 'not_found', message: 'POST deliveries to /webhooks.' });
    }
    try {
      const event = await unwrapNodeRequest(req, { secret: options.secret });
      await options.queue.enqueue(event); // enqueued or a duplicate: either way Redis has it
      res.writeHead(204).end();
    } catch (err) {
      if (isWebhookVerificationError(err)) return reply(res, err.status, { error: err.code, message: err.message });
      // Not stored: a non-2xx makes the sender retry.
      console.error(err);
      reply(res, 503, { error: 'queue_unavailable', message: 'The event could not be stored; retry later.' });
    }
  });
}

function reply(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
