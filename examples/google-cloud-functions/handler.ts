import type { HttpFunction } from '@google-cloud/functions-framework';
import { dispatch, isWebhookVerificationError, type WebhookEvent } from 'managed-agents-webhooks';
import { createIdempotencyGuard } from 'managed-agents-webhooks/idempotency';
import { unwrapNodeRequest } from 'managed-agents-webhooks/node';

export interface WebhookHandlerOptions {
  /** The endpoint's `whsec_…` secret; defaults to ANTHROPIC_WEBHOOK_SIGNING_KEY. */
  secret?: string | undefined;
  /** Where the handlers report what they did. */
  log?: ((line: string) => void) | undefined;
}

/**
 * An HTTP function that verifies the delivery, ignores a re-delivery of an event already handled,
 * and dispatches on `data.type`. The Functions Framework parses JSON into `req.body` and keeps the
 * exact bytes on `req.rawBody`, which the Node adapter verifies.
 */
export function createWebhookFunction(options: WebhookHandlerOptions = {}): HttpFunction {
  const log = options.log ?? console.log;
  // One instance's memory; Cloud Functions runs several, so in production pass
  // store: redisStore(client) (see "Duplicates and retries" in the main README).
  const guard = createIdempotencyGuard();

  return async (req, res) => {
    if (req.method !== 'POST') {
      res.status(405).json({ error: 'method_not_allowed', message: 'POST deliveries here.' });
      return;
    }
    try {
      // req.rawBody is used, never the parsed req.body: re-serialized JSON is not what was signed.
      const event = await unwrapNodeRequest(req, { secret: options.secret });
      const result = await guard.run(event.id, () => handle(event, log));
      // Another delivery of this event is still being handled: don't acknowledge it yet (it may fail).
      if (result.status === 'duplicate' && result.inFlight) {
        res
          .status(409)
          .json({ error: 'in_flight', message: 'Another delivery of this event is still being handled; retry later.' });
        return;
      }
      res.json({ ok: true, duplicate: result.status === 'duplicate' });
    } catch (err) {
      if (!isWebhookVerificationError(err)) throw err;
      // 400 refuses a bad delivery, 413 one too large, 500 is our own misconfiguration.
      res.status(err.status).json({ error: err.code, message: err.message });
    }
  };
}

async function handle(event: WebhookEvent, log: (line: string) => void): Promise<void> {
  await dispatch(event, {
    'session.status_idled': (e) => log(`session ${e.data.id} is idle`),
    'session.thread_created': (e) => log(`session ${e.data.id} started thread ${e.data.session_thread_id}`),
    'deployment_run.failed': (e) => log(`deployment run ${e.data.id} failed`),
    default: (e) => log(`${e.data.type} ${e.data.id}: no handler`),
  });
}
