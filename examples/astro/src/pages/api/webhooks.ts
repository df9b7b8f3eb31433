// src/pages/api/webhooks.ts in an Astro app with an SSR adapter (output: 'server', or this route
// opted out of prerendering as below).
import type { APIRoute } from 'astro';
import { isWebhookVerificationError } from 'managed-agents-webhooks';
import { unwrapRequest } from 'managed-agents-webhooks/web';

export const prerender = false;

export const POST: APIRoute = async ({ request }) => {
  try {
    // The Request itself, unread: never `await request.json()` first.
    const event = await unwrapRequest(request, { secret: process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY });
    console.log(`${event.data.type} ${event.data.id}`); // dedupe on event.id, then handle
    return Response.json({ ok: true });
  } catch (err) {
    if (!isWebhookVerificationError(err)) throw err;
    return Response.json({ error: err.code, message: err.message }, { status: err.status });
  }
};
