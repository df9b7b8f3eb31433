import { createServer, type Server, type ServerResponse } from 'node:http';
import { dispatch, isWebhookVerificationError, type WebhookEvent } from 'managed-agents-webhooks';
import { unwrapNodeRequest } from 'managed-agents-webhooks/node';
import { createIdempotencyGuard } from 'managed-agents-webhooks/idempotency';

export interface WebhookServerOptions {
  /** The endpoint's `whsec_…` secret; defaults to ANTHROPIC_WEBHOOK_SIGNING_KEY. */
  secret?: string | undefined;
  /** Where the handlers report what they did; silent by default. */
  log?: ((line: string) => void) | undefined;
}

/**
 * A receiver for Managed Agents webhooks on plain `node:http`: POST /webhooks verifies the
 * delivery, ignores a re-delivery of an event it already handled, and dispatches on `data.type`.
 * Answers `{ ok: true, duplicate }`, or `{ error: code, message }` with the error's status.
 */
export function createWebhookServer(options: WebhookServerOptions = {}): Server {
  const log = options.log ?? ((): void => {});
  // Claims event.id before handling, releases it if handling throws (so the retry is handled).
  const guard = createIdempotencyGuard();

  return createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/webhooks') {
      return reply(res, 404, { error: 'not_found', message: 'POST deliveries to /webhooks.' });
    }
    try {
      const event = await unwrapNodeRequest(req, { secret: options.secret });
      const result = await guard.run(event.id, () => handle(event, log));
      // Another delivery of this event is still being handled: don't acknowledge it yet (it may fail),
      // so the sender retries; by then it is done, or its claim lapsed and this delivery runs it.
      if (result.status === 'duplicate' && result.inFlight) {
        return reply(res, 409, {
          error: 'in_flight',
          message: 'Another delivery of this event is still being handled; retry later.',
        });
      }
      reply(res, 200, { ok: true, duplicate: result.status === 'duplicate' });
    } catch (err) {
      // Not `instanceof`: the guard also holds when the error comes from another copy of the package
      // (its CommonJS build beside the ESM one, as bundlers and test runners can load).
      if (isWebhookVerificationError(err)) {
        // 400 refuses a bad delivery, 413 one too large, 500 is our own misconfiguration
        // (so the sender retries once the secret is fixed).
        return reply(res, err.status, { error: err.code, message: err.message });
      }
      console.error(err);
      reply(res, 500, { error: 'handler_failed', message: 'The event could not be handled; the sender will retry.' });
    }
  });
}

async function handle(event: WebhookEvent, log: (line: string) => void): Promise<void> {
  await dispatch(event, {
    'session.status_idled': (e) => log(`session ${e.data.id} is idle`),
    'session.thread_created': (e) => log(`session ${e.data.id} started thread ${e.data.session_thread_id}`),
    'deployment_run.failed': (e) => log(`deployment run ${e.data.id} failed`),
    default: (e) => log(`${e.data.type} ${e.data.id}: no handler`),
  });
}

function reply(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
