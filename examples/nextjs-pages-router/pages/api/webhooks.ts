// POST /api/webhooks in a Next.js Pages Router project.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dispatch, isWebhookVerificationError, type WebhookEvent } from 'managed-agents-webhooks';
import { createIdempotencyGuard } from 'managed-agents-webhooks/idempotency';
import { unwrapNodeRequest } from 'managed-agents-webhooks/node';

// Exactly this name and shape: Next.js then leaves the request stream unread for the adapter.
// A misspelt export (`configs`, `api: { bodyparser }`) is ignored without a warning, the body is
// parsed as JSON, and every delivery is refused with 400 invalid_body.
export const config = { api: { bodyParser: false } };

// Claims event.id before handling, releases it if handling throws (so the retry is handled).
const guard = createIdempotencyGuard();

type Answer = { ok: true; duplicate: boolean } | { error: string; message: string };

// Typed with node:http rather than NextApiRequest/NextApiResponse (which work the same) to keep
// Next's global type augmentations out of this repository's type check.
export default async function handler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') {
    send(res.setHeader('allow', 'POST'), 405, { error: 'method_not_allowed', message: 'POST deliveries here.' });
    return;
  }
  try {
    // req is Node's IncomingMessage, unread: the adapter reads the exact bytes that were signed.
    const event = await unwrapNodeRequest(req, { secret: process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY });
    const result = await guard.run(event.id, () => handle(event));
    // Another delivery of this event is still being handled: don't acknowledge it yet (it may fail).
    if (result.status === 'duplicate' && result.inFlight) {
      send(res, 409, {
        error: 'in_flight',
        message: 'Another delivery of this event is still being handled; retry later.',
      });
      return;
    }
    send(res, 200, { ok: true, duplicate: result.status === 'duplicate' });
  } catch (err) {
    if (isWebhookVerificationError(err)) {
      // 400 refuses a bad delivery, 413 one too large, 500 is our own misconfiguration.
      send(res, err.status, { error: err.code, message: err.message });
      return;
    }
    console.error(err);
    send(res, 500, { error: 'handler_failed', message: 'The event could not be handled; the sender will retry.' });
  }
}

function send(res: ServerResponse, status: number, body: Answer): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function handle(event: WebhookEvent): Promise<void> {
  await dispatch(event, {
    'session.status_idled': (e) => console.log(`session ${e.data.id} is idle`),
    'session.thread_created': (e) => console.log(`session ${e.data.id} started thread ${e.data.session_thread_id}`),
    'deployment_run.failed': (e) => console.log(`deployment run ${e.data.id} failed`),
    default: (e) => console.log(`${e.data.type} ${e.data.id}: no handler`),
  });
}
