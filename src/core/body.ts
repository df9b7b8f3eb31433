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
  // isView as well as instanceof: a Proxy around a Uint8Array passes instanceof but is no typed
  // array, and hashing it would throw a TypeError.
  if (body instanceof Uint8Array && ArrayBuffer.isView(body)) {
    checkAttached(body.buffer);
    return body;
  }
  if (isArrayBuffer(body)) {
    checkAttached(body);
    return new Uint8Array(body);
  }
  if (ArrayBuffer.isView(body)) {
    const view = body as ArrayBufferView;
    checkAttached(view.buffer);
    return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  }
  return fail('invalid_body', describeBadBody(body));
}

// ArrayBuffer's own byteLength getter, kept to test what a value really is.
const byteLength = /* @__PURE__ */ Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')?.get;

/**
 * A brand check: the getter throws for anything but a real ArrayBuffer. Neither instanceof nor the
 * tag will do — a Proxy around one passes both, then throws a TypeError on every read — while an
 * ArrayBuffer from another realm (a VM, an iframe) fails instanceof but is as good as ours.
 */
function isArrayBuffer(value: unknown): value is ArrayBuffer {
  if (typeof value !== 'object' || value === null) return false;
  try {
    byteLength?.call(value);
    return byteLength !== undefined;
  } catch {
    return false;
  }
}

/**
 * Refuses a detached buffer (transferred to a worker or by `structuredClone`): its bytes are gone,
 * and reading it throws a TypeError. A detached buffer has length 0, so only empty ones are probed.
 */
function checkAttached(buffer: ArrayBufferLike): void {
  if (buffer.byteLength === 0 && isDetached(buffer)) {
    fail(
      'invalid_body',
      'The body is over a detached ArrayBuffer (transferred to a worker or by structuredClone), so its bytes are gone. Pass the body before transferring it, or a copy of it.',
    );
  }
}

function isDetached(buffer: ArrayBufferLike): boolean {
  const flag = (buffer as { detached?: unknown }).detached;
  if (typeof flag === 'boolean') return flag;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

function describeBadBody(body: unknown): string {
  const posing = body instanceof Uint8Array ? 'Uint8Array' : body instanceof ArrayBuffer ? 'ArrayBuffer' : undefined;
  if (posing !== undefined) {
    return `The body passes instanceof ${posing} but is not one (a Proxy or a look-alike object); pass the ${posing} or Buffer itself.`;
  }
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
