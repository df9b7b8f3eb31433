import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isWebhookVerificationError } from 'managed-agents-webhooks';
import { unwrapNodeRequest } from 'managed-agents-webhooks/node';
import type { EventQueue } from 'managed-agents-webhooks/queue';
import { APPROVAL_PATH } from './links.ts';

export interface ReceiverOptions {
  /** Where verified events go: `createEventQueue({ connection })`. */
  queue: EventQueue;
  /** The reviewers' answers: `createAnswerHandler(…)`. */
  answer: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** The endpoint's `whsec_…` secret; defaults to ANTHROPIC_WEBHOOK_SIGNING_KEY. */
  secret?: string | undefined;
}

/**
 * POST /webhooks: verify, store in Redis, 204 (the worker does the rest). GET and POST /approvals:
 * the reviewer's answer from the Slack message.
 */
export function createReceiver(options: ReceiverOptions): Server {
  return createServer(async (req, res) => {
    const path = req.url?.split('?')[0];
    if (path === APPROVAL_PATH) return options.answer(req, res);
    if (req.method !== 'POST' || path !== '/webhooks') {
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
