import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from 'express';
import { dispatch, isWebhookVerificationError, type WebhookEvent } from 'managed-agents-webhooks';
import { unwrapNodeRequest } from 'managed-agents-webhooks/node';
import { createIdempotencyGuard } from 'managed-agents-webhooks/idempotency';

export interface WebhookAppOptions {
  /** The endpoint's `whsec_…` secret; defaults to ANTHROPIC_WEBHOOK_SIGNING_KEY. */
  secret?: string | undefined;
  /** Where the handlers report what they did; silent by default. */
  log?: ((line: string) => void) | undefined;
}

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * POST /webhooks: verifies the delivery, ignores a re-delivery of an event already handled, and
 * dispatches on `data.type`. Answers `{ ok: true, duplicate }`, or `{ error: code, message }`
 * with the error's status. Mount it before any `express.json()`.
 */
export function createWebhookRouter(options: WebhookAppOptions = {}): Router {
  const log = options.log ?? ((): void => {});
  // Claims event.id before handling, releases it if handling throws (so the retry is handled).
  const guard = createIdempotencyGuard();

  const receive: RequestHandler = async (req, res) => {
    // Express 5 passes a rejected promise to answerError below.
    const event = await unwrapNodeRequest(req, { secret: options.secret, maxBodyBytes: MAX_BODY_BYTES });
    const result = await guard.run(event.id, () => handle(event, log));
    // Another delivery of this event is still being handled: don't acknowledge it yet (it may fail),
    // so the sender retries; by then it is done, or its claim lapsed and this delivery runs it.
    if (result.status === 'duplicate' && result.inFlight) {
      res
        .status(409)
        .json({ error: 'in_flight', message: 'Another delivery of this event is still being handled; retry later.' });
      return;
    }
    res.json({ ok: true, duplicate: result.status === 'duplicate' });
  };

  const router = express.Router();
  // express.raw leaves the exact bytes that were signed on req.body as a Buffer. Its own limit
  // (100 kB by default) is raised to the adapter's.
  router.post('/webhooks', express.raw({ type: 'application/json', limit: MAX_BODY_BYTES }), receive, answerError);
  return router;
}

/** An app with the webhook route first and JSON parsing for everything after it. */
export function createApp(options: WebhookAppOptions = {}): Express {
  const app = express();
  app.use(createWebhookRouter(options));
  app.use(express.json());
  return app;
}

const answerError: ErrorRequestHandler = (err, _req, res, _next) => {
  if (isWebhookVerificationError(err)) {
    // 400 refuses a bad delivery, 413 one too large, 500 is our own misconfiguration
    // (so the sender retries once the secret is fixed).
    res.status(err.status).json({ error: err.code, message: err.message });
    return;
  }
  if ((err as { type?: unknown } | null)?.type === 'entity.too.large') {
    // express.raw refused the body before the route ran: the same answer the adapter gives.
    res
      .status(413)
      .json({ error: 'body_too_large', message: `The request body is over the ${MAX_BODY_BYTES}-byte limit.` });
    return;
  }
  console.error(err);
  res.status(500).json({ error: 'handler_failed', message: 'The event could not be handled; the sender will retry.' });
};

async function handle(event: WebhookEvent, log: (line: string) => void): Promise<void> {
  await dispatch(event, {
    'session.status_idled': (e) => log(`session ${e.data.id} is idle`),
    'session.thread_created': (e) => log(`session ${e.data.id} started thread ${e.data.session_thread_id}`),
    'deployment_run.failed': (e) => log(`deployment run ${e.data.id} failed`),
    default: (e) => log(`${e.data.type} ${e.data.id}: no handler`),
  });
}
