import { WebhookVerificationError, fail } from '../core/errors.js';
import { unwrap, verify, type VerifiedDelivery } from '../core/verify.js';
import type { WebhookEvent } from '../events/types.js';
import { watchReceive } from '../instrument/receive.js';
import {
  bodyTimeout,
  checkContentLength,
  collectBody,
  resolveBodyReadLimits,
  type BodyReadLimits,
  type RequestVerifyOptions,
} from './body-limit.js';

export type { RequestVerifyOptions } from './body-limit.js';
export { createRefusalAlarm } from '../instrument/alarm.js';
export type { RefusalAlarm, RefusalAlarmOptions, RefusalStreak } from '../instrument/alarm.js';
export type { ReceiveHooks, RefusalContext } from '../instrument/receive.js';

/**
 * Verifies a fetch `Request` and parses it into a typed event — for Next.js route handlers,
 * Hono, Cloudflare Workers, Deno and Bun. Reads the body itself, so do not read it first.
 * Throws `WebhookVerificationError`; answer with its `status`.
 *
 * @example
 * ```ts
 * export async function POST(request: Request): Promise<Response> {
 *   try {
 *     const event = await unwrapRequest(request, { secret: process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY });
 *     console.log(event.data.type);
 *     return Response.json({ ok: true });
 *   } catch (err) {
 *     if (isWebhookVerificationError(err)) {
 *       return Response.json({ error: err.code, message: err.message }, { status: err.status });
 *     }
 *     throw err;
 *   }
 * }
 * ```
 */
export async function unwrapRequest(request: Request, options: RequestVerifyOptions = {}): Promise<WebhookEvent> {
  const watch = watchReceive('web', options, () => request.headers);
  try {
    const body = await readBody(request, resolveBodyReadLimits(options));
    return watch.accepted(unwrap(body, request.headers, options));
  } catch (error) {
    throw watch.refused(error);
  }
}

/**
 * Verifies a fetch `Request` and returns its raw body without parsing it — for endpoints that
 * receive payloads other than event envelopes.
 *
 * @example
 * ```ts
 * const { id, body } = await verifyRequest(request, { secret: env.ANTHROPIC_WEBHOOK_SIGNING_KEY });
 * const text = new TextDecoder().decode(body);
 * ```
 */
export async function verifyRequest(request: Request, options: RequestVerifyOptions = {}): Promise<VerifiedDelivery> {
  const watch = watchReceive('web', options, () => request.headers);
  try {
    const body = await readBody(request, resolveBodyReadLimits(options));
    return watch.accepted(verify(body, request.headers, options));
  } catch (error) {
    throw watch.refused(error);
  }
}

/**
 * Streams the body with a running count rather than calling `arrayBuffer()`: a chunked body
 * has no content-length to check up front, and `arrayBuffer()` would hold all of it in memory
 * before its size could be seen.
 */
async function readBody(request: Request, limits: BodyReadLimits): Promise<Uint8Array> {
  const max = limits.maxBodyBytes;
  checkContentLength(request.headers.get('content-length'), max);
  if (request.bodyUsed) {
    fail(
      'invalid_body',
      'The request body was already read (request.json(), request.text() or a middleware), so its exact bytes are gone. Call unwrapRequest before anything reads the body, or pass request.clone().',
    );
  }
  const stream = request.body;
  if (stream === null) return new Uint8Array(0);
  const reader = stream.getReader();
  const body = collectBody(max);
  // On expiry the reader is cancelled, which settles the pending read as done: no race of
  // promises per chunk, and the stream is released at once.
  let expired = false;
  const timer =
    limits.readTimeoutMs === Infinity
      ? undefined
      : setTimeout(() => {
          expired = true;
          reader.cancel().catch(() => {});
        }, limits.readTimeoutMs);
  try {
    for (;;) {
      const chunk = await reader.read();
      if (expired) throw bodyTimeout(limits.readTimeoutMs, body.received());
      if (chunk.done) return body.bytes();
      body.add(chunk.value);
    }
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      // Tells the runtime to drop the rest instead of receiving it; not awaited, so a slow
      // source cannot hold up the 413.
      reader.cancel().catch(() => {});
      throw error;
    }
    if (expired) throw bodyTimeout(limits.readTimeoutMs, body.received());
    return fail(
      'invalid_body',
      'Reading the request body failed before it was complete (the sender disconnected or the connection broke); nothing was verified.',
      error,
    );
  } finally {
    clearTimeout(timer);
  }
}
