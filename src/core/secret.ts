import { base64 } from '@scure/base';
import { decodeBase64 } from './base64.js';
import { fail } from './errors.js';
import { prepareKey, type KeyState } from './hmac.js';

export type { KeyState } from './hmac.js';

/** An endpoint secret: `whsec_<base64>` (prefix optional), or the raw key bytes. */
export type Secret = string | Uint8Array;

/** One secret, or several while rotating: a delivery passes if any of them signed it. */
export type SecretInput = Secret | ReadonlyArray<Secret>;

const PREFIX = 'whsec_';
const MIN_KEY_BYTES = 16;
/** The environment variable the `secret` option falls back to, as the official SDK names it. */
export const SIGNING_KEY_ENV = 'ANTHROPIC_WEBHOOK_SIGNING_KEY';
const MAX_CACHED = 64;
// Rotation needs two; the bound keeps a sparse array's length from setting the work.
const MAX_SECRETS = 16;

// Verification is a hot path: decoding a secret and absorbing its key costs more than the
// MAC of a small delivery, so each secret's key state is made once and kept.
const byString = new Map<string, KeyState>();
const byBytes = new WeakMap<Uint8Array, { copy: Uint8Array; state: KeyState }>();

/** The key states for the `secret` option, falling back to `ANTHROPIC_WEBHOOK_SIGNING_KEY`. */
export function resolveKeys(secret: SecretInput | undefined): KeyState[] {
  const given = secret ?? fromEnvironment();
  if (given === undefined) {
    fail(
      'missing_secret',
      `No signing secret: pass { secret: 'whsec_…' } or set ${SIGNING_KEY_ENV}. Copy the secret from the webhook endpoint's page in the Claude Console.`,
    );
  }
  if (typeof given === 'string' || given instanceof Uint8Array) return [keyState(realSecret(given))];
  if (!Array.isArray(given)) {
    fail(
      'invalid_secret',
      `The secret must be a whsec_ string (or its key bytes), or a list of them while rotating; got ${given === null ? 'null' : typeof given}.`,
    );
  }
  if (given.length === 0) fail('missing_secret', 'The secret list is empty: pass at least one whsec_ secret.');
  if (given.length > MAX_SECRETS) {
    fail('invalid_secret', `The secret list has ${given.length} entries; pass at most ${MAX_SECRETS}.`);
  }
  // By index, not map(): map skips a hole and leaves it in the result, where the MAC loop would
  // then throw a TypeError on a forged delivery. A hole is refused here, by its index.
  const keys: KeyState[] = [];
  for (let i = 0; i < given.length; i++) {
    const entry = given[i];
    if (entry === undefined || entry === null) {
      fail(
        'invalid_secret',
        `The secret list has nothing at index ${i} (a hole or ${String(entry)}); pass only whsec_ secrets, e.g. [newSecret, oldSecret].`,
      );
    }
    keys.push(keyState(realSecret(entry)));
  }
  return keys;
}

/** A Proxy around a Uint8Array passes instanceof but is no typed array: hashing it would throw a TypeError. */
function realSecret(secret: Secret | undefined): Secret {
  if (secret instanceof Uint8Array && !ArrayBuffer.isView(secret)) {
    fail(
      'invalid_secret',
      'A secret passes instanceof Uint8Array but is not one (a Proxy?); pass the Uint8Array itself.',
    );
  }
  return secret as Secret;
}

/** The key state of one secret, made once per distinct secret. */
export function keyState(secret: Secret): KeyState {
  if (typeof secret === 'string') {
    let state = byString.get(secret);
    if (state === undefined) {
      state = prepareKey(decodeSecret(secret));
      // A long-lived process sees few secrets; a bound keeps a misuse from growing memory.
      if (byString.size >= MAX_CACHED) byString.clear();
      byString.set(secret, state);
    }
    return state;
  }
  if (secret instanceof Uint8Array) {
    const cached = byBytes.get(secret);
    // The caller may reuse the array for another key, so the cache is trusted only while it
    // still holds the same bytes.
    if (cached !== undefined && sameBytes(cached.copy, secret)) return cached.state;
    checkKeyLength(secret.length);
    const state = prepareKey(secret);
    byBytes.set(secret, { copy: secret.slice(), state });
    return state;
  }
  return fail(
    'invalid_secret',
    `A secret must be a 'whsec_…' string or the key as a Uint8Array; got ${typeof secret}.`,
  );
}

/**
 * The key inside a `whsec_<base64>` secret: canonical base64 (the `=` padding may be left off, as
 * the reference library allows), at least 16 bytes.
 */
export function decodeSecret(secret: string): Uint8Array {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  let key: Uint8Array;
  try {
    key = decodeBase64(withPadding(encoded));
  } catch {
    const hint = /\s/.test(encoded)
      ? 'it contains whitespace or a line break — trim it'
      : 'copy it again, whole, from the webhook endpoint in the Claude Console';
    return fail('invalid_secret', `The secret is not 'whsec_' followed by valid base64: ${hint}.`);
  }
  checkKeyLength(key.length);
  return key;
}

// Padding lost in a copy and paste is restored, so the strict decoder still refuses everything
// else: whitespace, other alphabets, non-zero trailing bits (two spellings of one key), a length
// of 4n+1, and padding that is present but wrong.
function withPadding(encoded: string): string {
  const rest = encoded.length % 4;
  if (rest < 2 || encoded.includes('=')) return encoded;
  return rest === 2 ? `${encoded}==` : `${encoded}=`;
}

function checkKeyLength(length: number): void {
  if (length < MIN_KEY_BYTES) {
    fail(
      'invalid_secret',
      `The secret's key is ${length} bytes; at least ${MIN_KEY_BYTES} are needed. Use the endpoint's whsec_ secret from the Claude Console, or generateSecret() for tests.`,
    );
  }
}

function fromEnvironment(): string | undefined {
  // Guarded so the core still loads where there is no `process` (browsers, workers).
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[SIGNING_KEY_ENV];
  return value === '' ? undefined : value;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A fresh endpoint secret, `whsec_` + base64 of 32 random bytes, for tests and local runs. */
export function generateSecret(): string {
  return PREFIX + base64.encode(crypto.getRandomValues(new Uint8Array(32)));
}
