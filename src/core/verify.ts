import type { WebhookEvent } from '../events/types.js';
import { bodyBytes, bodyText, type BodyInput } from './body.js';
import { parseEnvelope } from './envelope.js';
import { checkOptions, fail } from './errors.js';
import { checkId, readWebhookHeaders, type HeadersInput, type WebhookHeaders } from './headers.js';
import { keyState, resolveKeys, type KeyState, type Secret, type SecretInput } from './secret.js';
import { computeMac, signedMessage } from './hmac.js';
import { decodeSignatures, formatSignature, matchesSignature } from './signature.js';
import { checkTolerance, parseTimestamp, resolveNow, resolveTolerance, type Clock } from './timestamp.js';

/** How to verify a delivery. Every field is optional. */
export interface VerifyOptions {
  /**
   * The endpoint's `whsec_…` secret, its raw key bytes, or several while rotating. Defaults to
   * `ANTHROPIC_WEBHOOK_SIGNING_KEY` from the environment where there is one.
   */
  secret?: SecretInput | undefined;
  /** Seconds a delivery may be old or early; default 300, `Infinity` turns the check off. */
  toleranceSeconds?: number | undefined;
  /** The clock, for tests and replays: a `Date`, milliseconds since the epoch, or a function giving either. */
  now?: Clock | undefined;
}

/** A delivery whose signature and timestamp checked out. */
export interface VerifiedDelivery {
  /** The `webhook-id` header: the delivery's message id. */
  id: string;
  /** The `webhook-timestamp` header, in Unix seconds. */
  timestamp: number;
  /** The exact bytes that were signed. */
  body: Uint8Array;
}

/** What `sign` needs to make a delivery's headers. */
export interface SignInput {
  id: string;
  /** Unix seconds, or a `Date`. */
  timestamp: number | Date;
  body: BodyInput;
  secret: Secret;
}

/**
 * Checks a delivery's signature and timestamp and returns its raw body, without parsing it.
 * Throws `WebhookVerificationError` with a stable `code` when the delivery must be refused.
 *
 * @example
 * ```ts
 * const { id, body } = verify(rawBody, request.headers, { secret: process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY });
 * ```
 */
export function verify(body: BodyInput, headers: HeadersInput, options: VerifyOptions = {}): VerifiedDelivery {
  const checks = prepare(options);
  const bytes = bodyBytes(body);
  return { ...authenticate(bytes, headers, checks), body: bytes };
}

/**
 * Verifies a delivery and parses it into a typed event — the one call most receivers need.
 * Dedupe on `event.id`: deliveries are at-least-once.
 *
 * @example
 * ```ts
 * const event = unwrap(rawBody, request.headers, { secret: process.env.ANTHROPIC_WEBHOOK_SIGNING_KEY });
 * switch (event.data.type) {
 *   case 'session.thread_created':
 *     console.log(event.data.session_thread_id);
 *     break;
 * }
 * ```
 */
export function unwrap(body: BodyInput, headers: HeadersInput, options: VerifyOptions = {}): WebhookEvent {
  const checks = prepare(options);
  // A string body is hashed and parsed as it is: no byte copy is kept, none is needed.
  const content = typeof body === 'string' ? body : bodyBytes(body);
  authenticate(content, headers, checks);
  return parseEnvelope(typeof content === 'string' ? content : bodyText(content));
}

interface Checks {
  keys: KeyState[];
  tolerance: number;
  now: number;
}

/** The options, checked before anything about the delivery. */
function prepare(options: VerifyOptions): Checks {
  checkOptions(options, 'The options');
  return {
    keys: resolveKeys(options.secret),
    tolerance: resolveTolerance(options.toleranceSeconds),
    now: resolveNow(options.now),
  };
}

/** Headers → timestamp format → tolerance → signature; returns the delivery's id and time. */
function authenticate(
  body: string | Uint8Array,
  headers: HeadersInput,
  checks: Checks,
): { id: string; timestamp: number } {
  const found = readWebhookHeaders(headers);
  const id = found['webhook-id'];
  const stamp = found['webhook-timestamp'];
  const timestamp = parseTimestamp(stamp);
  checkTolerance(timestamp, checks.now, checks.tolerance);

  const candidates = decodeSignatures(found['webhook-signature']);
  if (candidates > 0) {
    const message = signedMessage(id, stamp, body);
    for (const key of checks.keys) {
      if (matchesSignature(computeMac(key, message), candidates)) return { id, timestamp };
    }
  }
  return fail('invalid_signature', noMatch(candidates, checks.keys.length));
}

/**
 * Signs a delivery the way Anthropic does, giving its three headers — to test your own
 * handler, or to send deliveries to it locally.
 *
 * @example
 * ```ts
 * const body = JSON.stringify(event);
 * const headers = sign({ id: 'msg_1', timestamp: new Date(), body, secret });
 * await fetch('http://127.0.0.1:3000/webhooks', { method: 'POST', headers, body });
 * ```
 */
export function sign(input: SignInput): WebhookHeaders {
  checkOptions(input, "sign()'s argument");
  const key = keyState(input.secret);
  const bytes = bodyBytes(input.body);
  if (typeof input.id !== 'string' || input.id === '') fail('invalid_header', 'sign() needs a non-empty string id.');
  checkId(input.id);
  const stamp = signTimestamp(input.timestamp);
  const mac = computeMac(key, signedMessage(input.id, stamp, bytes));
  return { 'webhook-id': input.id, 'webhook-timestamp': stamp, 'webhook-signature': formatSignature(mac) };
}

function signTimestamp(timestamp: number | Date): string {
  const seconds = timestamp instanceof Date ? Math.floor(timestamp.getTime() / 1000) : timestamp;
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    fail('invalid_timestamp', 'sign() needs timestamp as whole Unix seconds >= 0, or a valid Date.');
  }
  return String(seconds);
}

function noMatch(entries: number, secrets: number): string {
  if (entries === 0) {
    return 'The webhook-signature header has no v1 entry ("v1,<base64>" separated by spaces); it is not a delivery from Anthropic.';
  }
  const tried = `${entries} v1 signature${entries === 1 ? '' : 's'} against ${secrets} secret${secrets === 1 ? '' : 's'}`;
  return (
    `No signature matched (${tried}). Likely causes: the body was parsed and re-serialized before ` +
    'verification (pass the raw bytes — see express.raw / request.arrayBuffer()), the secret is ' +
    "not this endpoint's (each endpoint has its own whsec_ secret), or the delivery was tampered with."
  );
}
