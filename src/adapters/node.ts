import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { bodyBytes, type BodyInput } from '../core/body.js';
import { WebhookVerificationError, fail } from '../core/errors.js';
import { unwrap, verify, type VerifiedDelivery } from '../core/verify.js';
import type { WebhookEvent } from '../events/types.js';
import {
  checkContentLength,
  checkLength,
  collectBody,
  resolveMaxBodyBytes,
  type RequestVerifyOptions,
} from './body-limit.js';

export type { RequestVerifyOptions } from './body-limit.js';

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
 *     if (!(err instanceof WebhookVerificationError)) throw err;
 *     res.status(err.status).json({ error: err.code, message: err.message });
 *   }
 * });
 * ```
 */
export async function unwrapNodeRequest(req: NodeRequest, options: RequestVerifyOptions = {}): Promise<WebhookEvent> {
  const body = await readBody(req, resolveMaxBodyBytes(options.maxBodyBytes));
  return unwrap(body, req.headers, options);
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
  const body = await readBody(req, resolveMaxBodyBytes(options.maxBodyBytes));
  return verify(body, req.headers, options);
}

async function readBody(req: NodeRequest, max: number): Promise<Uint8Array> {
  const { body, rawBody } = req as RequestWithBody;
  if (isRaw(body)) return checkLength(bodyBytes(body), max);
  if (isRaw(rawBody)) return checkLength(bodyBytes(rawBody), max);
  if (isUnreadStream(req)) {
    // Before `body`: a stream nobody has read is the delivery itself, whatever placeholder a
    // framework put on `req.body` (body-parser 1.x sets `{}` when the content type does not match).
    checkContentLength(req.headers['content-length'], max);
    return readStream(req, max);
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
function readStream(req: IncomingMessage, max: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const body = collectBody(max);
    const stop = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Uint8Array | string): void => {
      try {
        body.add(chunk);
      } catch (error) {
        stop();
        // The rest is discarded as it arrives instead of being buffered (what Node does with a
        // body nobody reads). Pausing would leave the sender stuck writing into a full window
        // and the connection hanging; destroying would close the socket the 413 goes out on.
        req.resume();
        reject(error);
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
    // A stream paused explicitly stays paused when a 'data' listener is added.
    req.resume();
  });
}

function broken(cause: unknown): WebhookVerificationError {
  return new WebhookVerificationError(
    'invalid_body',
    'The request body could not be read to its end (the sender aborted or the connection broke); nothing was verified.',
    { cause },
  );
}
