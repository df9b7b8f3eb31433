// An AWS Lambda receiver: API Gateway HTTP API (payload 2.0), a Function URL, API Gateway REST
// (payload 1.0) or an ALB target all invoke the same handler.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { dispatch, isWebhookVerificationError, type WebhookEvent } from 'managed-agents-webhooks';
import { createIdempotencyGuard } from 'managed-agents-webhooks/idempotency';
import { unwrapLambdaEvent, type LambdaHttpEvent } from 'managed-agents-webhooks/lambda';

export interface WebhookHandlerOptions {
  /** The endpoint's `whsec_…` secret; defaults to ANTHROPIC_WEBHOOK_SIGNING_KEY. */
  secret?: string | undefined;
  /** Where the handlers report what they did. */
  log?: ((line: string) => void) | undefined;
}

type Result = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

/** A Lambda handler that verifies the delivery, dedupes on `event.id` and dispatches on `data.type`. */
export function createHandler(options: WebhookHandlerOptions = {}): (event: LambdaHttpEvent) => Promise<Result> {
  const log = options.log ?? console.log;
  // One warm instance's memory; concurrent instances do not share it, so in production pass
  // store: redisStore(client) (see "Duplicates and retries" in the main README).
  const guard = createIdempotencyGuard();

  return async (lambdaEvent) => {
    try {
      // The event as Lambda gave it: the adapter decodes a base64 body (isBase64Encoded) itself.
      const event = unwrapLambdaEvent(lambdaEvent, { secret: options.secret });
      const result = await guard.run(event.id, () => handle(event, log));
      // Another delivery of this event is still being handled: don't acknowledge it yet (it may fail).
      if (result.status === 'duplicate' && result.inFlight) {
        return json(409, {
          error: 'in_flight',
          message: 'Another delivery of this event is still being handled; retry later.',
        });
      }
      return json(200, { ok: true, duplicate: result.status === 'duplicate' });
    } catch (err) {
      // 400 refuses a bad delivery, 413 one too large, 500 is our own misconfiguration
      // (so the sender retries once the secret is fixed).
      if (isWebhookVerificationError(err)) return json(err.status, { error: err.code, message: err.message });
      console.error(err);
      return json(500, { error: 'handler_failed', message: 'The event could not be handled; the sender will retry.' });
    }
  };
}

/** The function's entry point (handler: handler.handler). */
export const handler: (event: APIGatewayProxyEventV2) => Promise<Result> = createHandler();

function json(statusCode: number, body: unknown): Result {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

async function handle(event: WebhookEvent, log: (line: string) => void): Promise<void> {
  await dispatch(event, {
    'session.status_idled': (e) => log(`session ${e.data.id} is idle`),
    'session.thread_created': (e) => log(`session ${e.data.id} started thread ${e.data.session_thread_id}`),
    'deployment_run.failed': (e) => log(`deployment run ${e.data.id} failed`),
    default: (e) => log(`${e.data.type} ${e.data.id}: no handler`),
  });
}
