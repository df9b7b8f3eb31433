import { base64 } from '@scure/base';
import { decodeBase64Into } from './base64.js';

const MAC_BYTES = 32;
const SPACE = 0x20;

const encoder = /* @__PURE__ */ new TextEncoder();

// Small deliveries are the common case: their signed content is written into this one buffer
// instead of allocating a prefix and an encoded body per call. Larger bodies are hashed in place.
const SCRATCH_LIMIT = 64 * 1024;
let scratch = new Uint8Array(2048);

/**
 * The signed content `id.timestamp.body` as byte parts to hash in order. A string body is UTF-8
 * encoded once; a byte body is used as it is, never decoded. The parts may view a shared buffer,
 * so they are valid until the next call (verification is synchronous).
 */
export function signedContent(id: string, timestamp: string, body: string | Uint8Array): Uint8Array[] {
  // encodeInto needs room for the worst case of 3 bytes per UTF-16 unit.
  const textRoom = (id.length + timestamp.length + 2 + (typeof body === 'string' ? body.length : 0)) * 3;
  const room = typeof body === 'string' ? textRoom : textRoom + body.length;
  if (room > SCRATCH_LIMIT) {
    return [encoder.encode(`${id}.${timestamp}.`), typeof body === 'string' ? encoder.encode(body) : body];
  }
  if (scratch.length < room) scratch = new Uint8Array(SCRATCH_LIMIT);
  // One native call encodes the whole text: cheaper than copying the id and timestamp by hand.
  if (typeof body === 'string') {
    return [scratch.subarray(0, encoder.encodeInto(`${id}.${timestamp}.${body}`, scratch).written)];
  }
  const n = encoder.encodeInto(`${id}.${timestamp}.`, scratch).written;
  scratch.set(body, n);
  return [scratch.subarray(0, n + body.length)];
}

// The decoded `v1` signatures of the delivery being verified, 32 bytes each, back to back. It
// grows with the largest header seen, which the header size limit bounds.
let pool = new Uint8Array(MAC_BYTES * 4);

/**
 * Decodes the `v1` signatures in a `webhook-signature` header into a shared pool and returns how
 * many there are; `matchesSignature` compares against them until the next call. Entries are
 * `version,base64` separated by spaces; other versions and malformed entries are skipped, so a
 * sender can add a new scheme without breaking this receiver.
 */
export function decodeSignatures(header: string): number {
  let count = 0;
  let start = 0;
  const end = header.length;
  while (start < end) {
    let stop = header.indexOf(' ', start);
    if (stop === -1) stop = end;
    if (stop - start > 3 && header.startsWith('v1,', start)) {
      // fetch joins repeated headers with ", ", which leaves a trailing comma on an entry.
      const last = header.charCodeAt(stop - 1) === 0x2c ? stop - 1 : stop;
      if (pool.length < (count + 1) * MAC_BYTES) {
        const grown = new Uint8Array(pool.length * 2);
        grown.set(pool);
        pool = grown;
      }
      if (decodeMac(header, start + 3, last, count * MAC_BYTES)) count++;
    }
    start = stop + 1;
    while (start < end && header.charCodeAt(start) === SPACE) start++;
  }
  return count;
}

/** The `v1` signatures in a `webhook-signature` header, each decoded to its own 32 bytes. */
export function parseSignatures(header: string): Uint8Array[] {
  const count = decodeSignatures(header);
  const found: Uint8Array[] = [];
  for (let i = 0; i < count; i++) found.push(pool.slice(i * MAC_BYTES, (i + 1) * MAC_BYTES));
  return found;
}

/**
 * Whether `mac` equals one of the first `count` signatures decoded by the last
 * `decodeSignatures`, each compared in constant time.
 */
export function matchesSignature(mac: Uint8Array, count: number): boolean {
  for (let i = 0; i < count; i++) {
    let diff = 0;
    const at = i * MAC_BYTES;
    for (let j = 0; j < MAC_BYTES; j++) diff |= (mac[j] as number) ^ (pool[at + j] as number);
    if (diff === 0) return true;
  }
  return false;
}

/**
 * Strict base64 of exactly 32 bytes (44 characters, one `=`, zero padding bits) decoded straight
 * from the header into the pool at `at`; false when it is not that. This runs for every candidate
 * on every delivery, so it allocates nothing.
 */
function decodeMac(text: string, start: number, end: number, at: number): boolean {
  return end - start === 44 && decodeBase64Into(text, start, end, pool, at) === MAC_BYTES;
}

/** The header value for a MAC: `v1,<base64>`. */
export function formatSignature(mac: Uint8Array): string {
  return `v1,${base64.encode(mac)}`;
}
