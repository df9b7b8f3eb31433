import { WebhookVerificationError, isWebhookVerificationError } from '../core/errors.js';
import type { LambdaHttpEvent } from './event.js';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// Shorter strings are base64-shaped by accident too often ("true", "null") to be worth a hint.
const MIN_LENGTH = 16;

/** Whether `text` is plausibly base64 of something: alphabet, padding and a length of 4n. */
export function looksBase64(text: string): boolean {
  return text.length >= MIN_LENGTH && text.length % 4 === 0 && BASE64.test(text);
}

/**
 * A signature failure whose likely cause is the event's `isBase64Encoded` flag disagreeing with
 * its body gets that cause added to its message; any other error is returned as it is.
 */
export function withBase64Hint(error: unknown, event: LambdaHttpEvent, decoded: string | Uint8Array): unknown {
  if (!isWebhookVerificationError(error) || error.code !== 'invalid_signature') return error;
  const body = event.body;
  if (typeof body !== 'string') return error;
  // Not flagged but base64-shaped, or flagged and what it decodes to is base64-shaped again.
  const suspicious = event.isBase64Encoded === true ? looksBase64(latin1(decoded)) : looksBase64(body);
  if (!suspicious) return error;
  return new WebhookVerificationError(
    'invalid_signature',
    `${error.message} Also, the body looks base64-encoded; check isBase64Encoded (it is ${event.isBase64Encoded === true ? 'true, and the decoded body is base64 again' : 'not true, so the base64 text itself was verified'}).`,
    { cause: error },
  );
}

/** Bytes as one char each, enough to test for the base64 alphabet without a decoder. */
function latin1(body: string | Uint8Array): string {
  if (typeof body === 'string') return body;
  let text = '';
  // Bounded: only the shape matters, and a prefix of 4n characters keeps the length test honest.
  const n = Math.min(body.length, 4096);
  for (let i = 0; i < n; i++) text += String.fromCharCode(body[i] as number);
  return body.length > n ? text.slice(0, n - (n % 4)) : text;
}
