import { base64 } from '@scure/base';
import type { KeyState } from './secret.js';

const MAC_BYTES = 32;
const SPACE = 0x20;

/**
 * The signed content is `id.timestamp.body`. Only the short `id.timestamp.` prefix is encoded
 * here; the body bytes are fed to the MAC as they are, never joined into a string.
 */
export function signedPrefix(id: string, timestamp: string): Uint8Array {
  const text = `${id}.${timestamp}.`;
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Ids are ASCII in practice; anything else takes the UTF-8 path.
    if (c > 0x7f) return new TextEncoder().encode(text);
    out[i] = c;
  }
  return out;
}

/** HMAC-SHA256 of `prefix . body` into `out`, from an already-keyed state (left untouched). */
export function computeMac(key: KeyState, prefix: Uint8Array, body: Uint8Array, out: Uint8Array = new Uint8Array(MAC_BYTES)): Uint8Array {
  const mac = key.keyed._cloneInto(key.scratch);
  mac.update(prefix);
  mac.update(body);
  mac.digestInto(out);
  return out;
}

/**
 * The `v1` signatures in a `webhook-signature` header, decoded to bytes. Entries are
 * `version,base64` separated by spaces; other versions and malformed entries are skipped, so a
 * sender can add a new scheme without breaking this receiver.
 */
export function parseSignatures(header: string): Uint8Array[] {
  const found: Uint8Array[] = [];
  let start = 0;
  const end = header.length;
  while (start < end) {
    let stop = header.indexOf(' ', start);
    if (stop === -1) stop = end;
    if (stop - start > 3 && header.startsWith('v1,', start)) {
      // fetch joins repeated headers with ", ", which leaves a trailing comma on an entry.
      const last = header.charCodeAt(stop - 1) === 0x2c ? stop - 1 : stop;
      const mac = decodeMac(header.slice(start + 3, last));
      if (mac !== undefined) found.push(mac);
    }
    start = stop + 1;
    while (start < end && header.charCodeAt(start) === SPACE) start++;
  }
  return found;
}

function decodeMac(encoded: string): Uint8Array | undefined {
  // 32 bytes are 44 base64 characters; anything else cannot match, so skip the decode.
  if (encoded.length !== 44) return undefined;
  try {
    const bytes = base64.decode(encoded);
    return bytes.length === MAC_BYTES ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/** Constant-time equality: the time taken depends on the length only, never on where bytes differ. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** The header value for a MAC: `v1,<base64>`. */
export function formatSignature(mac: Uint8Array): string {
  return `v1,${base64.encode(mac)}`;
}
