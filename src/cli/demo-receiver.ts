import { createServer, type Server, type ServerResponse } from 'node:http';
import { unwrapNodeRequest } from '../adapters/node.js';
import { isWebhookVerificationError } from '../core/errors.js';
import { createIdempotencyGuard } from '../idempotency/guard.js';

/**
 * The receiver `demo` sends to: examples/node-http's `createWebhookServer` with its handlers left
 * out (the demo judges the answers, not what a handler did). It lives here because the library
 * never imports an example: examples import the built package, like users.
 *
 * @example
 * const server = createDemoReceiver(generateSecret());
 * server.listen(0, '127.0.0.1');
 */
export function createDemoReceiver(secret: string): Server {
  // Claims event.id before handling, releases it if handling throws (so the retry is handled).
  const guard = createIdempotencyGuard();

  return createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/webhooks') {
      return reply(res, 404, { error: 'not_found', message: 'POST deliveries to /webhooks.' });
    }
    try {
      const event = await unwrapNodeRequest(req, { secret });
      const result = await guard.run(event.id, async () => {});
      // Another delivery of this event is still being handled: not acknowledged yet, so the sender retries.
      if (result.status === 'duplicate' && result.inFlight) {
        return reply(res, 409, {
          error: 'in_flight',
          message: 'Another delivery of this event is still being handled; retry later.',
        });
      }
      reply(res, 200, { ok: true, duplicate: result.status === 'duplicate' });
    } catch (err) {
      if (isWebhookVerificationError(err)) return reply(res, err.status, { error: err.code, message: err.message });
      console.error(err);
      reply(res, 500, { error: 'handler_failed', message: 'The event could not be handled; the sender will retry.' });
    }
  });
}

function reply(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
