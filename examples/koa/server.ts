import Koa, { type Middleware } from 'koa';
import { dispatch, isWebhookVerificationError, type WebhookEvent } from 'managed-agents-webhooks';
import { createIdempotencyGuard } from 'managed-agents-webhooks/idempotency';
import { unwrapNodeRequest } from 'managed-agents-webhooks/node';

export interface WebhookAppOptions {
  /** The endpoint's `whsec_…` secret; defaults to ANTHROPIC_WEBHOOK_SIGNING_KEY. */
  secret?: string | undefined;
  /** Where the handlers report what they did; silent by default. */
  log?: ((line: string) => void) | undefined;
}

/**
 * POST /webhooks: reads the raw request stream (`ctx.req`) through the Node adapter, ignores a
 * re-delivery of an event already handled, and dispatches on `data.type`. Mount it before any
 * body parser: a parser that ran first has drained `ctx.req`, and the delivery is refused with
 * 400 invalid_body.
 */
export function webhookMiddleware(options: WebhookAppOptions = {}): Middleware {
  const log = options.log ?? ((): void => {});
  // Claims event.id before handling, releases it if handling throws (so the retry is handled).
  const guard = createIdempotencyGuard();

  return async (ctx, next) => {
    if (ctx.path !== '/webhooks' || ctx.method !== 'POST') return next();
    try {
      // ctx.req is Node's IncomingMessage: the adapter reads its bytes as they were signed.
      const event = await unwrapNodeRequest(ctx.req, { secret: options.secret });
      const result = await guard.run(event.id, () => handle(event, log));
      // Another delivery of this event is still being handled: don't acknowledge it yet (it may fail).
      if (result.status === 'duplicate' && result.inFlight) {
        ctx.status = 409;
        ctx.body = {
          error: 'in_flight',
          message: 'Another delivery of this event is still being handled; retry later.',
        };
        return;
      }
      ctx.body = { ok: true, duplicate: result.status === 'duplicate' };
    } catch (err) {
      if (!isWebhookVerificationError(err)) throw err;
      // 400 refuses a bad delivery, 413 one too large, 500 is our own misconfiguration.
      ctx.status = err.status;
      ctx.body = { error: err.code, message: err.message };
    }
  };
}

/** An app with the webhook route first; put body parsers for other routes after it. */
export function createApp(options: WebhookAppOptions = {}): Koa {
  const app = new Koa();
  app.use(webhookMiddleware(options));
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
