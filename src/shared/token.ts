/**
 * 128 random bits in hex: unique per call, so a compare-and-delete or a read-back can tell the
 * caller's own write from anyone else's. `getRandomValues` works on every runtime; `randomUUID`
 * needs a secure context.
 *
 * @example
 * ```ts
 * const token = randomToken(); // '3f9c…' (32 hex digits)
 * ```
 */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
