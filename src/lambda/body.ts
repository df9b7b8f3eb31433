import { base64 } from '@scure/base';
import { fail } from '../core/errors.js';
import { checkLength, tooLarge } from '../adapters/body-limit.js';
import type { LambdaHttpEvent } from './event.js';

const encoder = /* @__PURE__ */ new TextEncoder();

/**
 * The body as the core should hash it: the decoded bytes of a base64 body, else the text as it
 * is (hashed as its UTF-8). Over `max` bytes it is refused with `body_too_large`.
 */
export function lambdaBody(event: LambdaHttpEvent, max: number): string | Uint8Array {
  const body = event.body;
  if (typeof body !== 'string') {
    return fail(
      'invalid_body',
      body == null
        ? 'The Lambda event has no body, so there is nothing to verify. Route only POST deliveries to this function and pass the event as Lambda gave it.'
        : `The Lambda event's body must be a string (the raw body, or its base64); got ${typeof body}.`,
    );
  }
  if (event.isBase64Encoded === true) return decode(body, max);
  // A UTF-16 unit is at most 3 bytes of UTF-8, so most bodies are measured without encoding them.
  if (body.length * 3 <= max) return body;
  return checkLength(encoder.encode(body), max);
}

function decode(text: string, max: number): Uint8Array {
  // Every 4 characters carry 3 bytes, so an oversized body is refused before it is decoded.
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const size = Math.ceil(text.length / 4) * 3 - padding;
  if (size > max) tooLarge(max, `its base64 decodes to ${size} bytes, so it was not decoded`);
  let bytes: Uint8Array;
  try {
    bytes = base64.decode(text);
  } catch (error) {
    const json = /^\s*[[{]/.test(text) ? ' (it starts like raw JSON)' : '';
    return fail(
      'invalid_body',
      `isBase64Encoded is true but the body is not valid base64${json}; check isBase64Encoded, and pass the event exactly as Lambda delivered it.`,
      error,
    );
  }
  return checkLength(bytes, max);
}
