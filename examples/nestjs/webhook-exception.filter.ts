import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { isWebhookVerificationError } from 'managed-agents-webhooks';
import { InFlightError } from './webhooks.controller.js';
import { MAX_BODY_BYTES } from './options.js';

/**
 * Answers a refused delivery with the error's own status and `{ error: code, message }`, on
 * Express and Fastify alike (through the HTTP adapter). Registered for everything thrown on the
 * webhook route, so the platform's own "body too large" gets the same answer as the adapter's.
 */
@Catch()
export class WebhookExceptionFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response = host.switchToHttp().getResponse<unknown>();
    const [status, body] = answer(exception);
    httpAdapter.reply(response, body, status);
  }
}

function answer(exception: unknown): [number, { error: string; message: string }] {
  // isWebhookVerificationError, not instanceof: it holds across the package's ESM and CJS copies.
  if (isWebhookVerificationError(exception)) {
    // 400 refuses a bad delivery, 413 one too large, 500 is our own misconfiguration.
    return [exception.status, { error: exception.code, message: exception.message }];
  }
  if (exception instanceof InFlightError) {
    return [
      409,
      { error: 'in_flight', message: 'Another delivery of this event is still being handled; retry later.' },
    ];
  }
  if (statusOf(exception) === 413) {
    // The platform's body parser refused it before the controller ran.
    return [413, { error: 'body_too_large', message: `The request body is over the ${MAX_BODY_BYTES}-byte limit.` }];
  }
  console.error(exception);
  return [500, { error: 'handler_failed', message: 'The event could not be handled; the sender will retry.' }];
}

function statusOf(exception: unknown): number | undefined {
  const e = exception as { getStatus?: () => number; status?: unknown; statusCode?: unknown } | null;
  if (typeof e?.getStatus === 'function') return e.getStatus();
  if (typeof e?.statusCode === 'number') return e.statusCode;
  return typeof e?.status === 'number' ? e.status : undefined;
}
