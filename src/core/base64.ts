// Strict standard base64 (RFC 4648 §4) decoding, for secrets and for the `v1` signature
// candidates of every delivery, where @scure/base's decoder allocated per call and showed up in
// profiles. One decoder for both keeps the verify path's bundle small (@scure/base stays the
// encoder, for sign and generateSecret). test/base64-strict.test.ts holds it to @scure/base's
// verdicts on valid and near-valid input.

const PAD = 0x3d;

// Base64 character → its 6 bits, or 64 for a character outside the alphabet.
const SEXTETS = /* @__PURE__ */ (() => {
  const table = new Uint8Array(128).fill(64);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

/** The 6 bits of the character at `at`, or 64 when it is not in the alphabet. */
function sextet(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return code < 128 ? (SEXTETS[code] as number) : 64;
}

/**
 * Decodes canonical base64: a multiple of 4 characters, `=` only as the last one or two, the
 * unused bits of the last character zero, no whitespace. Throws on anything else, so each
 * encoded value has exactly one spelling.
 */
export function decodeBase64(text: string): Uint8Array {
  const out = new Uint8Array((text.length >> 2) * 3);
  const length = decodeBase64Into(text, 0, text.length, out, 0);
  if (length < 0) throw new Error('base64: not canonical base64');
  return out.subarray(0, length);
}

/**
 * Decodes the canonical base64 in `text` from `start` to `end` into `out` at `at`, without
 * allocating; returns the number of bytes written, or -1 when it is not canonical base64 (`out`
 * may then hold partial output). `out` must have room for `(end - start) / 4 * 3` bytes.
 */
export function decodeBase64Into(text: string, start: number, end: number, out: Uint8Array, at: number): number {
  if ((end - start) % 4 !== 0) return -1;
  if (end === start) return 0;
  let o = at;
  // Four characters at a time: this decodes every signature candidate of every delivery.
  const last = end - 4;
  for (let i = start; i < last; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    const d = sextet(text, i + 3);
    if ((a | b | c | d) & 64) return -1;
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 15) << 4) | (c >> 2);
    out[o++] = ((c & 3) << 6) | d;
  }
  // The last group may end in one or two `=`; the bits they leave unused must be zero.
  const padTwo = text.charCodeAt(last + 2) === PAD;
  const padOne = text.charCodeAt(last + 3) === PAD;
  const a = sextet(text, last);
  const b = sextet(text, last + 1);
  const c = padTwo ? 0 : sextet(text, last + 2);
  const d = padOne ? 0 : sextet(text, last + 3);
  if ((a | b | c | d) & 64 || (padTwo && !padOne)) return -1;
  out[o++] = (a << 2) | (b >> 4);
  if (padTwo) return b & 15 ? -1 : o - at;
  out[o++] = ((b & 15) << 4) | (c >> 2);
  if (padOne) return c & 3 ? -1 : o - at;
  out[o++] = ((c & 3) << 6) | d;
  return o - at;
}
