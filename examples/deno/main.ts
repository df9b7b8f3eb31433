// A Deno server receiving deliveries on POST /webhooks:
//   ANTHROPIC_WEBHOOK_SIGNING_KEY=whsec_… deno serve --allow-env=ANTHROPIC_WEBHOOK_SIGNING_KEY main.ts
// deno.json maps the package name to npm.
import { dispatch, isWebhookVerificationError, type WebhookEvent } from 'managed-agents-webhooks';
import { unwrapRequest } from 'managed-agents-webhooks/web';
import { createIdempotencyGuard } from 'managed-agents-webhooks/idempotency';

// The one Deno API used here, declared so the file also typechecks without Deno's types.
declare const Deno: { env: { get(name: string): string | undefined } };

// Claims event.id before handling, releases it if handling throws (so the retry is handled).
const guard = createIdempotencyGuard();

export default {
  async fetch(request: Request): Promise<Response> {
    if (request.method !== 'POST' || new URL(request.url).pathname !== '/webhooks') {
      return Response.json({ error: 'not_found', message: 'POST deliveries to /webhooks.' }, { status: 404 });
    }
    try {
      const event = await unwrapRequest(request, { secret: Deno.env.get('ANTHROPIC_WEBHOOK_SIGNING_KEY') });
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
        // 400 refuses a bad delivery, 413 one too large, 500 is our own misconfiguration
        // (so the sender retries once the secret is fixed).
        return Response.json({ error: err.code, message: err.message }, { status: err.status });
      }
      console.error(err);
      return Response.json(
        { error: 'handler_failed', message: 'The event could not be handled; the sender will retry.' },
        { status: 500 },
      );
    }
  },
};

async function handle(event: WebhookEvent): Promise<void> {
  await dispatch(event, {
    'session.status_idled': (e) => console.log(`session ${e.data.id} is idle`),
    'session.thread_created': (e) => console.log(`session ${e.data.id} started thread ${e.data.session_thread_id}`),
    'deployment_run.failed': (e) => console.log(`deployment run ${e.data.id} failed`),
    default: (e) => console.log(`${e.data.type} ${e.data.id}: no handler`),
  });
}
