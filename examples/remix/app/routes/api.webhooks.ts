// app/routes/api.webhooks.ts in a Remix app: the route's action receives the POST.
// The type is @remix-run/node's too; taken from server-runtime, which declares no Node globals.
import type { ActionFunctionArgs } from '@remix-run/server-runtime';
import { isWebhookVerificationError } from 'managed-agents-webhooks';
import { unwrapRequest } from 'managed-agents-webhooks/web';

export async function action({ request }: ActionFunctionArgs): Promise<Response> {
  try {
    // The Request itself, unread: never `await request.json()` or `request.formData()` first.
    const event = await unwrapRequest(request, { secret: process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY });
    console.log(`${event.data.type} ${event.data.id}`); // dedupe on event.id, then handle
    return Response.json({ ok: true });
  } catch (err) {
    if (!isWebhookVerificationError(err)) throw err;
    return Response.json({ error: err.code, message: err.message }, { status: err.status });
  }
}
