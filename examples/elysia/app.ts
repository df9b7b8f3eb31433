// An Elysia app (Bun, or Node through an adapter): POST /webhooks with the web adapter.
import { Elysia } from 'elysia';
import { dispatch, isWebhookVerificationError, type WebhookEvent } from 'managed-agents-webhooks';
import { createIdempotencyGuard } from 'managed-agents-webhooks/idempotency';
import { unwrapRequest } from 'managed-agents-webhooks/web';

export interface WebhookAppOptions {
  /** The endpoint's `whsec_…` secret; defaults to ANTHROPIC_WEBHOOK_SIGNING_KEY. */
  secret?: string | undefined;
  /** Where the handlers report what they did. */
  log?: ((line: string) => void) | undefined;
}

export function createApp(options: WebhookAppOptions = {}) {
  const log = options.log ?? console.log;
  // Claims event.id before handling, releases it if handling throws (so the retry is handled).
  const guard = createIdempotencyGuard();

  return new Elysia().post(
    '/webhooks',
    async ({ request }) => {
      try {
        // `request` is the raw Request; `parse: 'none'` below keeps Elysia from reading it first.
        const event = await unwrapRequest(request, { secret: options.secret });
        const result = await guard.run(event.id, () => handle(event, log));
        // Another delivery of this event is still being handled: don't acknowledge it yet (it may fail).
        if (result.status === 'duplicate' && result.inFlight) {
          return Response.json(
            { error: 'in_flight', message: 'Another delivery of this event is still being handled; retry later.' },
            { status: 409 },
          );
        }
        return Response.json({ ok: true, duplicate: result.status === 'duplicate' });
      } catch (err) {
        if (!isWebhookVerificationError(err)) throw err;
        // 400 refuses a bad delivery, 413 one too large, 500 is our own misconfiguration.
        return Response.json({ error: err.code, message: err.message }, { status: err.status });
      }
    },
    { parse: 'none' },
  );
}

async function handle(event: WebhookEvent, log: (line: string) => void): Promise<void> {
  await dispatch(event, {
    'session.status_idled': (e) => log(`session ${e.data.id} is idle`),
    'session.thread_created': (e) => log(`session ${e.data.id} started thread ${e.data.session_thread_id}`),
    'deployment_run.failed': (e) => log(`deployment run ${e.data.id} failed`),
    default: (e) => log(`${e.data.type} ${e.data.id}: no handler`),
  });
}
