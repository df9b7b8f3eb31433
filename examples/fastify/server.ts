import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { dispatch, isWebhookVerificationError, type WebhookEvent } from 'managed-agents-webhooks';
import { unwrapNodeRequest } from 'managed-agents-webhooks/node';
import { createIdempotencyGuard } from 'managed-agents-webhooks/idempotency';

export interface WebhookAppOptions {
  /** The endpoint's `whsec_…` secret; defaults to ANTHROPIC_WEBHOOK_SIGNING_KEY. */
  secret?: string | undefined;
  /** Where the handlers report what they did; silent by default. */
  log?: ((line: string) => void) | undefined;
}

/**
 * POST /webhooks as a plugin: verifies the delivery, ignores a re-delivery of an event already
 * handled, and dispatches on `data.type`. Answers `{ ok: true, duplicate }`, or
 * `{ error: code, message }` with the error's status.
 */
export function webhookRoutes(options: WebhookAppOptions = {}): FastifyPluginAsync {
  const log = options.log ?? ((): void => {});
  // Claims event.id before handling, releases it if handling throws (so the retry is handled).
  const guard = createIdempotencyGuard();

  return async (scope) => {
    // Inside this plugin only (Fastify encapsulation), JSON bodies stay the Buffer that was
    // signed; the rest of the app keeps parsing JSON. Fastify's bodyLimit (1 MiB) still applies.
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    scope.setErrorHandler((err, _request, reply) => {
      if (isWebhookVerificationError(err)) {
        // 400 refuses a bad delivery, 413 one too large, 500 is our own misconfiguration
        // (so the sender retries once the secret is fixed).
        return reply.code(err.status).send({ error: err.code, message: err.message });
      }
      if ((err as { code?: unknown } | null)?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        // Fastify refused the body before the route ran: the same answer the adapter gives.
        return reply.code(413).send({
          error: 'body_too_large',
          message: "The request body is over Fastify's bodyLimit (1 MiB by default).",
        });
      }
      scope.log.error(err);
      return reply
        .code(500)
        .send({ error: 'handler_failed', message: 'The event could not be handled; the sender will retry.' });
    });

    scope.post('/webhooks', async (request, reply) => {
      const event = await unwrapNodeRequest(request, { secret: options.secret });
      const result = await guard.run(event.id, () => handle(event, log));
      // Another delivery of this event is still being handled: don't acknowledge it yet (it may fail),
      // so the sender retries; by then it is done, or its claim lapsed and this delivery runs it.
      if (result.status === 'duplicate' && result.inFlight) {
        return reply
          .code(409)
          .send({ error: 'in_flight', message: 'Another delivery of this event is still being handled; retry later.' });
      }
      return { ok: true, duplicate: result.status === 'duplicate' };
    });
  };
}

/** An app with the webhook plugin registered. */
export function buildServer(options: WebhookAppOptions = {}): FastifyInstance {
  const app = Fastify();
  void app.register(webhookRoutes(options));
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
