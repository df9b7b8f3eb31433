// Standard base64 (RFC 4648 §4), strict: the only form a whsec_ secret or a v1 signature takes.
// Written out rather than imported: it is the one piece of @scure/base the core used, and that
// package's loading and bundle weight (a third of the unwrap bundle) outweighed these few lines.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PAD = 0x3d;

// Base64 character → its 6 bits, or 64 for a character outside the alphabet.
const SEXTETS = /* @__PURE__ */ (() => {
  const table = new Uint8Array(128).fill(64);
  for (let i = 0; i < 64; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

/** The 6 bits of the character at `at`, or 64 when it is not in the alphabet. */
export function sextet(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return code < 128 ? (SEXTETS[code] as number) : 64;
}

/**
 * Decodes canonical base64: a multiple of 4 characters, `=` only as the last one or two, the
 * unused bits of the last character zero, no whitespace. Throws on anything else, so each
 * encoded value has exactly one spelling.
 */
export function decodeBase64(text: string): Uint8Array {
  const length = text.length;
  if (length % 4 !== 0) throw new Error('base64: length is not a multiple of 4');
  let data = length;
  if (data > 0 && text.charCodeAt(data - 1) === PAD) data--;
  if (data > 0 && text.charCodeAt(data - 1) === PAD) data--;
  const out = new Uint8Array((data * 6) >> 3);
  let bits = 0;
  let carry = 0;
  let o = 0;
  for (let i = 0; i < data; i++) {
    const value = sextet(text, i);
    if (value & 64) throw new Error('base64: character outside the alphabet');
    carry = ((carry << 6) | value) & 0x3fff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = carry >> bits;
    }
  }
  if (carry & ((1 << bits) - 1)) throw new Error('base64: non-zero padding bits');
  return out;
}

/** Encodes bytes as padded standard base64. */
export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const left = bytes.length - i;
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63);
    out += left > 1 ? ALPHABET.charAt((n >> 6) & 63) : '=';
    out += left > 2 ? ALPHABET.charAt(n & 63) : '=';
  }
  return out;
}
