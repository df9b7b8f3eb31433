import { sha256 } from '@noble/hashes/sha2.js';
import { loadNativeCrypto, nativeMac, type NativeCrypto, type NativeKey } from './native.js';
import { signedContent } from './signature.js';

type Sha256 = ReturnType<typeof sha256.create>;

/**
 * One secret's HMAC key, absorbed once and kept. The portable state is two SHA-256 states with
 * the padded key already hashed (inner and outer), copied per message into scratch states, so
 * the key is never hashed again and no hash objects are allocated per delivery; verification is
 * synchronous, so one scratch per key is never used by two messages at once. The native state
 * is the runtime's `KeyObject`. Each is made on first use.
 */
export interface KeyState {
  readonly key: Uint8Array;
  pure: PureKey | undefined;
  native: NativeKey | undefined;
}

interface PureKey {
  readonly inner: Sha256;
  readonly outer: Sha256;
  readonly innerScratch: Sha256;
  readonly outerScratch: Sha256;
}

/** The signed content `id.timestamp.body`, kept as given so each path hashes it its own way. */
export interface SignedMessage {
  readonly id: string;
  readonly timestamp: string;
  readonly body: string | Uint8Array;
  /** The content as bytes, built once for the portable path and shared by every key. */
  parts: Uint8Array[] | undefined;
}

// undefined: not looked for yet; null: this runtime has none. Looked for once, at first use,
// so importing the package does no work and a runtime without it pays one failed lookup.
let native: NativeCrypto | null | undefined;
let forcedPure = false;

/** The runtime's `node:crypto`, unless there is none or the portable path is forced. */
function nativeCrypto(): NativeCrypto | undefined {
  if (forcedPure) return undefined;
  if (native === undefined) native = loadNativeCrypto() ?? null;
  return native ?? undefined;
}

/**
 * Internal, for tests and the benchmark: `true` makes every MAC take the portable `@noble/hashes`
 * path even where the runtime has a native one, so both paths can be checked against each other.
 */
export function forcePureHmac(force: boolean): void {
  forcedPure = force;
}

/** Which implementation the next MAC uses. Internal, for tests and the runtime matrix. */
export function hmacPath(): 'native' | 'pure' {
  return nativeCrypto() === undefined ? 'pure' : 'native';
}

/** The key state for raw key bytes; the bytes are copied, so the caller may reuse its array. */
export function prepareKey(key: Uint8Array): KeyState {
  const state: KeyState = { key: key.slice(), pure: undefined, native: undefined };
  // The key is absorbed now rather than at the first delivery, for the path this runtime takes.
  if (nativeCrypto() === undefined) pureKey(state);
  else nativeKey(state);
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
    state.pure = { inner, outer, innerScratch: inner.clone(), outerScratch: outer.clone() };
  }
  return state.pure;
}

function nativeKey(state: KeyState): NativeKey {
  state.native ??= (native as NativeCrypto).createSecretKey(state.key);
  return state.native;
}

/** The message to MAC for a delivery; cheap until a path needs it in its own form. */
export function signedMessage(id: string, timestamp: string, body: string | Uint8Array): SignedMessage {
  return { id, timestamp, body, parts: undefined };
}

// The portable MAC lands here; never leaves a verification, which is synchronous.
const macScratch = new Uint8Array(32);

/**
 * HMAC-SHA256 of the message under the key. The result may be a shared buffer, valid until the
 * next call: compare or encode it before computing another.
 */
export function computeMac(key: KeyState, message: SignedMessage): Uint8Array {
  const crypto = nativeCrypto();
  if (crypto !== undefined) {
    return nativeMac(crypto, nativeKey(key), `${message.id}.${message.timestamp}.`, message.body);
  }
  const state = pureKey(key);
  message.parts ??= signedContent(message.id, message.timestamp, message.body);
  // HMAC composed from the two SHA-256 states rather than noble's HMAC object, whose per-message
  // clone, sub-view and double wipe cost more than the hashing at this size (and whose code
  // would add a kilobyte to every bundle).
  const inner = state.inner._cloneInto(state.innerScratch);
  for (const part of message.parts) inner.update(part);
  inner.digestInto(macScratch);
  const outer = state.outer._cloneInto(state.outerScratch);
  outer.update(macScratch);
  outer.digestInto(macScratch);
  return macScratch;
}
