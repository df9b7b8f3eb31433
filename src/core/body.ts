import { fail } from './errors.js';

/** What a delivery body may be handed to us as. A Node `Buffer` is a `Uint8Array`. */
export type BodyInput = string | Uint8Array | ArrayBuffer;

const encoder = /* @__PURE__ */ new TextEncoder();

/**
 * The exact bytes the MAC covers. Bytes are used as they are — never decoded and re-encoded,
 * which would change a body that is not valid UTF-8 and so break its signature.
 */
export function bodyBytes(body: BodyInput): Uint8Array {
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  // The tag, not instanceof, so an ArrayBuffer from another realm (a VM, an iframe) is accepted.
  if (body instanceof ArrayBuffer || Object.prototype.toString.call(body) === '[object ArrayBuffer]') {
    return new Uint8Array(body as ArrayBuffer);
  }
  if (ArrayBuffer.isView(body)) {
    const view = body as ArrayBufferView;
    return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  }
  return fail('invalid_body', describeBadBody(body));
}

function describeBadBody(body: unknown): string {
  const got = body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body;
  if (got === 'object') {
    return (
      'The body is an already-parsed object, and its original bytes are gone, so its signature ' +
      'cannot be checked. Pass the raw body (string, Uint8Array or ArrayBuffer): in Express mount ' +
      "express.raw({ type: 'application/json' }) on this route instead of express.json(); in " +
      "Fastify add a content-type parser with { parseAs: 'buffer' }; with fetch use " +
      'await request.arrayBuffer() or request.text(), not request.json().'
    );
  }
  return `The body must be a string, Uint8Array or ArrayBuffer holding the raw request body; got ${got}.`;
}

const decoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Received bytes as text for JSON parsing; `undefined` when they are not valid UTF-8. */
export function bodyText(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}
