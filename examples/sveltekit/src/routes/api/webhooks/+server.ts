// src/routes/api/webhooks/+server.ts in a SvelteKit app (in your app, type POST with `./$types`).
import { json, type RequestHandler } from '@sveltejs/kit';
import { isWebhookVerificationError } from 'managed-agents-webhooks';
import { unwrapRequest } from 'managed-agents-webhooks/web';

export const POST: RequestHandler = async ({ request }) => {
  try {
    // The Request itself, unread: never `await request.json()` first.
    const event = await unwrapRequest(request, { secret: process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY });
    console.log(`${event.data.type} ${event.data.id}`); // dedupe on event.id, then handle
    return json({ ok: true });
  } catch (err) {
    if (!isWebhookVerificationError(err)) throw err;
    return json({ error: err.code, message: err.message }, { status: err.status });
  }
};
