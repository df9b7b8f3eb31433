import { Controller, HttpCode, Inject, Post, Req, type RawBodyRequest } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { WebhookVerificationError, dispatch, type WebhookEvent } from 'managed-agents-webhooks';
import { createIdempotencyGuard } from 'managed-agents-webhooks/idempotency';
import { unwrapNodeRequest } from 'managed-agents-webhooks/node';
import { MAX_BODY_BYTES, WEBHOOK_OPTIONS, type WebhookModuleOptions } from './options.js';

/** What both platforms hand the controller: Express's `Request` and Fastify's `FastifyRequest` fit. */
type PlatformRequest = RawBodyRequest<{ headers: IncomingHttpHeaders; body?: unknown }>;

/** An event another delivery is still handling: answered 409 by the exception filter. */
export class InFlightError extends Error {}

@Controller('webhooks')
export class WebhooksController {
  // Claims event.id before handling, releases it if handling throws (so the retry is handled).
  private readonly guard = createIdempotencyGuard();

  constructor(@Inject(WEBHOOK_OPTIONS) private readonly options: WebhookModuleOptions) {}

  @Post()
  @HttpCode(200)
  async receive(@Req() req: PlatformRequest): Promise<{ ok: true; duplicate: boolean }> {
    if (req.rawBody === undefined) {
      // NestFactory.create(…, { rawBody: true }) was not passed, or bodyParser: false turned it off.
      throw new WebhookVerificationError(
        'invalid_body',
        'req.rawBody is missing: create the app with NestFactory.create(AppModule, { rawBody: true }) and keep the body parser on, so the exact bytes that were signed are kept.',
      );
    }
    // rawBody is the Buffer the platform's JSON parser read; req.body is only its parse.
    const event = await unwrapNodeRequest(
      { headers: req.headers, rawBody: req.rawBody },
      { secret: this.options.secret, maxBodyBytes: MAX_BODY_BYTES },
    );
    const result = await this.guard.run(event.id, () => this.handle(event));
    // Another delivery of this event is still being handled: don't acknowledge it yet (it may fail).
    if (result.status === 'duplicate' && result.inFlight) throw new InFlightError();
    return { ok: true, duplicate: result.status === 'duplicate' };
  }

  private async handle(event: WebhookEvent): Promise<void> {
    const log = this.options.log ?? console.log;
    await dispatch(event, {
      'session.status_idled': (e) => log(`session ${e.data.id} is idle`),
      'session.thread_created': (e) => log(`session ${e.data.id} started thread ${e.data.session_thread_id}`),
      'deployment_run.failed': (e) => log(`deployment run ${e.data.id} failed`),
      default: (e) => log(`${e.data.type} ${e.data.id}: no handler`),
    });
  }
}
