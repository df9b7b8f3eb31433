import { Hono } from 'hono';
import { WebhookVerificationError, dispatch, type WebhookEvent } from 'managed-agents-webhooks';
import { unwrapRequest } from 'managed-agents-webhooks/web';

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
  const seen = recentIds(10_000);
  const app = new Hono();

  app.post('/webhooks', async (c) => {
    // c.req.raw, not c.req.json(): the adapter needs the body's exact bytes, unread.
    const event = await unwrapRequest(c.req.raw, { secret: options.secret });
    if (!seen.claim(event.id)) return c.json({ ok: true, duplicate: true });
    try {
      await handle(event, log);
    } catch (err) {
      seen.release(event.id);
      throw err;
    }
    return c.json({ ok: true, duplicate: false });
  });

  app.onError((err, c) => {
    if (err instanceof WebhookVerificationError) {
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

/**
 * Event ids already handled, in memory and bounded: enough for one process. Deliveries are
 * at-least-once, so with several instances or restarts keep the ids in a shared store instead.
 * An id is claimed before handling (a concurrent re-delivery is not handled twice) and released
 * if handling fails (the sender's retry is handled again).
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
