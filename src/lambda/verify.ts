import { resolveMaxBodyBytes } from '../adapters/body-limit.js';
import { unwrap, verify, type VerifiedDelivery, type VerifyOptions } from '../core/verify.js';
import { checkOptions, fail } from '../core/errors.js';
import type { HeadersInput } from '../core/headers.js';
import type { WebhookEvent } from '../events/types.js';
import { watchReceive, type ReceiveHooks } from '../instrument/receive.js';
import { lambdaBody } from './body.js';
import type { LambdaHttpEvent } from './event.js';
import { lambdaHeaders } from './headers.js';
import { withBase64Hint } from './hint.js';

/** The Lambda adapter's options: the core's, a cap on the body's size, and the refusal hooks. */
export interface LambdaVerifyOptions extends VerifyOptions, ReceiveHooks {
  /**
   * The largest body accepted, in bytes after base64 decoding; default 1 MiB (1048576),
   * `Infinity` turns the limit off. A bigger body is refused with `body_too_large` (status 413).
   */
  maxBodyBytes?: number | undefined;
}

/**
 * Verifies an AWS Lambda HTTP event — API Gateway REST (payload v1) or HTTP API (v2), a Function
 * URL, or an ALB target — and parses it into a typed event. A base64 body (`isBase64Encoded`)
 * is decoded to the exact bytes that were signed. Throws `WebhookVerificationError`; answer
 * with its `status`.
 *
 * @example
 * ```ts
 * export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> {
 *   try {
 *     const delivery = unwrapLambdaEvent(event, { secret: process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY });
 *     console.log(delivery.data.type);
 *     return { statusCode: 200, body: JSON.stringify({ ok: true }) };
 *   } catch (err) {
 *     if (!isWebhookVerificationError(err)) throw err;
 *     return { statusCode: err.status, body: JSON.stringify({ error: err.code, message: err.message }) };
 *   }
 * }
 * ```
 */
export function unwrapLambdaEvent(event: LambdaHttpEvent, options: LambdaVerifyOptions = {}): WebhookEvent {
  const watch = watchReceive('lambda', options, () => lambdaHeaders(event));
  try {
    return watch.accepted(fromLambda(event, options, unwrap));
  } catch (error) {
    throw watch.refused(error);
  }
}

/**
 * Verifies an AWS Lambda HTTP event and returns the raw body without parsing it — for payloads
 * other than event envelopes. Accepts the same events and options as `unwrapLambdaEvent`.
 *
 * @example
 * ```ts
 * const { id, body } = verifyLambdaEvent(event, { secret: process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY });
 * const text = new TextDecoder().decode(body);
 * ```
 */
export function verifyLambdaEvent(event: LambdaHttpEvent, options: LambdaVerifyOptions = {}): VerifiedDelivery {
  const watch = watchReceive('lambda', options, () => lambdaHeaders(event));
  try {
    return watch.accepted(fromLambda(event, options, verify));
  } catch (error) {
    throw watch.refused(error);
  }
}

/** The event's body and headers through `check` (unwrap or verify), with the base64 hint on a mismatch. */
function fromLambda<T>(
  event: LambdaHttpEvent,
  options: LambdaVerifyOptions,
  check: (body: string | Uint8Array, headers: HeadersInput, options: VerifyOptions) => T,
): T {
  checkOptions(options, 'The options');
  const max = resolveMaxBodyBytes(options.maxBodyBytes);
  checkEvent(event);
  const body = lambdaBody(event, max);
  try {
    return check(body, lambdaHeaders(event), options);
  } catch (error) {
    throw withBase64Hint(error, event, body);
  }
}

function checkEvent(event: unknown): asserts event is LambdaHttpEvent {
  if (event === null || typeof event !== 'object') {
    fail(
      'invalid_body',
      `Expected the Lambda event object (API Gateway, Function URL or ALB); got ${event === null ? 'null' : typeof event}. Pass the handler's first argument as it is.`,
    );
  }
}
