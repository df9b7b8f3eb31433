// POST /api/webhooks in a Next.js App Router project. Route files may export only route
// handlers and route config, so the helpers below stay private to this file.
import { WebhookVerificationError, dispatch, type WebhookEvent } from 'managed-agents-webhooks';
import { unwrapRequest } from 'managed-agents-webhooks/web';

const seen = recentIds(10_000);

export async function POST(request: Request): Promise<Response> {
  try {
    // The request itself, not request.json(): the adapter needs the body's exact bytes, unread.
    const event = await unwrapRequest(request, { secret: process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY });
    if (!seen.claim(event.id)) return Response.json({ ok: true, duplicate: true });
    try {
      await handle(event);
    } catch (err) {
      seen.release(event.id);
      throw err;
    }
    return Response.json({ ok: true, duplicate: false });
  } catch (err) {
    if (err instanceof WebhookVerificationError) {
      // 400 refuses a bad delivery, 413 one too large, 500 is our own misconfiguration
      // (so the sender retries once the secret is fixed).
      return Response.json({ error: err.code, message: err.message }, { status: err.status });
    }
    console.error(err);
    return Response.json({ error: 'handler_failed', message: 'The event could not be handled; the sender will retry.' }, { status: 500 });
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

/**
 * Event ids already handled, in memory and bounded: one server instance only. On serverless
 * hosts every instance has its own memory, so keep the ids in a shared store (Redis, a database)
 * in production. An id is claimed before handling and released if handling fails.
 */
function recentIds(limit: number): { claim(id: string): boolean; release(id: string): void } {
  const ids = new Set<string>();
  return {
    claim(id) {
      if (ids.has(id)) return false;
      if (ids.size >= limit) ids.delete(ids.values().next().value as string);
      ids.add(id);
      return true;
    },
    release(id) {
      ids.delete(id);
    },
  };
}
