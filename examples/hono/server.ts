import { Hono } from 'hono';
import { dispatch, isWebhookVerificationError, type WebhookEvent } from 'managed-agents-webhooks';
import { unwrapRequest } from 'managed-agents-webhooks/web';
import { createIdempotencyGuard } from 'managed-agents-webhooks/idempotency';

export interface WebhookAppOptions {
  /** The endpoint's `whsec_…` secret; defaults to ANTHROPIC_WEBHOOK_SIGNING_KEY. */
  secret?: string | undefined;
  /** Where the handlers report what they did; silent by default. */
  log?: ((line: string) => void) | undefined;
}

/**
 * POST /webhooks: verifies the delivery, ignores a re-delivery of an event already handled, and
 * dispatches on `data.type`. Answers `{ ok: true, duplicate }`, or `{ error: code, message }`
 * with the error's status. The same app runs on Node (main.ts), Workers, Deno and Bun.
 */
export function createApp(options: WebhookAppOptions = {}): Hono {
  const log = options.log ?? ((): void => {});
  // Claims event.id before handling, releases it if handling throws (so the retry is handled).
  const guard = createIdempotencyGuard();
  const app = new Hono();

  app.post('/webhooks', async (c) => {
    // c.req.raw, not c.req.json(): the adapter needs the body's exact bytes, unread.
    const event = await unwrapRequest(c.req.raw, { secret: options.secret });
    const result = await guard.run(event.id, () => handle(event, log));
    // Another delivery of this event is still being handled: don't acknowledge it yet (it may fail),
    // so the sender retries; by then it is done, or its claim lapsed and this delivery runs it.
    if (result.status === 'duplicate' && result.inFlight) {
      return c.json(
        { error: 'in_flight', message: 'Another delivery of this event is still being handled; retry later.' },
        409,
      );
    }
    return c.json({ ok: true, duplicate: result.status === 'duplicate' });
  });

  app.onError((err, c) => {
    if (isWebhookVerificationError(err)) {
      // 400 refuses a bad delivery, 413 one too large, 500 is our own misconfiguration
      // (so the sender retries once the secret is fixed).
      return c.json({ error: err.code, message: err.message }, err.status);
    }
    console.error(err);
    return c.json({ error: 'handler_failed', message: 'The event could not be handled; the sender will retry.' }, 500);
  });

  return app;
}

async function handle(event: WebhookEvent, log: (line: string) => void): Promise<void> {
  await dispatch(event, {
    'session.status_idled': (e) => log(`session ${e.data.id} is idle`),
    'session.thread_created': (e) => log(`session ${e.data.id} started thread ${e.data.session_thread_id}`),
    'deployment_run.failed': (e) => log(`deployment run ${e.data.id} failed`),
    default: (e) => log(`${e.data.type} ${e.data.id}: no handler`),
  });
}
