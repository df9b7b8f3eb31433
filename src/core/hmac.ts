import { sha256 } from '@noble/hashes/sha2.js';
import { loadNativeCrypto, nativeMac, type NativeCrypto, type NativeKey } from './native.js';
import { signedContent } from './signature.js';

type Sha256 = ReturnType<typeof sha256.create>;

/**
 * One secret's HMAC key, absorbed once and kept. The portable state is two SHA-256 states with
 * the padded key already hashed (inner and outer), cloned per message, so the key is never
 * hashed again. The native state is the runtime's `KeyObject`. Each is made on first use.
 */
export interface KeyState {
  readonly key: Uint8Array;
  pure: PureKey | undefined;
  native: NativeKey | undefined;
}

interface PureKey {
  readonly inner: Sha256;
  readonly outer: Sha256;
}

/** The signed content `id.timestamp.body`, kept as given so each path hashes it its own way. */
export interface SignedMessage {
  readonly id: string;
  readonly timestamp: string;
  readonly body: string | Uint8Array;
  /** `id.timestamp.`, made once for every key on the native path. */
  readonly prefix: string;
  /** The content as bytes, built once for the portable path and shared by every key. */
  parts: Uint8Array[] | undefined;
}

// undefined: not looked for yet; null: this runtime has none. Looked for once and kept: the
// tests choose a path by what they let this lookup find (test/support/hmac-path.ts).
let native: NativeCrypto | null | undefined;

// Getting node:crypto costs a fresh Node process about 2 ms (its modules load on first request),
// more than the portable path spends on a hundred small deliveries. So the first few MACs stay
// portable and the native module is looked for once, after them, or at once for a large body,
// where the portable path is slowest. A process that checks one delivery and exits never
// pays for it; a server reaches the native path within its first requests.
const PORTABLE_MACS = 16;
const LARGE_BODY = 256 * 1024;
let portableMacs = 0;

/** The runtime's `node:crypto` for a message of `size`, or `undefined` for the portable path. */
function nativeFor(size: number): NativeCrypto | undefined {
  if (native === undefined) {
    if (++portableMacs <= PORTABLE_MACS && size < LARGE_BODY) return undefined;
    native = loadNativeCrypto() ?? null;
  }
  return native ?? undefined;
}

/** The key state for raw key bytes; the bytes are copied, so the caller may reuse its array. */
export function prepareKey(key: Uint8Array): KeyState {
  const state: KeyState = { key: key.slice(), pure: undefined, native: undefined };
  // The key is absorbed now rather than at the first delivery, for the path in use; the other
  // path's state is made if and when it is needed.
  if (native) nativeKey(state);
  else pureKey(state);
  return state;
}

const BLOCK = 64;

function pureKey(state: KeyState): PureKey {
  if (state.pure === undefined) {
    // RFC 2104: a key longer than a block is hashed first; the block-sized padded key XOR ipad
    // starts the inner hash, XOR opad the outer one. Both are absorbed here, once per secret.
    const key = state.key.length > BLOCK ? sha256(state.key) : state.key;
    const pad = new Uint8Array(BLOCK);
    pad.set(key);
    for (let i = 0; i < BLOCK; i++) pad[i] = (pad[i] as number) ^ 0x36;
    const inner = sha256.create().update(pad);
    for (let i = 0; i < BLOCK; i++) pad[i] = (pad[i] as number) ^ (0x36 ^ 0x5c);
    const outer = sha256.create().update(pad);
    pad.fill(0);
    state.pure = { inner, outer };
  }
  return state.pure;
}

function nativeKey(state: KeyState): NativeKey {
  state.native ??= (native as NativeCrypto).createSecretKey(state.key);
  return state.native;
}

/** The message to MAC for a delivery; cheap until a path needs it in its own form. */
export function signedMessage(id: string, timestamp: string, body: string | Uint8Array): SignedMessage {
  return { id, timestamp, body, prefix: `${id}.${timestamp}.`, parts: undefined };
}

// The portable MAC lands here; never leaves a verification, which is synchronous.
const macScratch = new Uint8Array(32);

/**
 * HMAC-SHA256 of the message under the key. The result may be a shared buffer, valid until the
 * next call: compare or encode it before computing another.
 */
export function computeMac(key: KeyState, message: SignedMessage): Uint8Array {
  const crypto = nativeFor(message.body.length);
  if (crypto !== undefined) {
    return nativeMac(crypto, nativeKey(key), message.prefix, message.body);
  }
  const state = pureKey(key);
  message.parts ??= signedContent(message.id, message.timestamp, message.body);
  // HMAC composed from the two SHA-256 states rather than noble's HMAC object, whose per-message
  // clone, sub-view and double wipe cost more than the hashing at this size (and whose code
  // would add a kilobyte to every bundle). Only noble's public API: `clone()` per message, not
  // the underscore `_cloneInto` into kept scratch states, which a minor release may change.
  const inner = state.inner.clone();
  for (const part of message.parts) inner.update(part);
  inner.digestInto(macScratch);
  const outer = state.outer.clone();
  outer.update(macScratch);
  outer.digestInto(macScratch);
  return macScratch;
}
