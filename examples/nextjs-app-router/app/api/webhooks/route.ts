// POST /api/webhooks in a Next.js App Router project. Route files may export only route
// handlers and route config, so the helpers below stay private to this file.
import { dispatch, isWebhookVerificationError, type WebhookEvent } from 'managed-agents-webhooks';
import { unwrapRequest } from 'managed-agents-webhooks/web';
import { createIdempotencyGuard } from 'managed-agents-webhooks/idempotency';

// Claims event.id before handling, releases it if handling throws (so the retry is handled).
const guard = createIdempotencyGuard();

export async function POST(request: Request): Promise<Response> {
  try {
    // The request itself, not request.json(): the adapter needs the body's exact bytes, unread.
    const event = await unwrapRequest(request, { secret: process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY });
    const result = await guard.run(event.id, () => handle(event));
    // Another delivery of this event is still being handled: don't acknowledge it yet (it may fail),
    // so the sender retries; by then it is done, or its claim lapsed and this delivery runs it.
    if (result.status === 'duplicate' && result.inFlight) {
      return Response.json(
        { error: 'in_flight', message: 'Another delivery of this event is still being handled; retry later.' },
        { status: 409 },
      );
    }
    return Response.json({ ok: true, duplicate: result.status === 'duplicate' });
  } catch (err) {
    if (isWebhookVerificationError(err)) {
      // 400 refuses a bad delivery, 408/413 one too slow or too large, 500 is our own
      // misconfiguration (so the sender retries once the secret is fixed). After 408/413 the rest
      // of the body is still unread on the connection, and Next.js would keep it alive: close it.
      const headers: HeadersInit = err.status === 408 || err.status === 413 ? { connection: 'close' } : {};
      return Response.json({ error: err.code, message: err.message }, { status: err.status, headers });
    }
    console.error(err);
    return Response.json(
      { error: 'handler_failed', message: 'The event could not be handled; the sender will retry.' },
      { status: 500 },
    );
  }
}

async function handle(event: WebhookEvent): Promise<void> {
  await dispatch(event, {
    'session.status_idled': (e) => console.log(`session ${e.data.id} is idle`),
    'session.thread_created': (e) => console.log(`session ${e.data.id} started thread ${e.data.session_thread_id}`),
    'deployment_run.failed': (e) => console.log(`deployment run ${e.data.id} failed`),
    default: (e) => console.log(`${e.data.type} ${e.data.id}: no handler`),
  });
}
