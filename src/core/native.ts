// The runtime's own HMAC-SHA256, where it offers `node:crypto` through
// `process.getBuiltinModule` (Node ≥ 20.16, Deno, Bun). Reached at run time, never imported, so
// the core still bundles and loads where there is no Node at all.

/** The part of `node:crypto` the MAC needs, typed here because the core compiles without Node types. */
export interface NativeCrypto {
  createSecretKey(key: Uint8Array): NativeKey;
  createHmac(algorithm: 'sha256', key: NativeKey): NativeHmac;
}

/** A `KeyObject`: the key handed to the runtime once, not copied in on every MAC. */
export type NativeKey = object;

interface NativeHmac {
  update(data: string | Uint8Array): NativeHmac;
  digest(): Uint8Array;
}

interface ProcessLike {
  getBuiltinModule?: (id: string) => unknown;
}

// RFC 4231 test case 2: HMAC-SHA256 of "what do ya want for nothing?" under the key "Jefe".
const CHECK_KEY = 'Jefe';
const CHECK_DATA = 'what do ya want for nothing?';
const CHECK_MAC = [
  0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26, 0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f,
  0x08, 0x9d, 0x27, 0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43,
];

/**
 * `node:crypto` when the runtime offers it and it computes a known HMAC correctly, else
 * `undefined`. A polyfill or a partial implementation (some edge runtimes ship one) that gets the
 * known answer wrong, or throws, leaves verification on the portable path instead of refusing
 * every delivery.
 */
export function loadNativeCrypto(): NativeCrypto | undefined {
  try {
    const host = (globalThis as { process?: ProcessLike }).process;
    const crypto = host?.getBuiltinModule?.('node:crypto') as Partial<NativeCrypto> | undefined;
    if (typeof crypto?.createHmac !== 'function' || typeof crypto.createSecretKey !== 'function') return undefined;
    const native = crypto as NativeCrypto;
    const key = native.createSecretKey(new TextEncoder().encode(CHECK_KEY));
    const mac = native.createHmac('sha256', key).update(CHECK_DATA).digest();
    return mac.length === CHECK_MAC.length && CHECK_MAC.every((byte, i) => mac[i] === byte) ? native : undefined;
  } catch {
    return undefined;
  }
}

/** HMAC-SHA256 of `prefix` then `body`; a string is hashed as UTF-8, as `TextEncoder` encodes it. */
export function nativeMac(crypto: NativeCrypto, key: NativeKey, prefix: string, body: string | Uint8Array): Uint8Array {
  return crypto.createHmac('sha256', key).update(prefix).update(body).digest();
}
