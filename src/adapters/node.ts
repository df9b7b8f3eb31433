import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { bodyBytes, type BodyInput } from '../core/body.js';
import { WebhookVerificationError, fail } from '../core/errors.js';
import { unwrap, verify, type VerifiedDelivery } from '../core/verify.js';
import type { WebhookEvent } from '../events/types.js';
import { watchReceive } from '../instrument/receive.js';
import {
  bodyTimeout,
  checkContentLength,
  checkLength,
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
 * A framework's request object that is not itself the Node stream but already holds the body,
 * e.g. Fastify's `request` with a `{ parseAs: 'buffer' }` content-type parser, or with
 * `fastify-raw-body`'s `rawBody`.
 */
export interface RequestWithBody {
  readonly headers: IncomingHttpHeaders;
  readonly body?: unknown;
  readonly rawBody?: unknown;
}

/** What the Node adapter accepts: `IncomingMessage` (Express's `req` is one) or a request holding its body. */
export type NodeRequest = IncomingMessage | RequestWithBody;

/**
 * Verifies a Node request and parses it into a typed event — for `node:http`, Express and
 * Fastify. Uses the raw body a framework kept (`req.body` as a Buffer or string, `req.rawBody`),
 * otherwise reads the request stream itself. Throws `WebhookVerificationError`; answer with its
 * `status`.
 *
 * @example
 * ```ts
 * app.post('/webhooks', express.raw({ type: 'application/json' }), async (req, res) => {
 *   try {
 *     const event = await unwrapNodeRequest(req, { secret: process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY });
 *     console.log(event.data.type);
 *     res.json({ ok: true });
 *   } catch (err) {
 *     if (!isWebhookVerificationError(err)) throw err;
 *     res.status(err.status).json({ error: err.code, message: err.message });
 *   }
 * });
 * ```
 */
export async function unwrapNodeRequest(req: NodeRequest, options: RequestVerifyOptions = {}): Promise<WebhookEvent> {
  const watch = watchReceive('node', options, () => req.headers);
  try {
    const body = await readBody(req, resolveBodyReadLimits(options));
    return watch.accepted(unwrap(body, req.headers, options));
  } catch (error) {
    throw watch.refused(error);
  }
}

/**
 * Verifies a Node request and returns its raw body without parsing it — for endpoints that
 * receive payloads other than event envelopes.
 *
 * @example
 * ```ts
 * createServer(async (req, res) => {
 *   const { id, body } = await verifyNodeRequest(req, { secret: process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY });
 *   res.end();
 * });
 * ```
 */
export async function verifyNodeRequest(
  req: NodeRequest,
  options: RequestVerifyOptions = {},
): Promise<VerifiedDelivery> {
  const watch = watchReceive('node', options, () => req.headers);
  try {
    const body = await readBody(req, resolveBodyReadLimits(options));
    return watch.accepted(verify(body, req.headers, options));
  } catch (error) {
    throw watch.refused(error);
  }
}

async function readBody(req: NodeRequest, limits: BodyReadLimits): Promise<Uint8Array> {
  const max = limits.maxBodyBytes;
  const { body, rawBody } = req as RequestWithBody;
  if (isRaw(body)) return checkLength(bodyBytes(body), max);
  if (isRaw(rawBody)) return checkLength(bodyBytes(rawBody), max);
  if (isUnreadStream(req)) {
    // Before `body`: a stream nobody has read is the delivery itself, whatever placeholder a
    // framework put on `req.body` (body-parser 1.x sets `{}` when the content type does not match).
    try {
      checkContentLength(req.headers['content-length'], max);
    } catch (error) {
      // Nothing was read, but the sender may already be sending the body it declared.
      abandon(req);
      throw error;
    }
    return readStream(req, limits);
  }
  // An already-parsed object: the core refuses it with the raw-body fix for Express and Fastify.
  if (body !== undefined) return bodyBytes(body as BodyInput);
  if (rawBody !== undefined) return bodyBytes(rawBody as BodyInput);
  return fail(
    'invalid_body',
    'The request body was already read before this handler and no raw copy was kept on req.body or req.rawBody, so there is nothing to verify. Keep the raw bytes for this route (express.raw, or a Fastify content-type parser with parseAs: "buffer"), or call this before anything reads the request.',
  );
}

function isRaw(value: unknown): value is string | Uint8Array | ArrayBuffer {
  return typeof value === 'string' || value instanceof Uint8Array || value instanceof ArrayBuffer;
}

function isUnreadStream(req: NodeRequest): req is IncomingMessage {
  const stream = req as Partial<IncomingMessage>;
  if (typeof stream.on !== 'function') return false;
  // readableDidRead is missing on some Node-compatible runtimes; readableEnded still catches a
  // stream a body parser drained there.
  return stream.readableEnded !== true && stream.readableDidRead !== true;
}

/**
 * Reads with 'data' events rather than `for await`: leaving a `for await` early destroys the
 * request, and with it the socket the 413 has to be sent on.
 */
function readStream(req: IncomingMessage, limits: BodyReadLimits): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const body = collectBody(limits.maxBodyBytes);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = (): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const refuse = (error: unknown): void => {
      stop();
      abandon(req);
      reject(error);
    };
    const onData = (chunk: Uint8Array | string): void => {
      try {
        body.add(chunk);
      } catch (error) {
        refuse(error);
      }
    };
    const onEnd = (): void => {
      stop();
      resolve(body.bytes());
    };
    const onError = (error: unknown): void => {
      stop();
      reject(broken(error));
    };
    // 'close' before 'end' without an 'error' is a request aborted by the sender.
    const onClose = (): void => {
      stop();
      reject(broken(new Error('The request closed before its body ended.')));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
    if (limits.readTimeoutMs !== Infinity) {
      timer = setTimeout(() => refuse(bodyTimeout(limits.readTimeoutMs, body.received())), limits.readTimeoutMs);
    }
    // A stream paused explicitly stays paused when a 'data' listener is added.
    req.resume();
  });
}

/** What a refused sender may still push before its connection is cut, whether or not an answer was sent. */
const DISCARD_LIMIT = 256 * 1024;

/**
 * After a refusal mid-body (too large, too slow) the rest of the body is not wanted, and a sender
 * must not be able to stream into the server for as long as it likes. The answer still has to go
 * out on this connection, so it is marked `Connection: close`, and Node ends and destroys the
 * socket once that answer is flushed. Until then what arrives is discarded — which keeps a sender
 * that writes before it reads from blocking on a full window and never seeing the answer — up to
 * DISCARD_LIMIT bytes, after which the socket is destroyed whatever the handler is doing.
 */
function abandon(req: IncomingMessage): void {
  const socket = req.socket as Socket | null | undefined;
  const res = responseOf(req);
  if (res !== undefined && !res.headersSent && !res.writableEnded) res.setHeader('Connection', 'close');
  if (res !== undefined) {
    // In case the handler's headers drop the Connection: close, the socket still goes once the answer is out.
    res.once('finish', () => {
      if (socket && !socket.destroyed && !socket.writableEnded) socket.end(() => socket.destroy());
    });
  }
  let discarded = 0;
  req.on('data', (chunk: Uint8Array | string) => {
    discarded += chunk.length;
    if (discarded > DISCARD_LIMIT && socket && !socket.destroyed) socket.destroy();
  });
  req.on('error', () => {}); // a connection cut here is the outcome, not a failure to report
  req.resume();
}

/**
 * The response to `req`, where one can be found: Express links it as `req.res`; Node's HTTP/1
 * server keeps the response being written on its socket. Only a response whose `req` is this one.
 */
function responseOf(req: IncomingMessage): ServerResponse | undefined {
  const linked = (req as { res?: unknown }).res ?? (req.socket as { _httpMessage?: unknown } | null)?._httpMessage;
  if (typeof linked !== 'object' || linked === null) return undefined;
  const res = linked as Partial<ServerResponse>;
  return res.req === req && typeof res.setHeader === 'function' && typeof res.once === 'function'
    ? (res as ServerResponse)
    : undefined;
}

function broken(cause: unknown): WebhookVerificationError {
  return new WebhookVerificationError(
    'invalid_body',
    'The request body could not be read to its end (the sender aborted or the connection broke); nothing was verified.',
    { cause },
  );
}
