// The two HMAC implementations — the runtime's node:crypto and the portable @noble/hashes path —
// must agree bit for bit with each other and with node:crypto used directly, for any key and
// message the core can be handed. test/hmac-pure-path.test.ts runs every vector and property
// test again on the forced portable path.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateSecret, sign, unwrap } from '../src/index.js';
import { computeMac, hmacPath, prepareKey, setHmacPath, signedMessage } from '../src/core/hmac.js';
import { loadNativeCrypto } from '../src/core/native.js';

const RUNS = 500;

function both(key: Uint8Array, id: string, timestamp: string, body: string | Uint8Array): [string, string] {
  const state = prepareKey(key);
  setHmacPath('pure');
  // The portable result lives in a shared buffer, so it is read out before the next MAC.
  const pure = Buffer.from(computeMac(state, signedMessage(id, timestamp, body))).toString('hex');
  setHmacPath('native');
  const native = Buffer.from(computeMac(state, signedMessage(id, timestamp, body))).toString('hex');
  return [pure, native];
}

function reference(key: Uint8Array, id: string, timestamp: string, body: string | Uint8Array): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('hex');
}

afterEach(() => setHmacPath('auto'));

function referenceSignature(secret: string, id: string, stamp: string, body: string): string {
  return createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
    .update(`${id}.${stamp}.${body}`)
    .digest('base64');
}

describe('HMAC paths', () => {
  // Each on a fresh copy of the modules, as a new process has them.
  async function freshCore(): Promise<{
    hmac: typeof import('../src/core/hmac.js');
    lib: typeof import('../src/index.js');
  }> {
    vi.resetModules();
    return { hmac: await import('../src/core/hmac.js'), lib: await import('../src/index.js') };
  }

  it('Node starts on the pure path and moves to native after the first 16 MACs, for good', async () => {
    const { hmac, lib } = await freshCore();
    const secret = lib.generateSecret();
    expect(hmac.hmacPath()).toBe('pure');
    for (let i = 0; i < 16; i++) lib.sign({ id: `msg_${i}`, timestamp: 1, body: '{}', secret });
    expect(hmac.hmacPath()).toBe('pure');
    lib.sign({ id: 'msg_16', timestamp: 1, body: '{}', secret });
    expect(hmac.hmacPath()).toBe('native');
    hmac.setHmacPath('pure');
    expect(hmac.hmacPath()).toBe('pure');
    hmac.setHmacPath('auto');
    expect(hmac.hmacPath()).toBe('native');
  });

  it('a body from 256 KiB takes the native path at once', async () => {
    const { hmac, lib } = await freshCore();
    const secret = lib.generateSecret();
    lib.sign({ id: 'msg_1', timestamp: 1, body: 'x'.repeat(256 * 1024 - 1), secret });
    expect(hmac.hmacPath()).toBe('pure');
    const body = 'x'.repeat(256 * 1024);
    const headers = lib.sign({ id: 'msg_2', timestamp: 1, body, secret });
    expect(hmac.hmacPath()).toBe('native');
    expect(headers['webhook-signature']).toBe(`v1,${referenceSignature(secret, 'msg_2', '1', body)}`);
  });

  it('both paths equal node:crypto for any key, id, timestamp and byte body', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 200 }),
        fc.string({ maxLength: 64 }),
        fc.stringMatching(/^\d{1,15}$/),
        fc.uint8Array({ maxLength: 3000 }),
        (key, id, timestamp, body) => {
          const [pure, native] = both(key, id, timestamp, body);
          expect(pure).toBe(reference(key, id, timestamp, body));
          expect(native).toBe(pure);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('both paths encode a string id and body as UTF-8 the same way, lone surrogates included', () => {
    const text = fc
      .array(fc.oneof(fc.constantFrom('\ud800', '\udfff', 'é', '😀'), fc.string({ unit: 'binary', maxLength: 4 })))
      .map((pieces) => pieces.join(''));
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 64 }),
        // A lone high surrogate at the end of the id must not pair with anything after it.
        fc.oneof(fc.string({ unit: 'grapheme' }), text),
        text,
        (key, id, body) => {
          const [pure, native] = both(key, id, '1795000000', body);
          expect(pure).toBe(reference(key, id, '1795000000', body));
          expect(native).toBe(pure);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('both paths agree on bodies past the shared scratch buffer and across block boundaries', () => {
    const key = new Uint8Array(32).fill(7);
    for (const size of [0, 1, 55, 56, 63, 64, 65, 127, 128, 4096, 64 * 1024 - 30, 64 * 1024, 1024 * 1024 + 3]) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 31) & 255);
      const text = 'é'.repeat(size >> 1);
      for (const body of [bytes, text]) {
        const [pure, native] = both(key, 'msg_1', '1795000000', body);
        expect(pure).toBe(reference(key, 'msg_1', '1795000000', body));
        expect(native).toBe(pure);
      }
    }
  });

  it('a key longer than a SHA-256 block is hashed first on both paths', () => {
    const key = new Uint8Array(131).map((_, i) => i);
    const [pure, native] = both(key, 'msg_1', '1', 'body');
    expect(pure).toBe(reference(key, 'msg_1', '1', 'body'));
    expect(native).toBe(pure);
  });

  it('a delivery signed on one path verifies on the other, with one secret or while rotating', () => {
    const secret = generateSecret();
    const old = generateSecret();
    const body = JSON.stringify({ type: 'event', id: 'evt_1', created_at: 'now', data: { type: 'x.y', id: 'x_1' } });
    for (const signPure of [true, false]) {
      setHmacPath(signPure ? 'pure' : 'native');
      const headers = sign({ id: 'msg_1', timestamp: new Date(), body, secret });
      setHmacPath(signPure ? 'native' : 'pure');
      expect(unwrap(body, headers, { secret }).id).toBe('evt_1');
      expect(unwrap(body, headers, { secret: [old, secret] }).id).toBe('evt_1');
      expect(() => unwrap(`${body} `, headers, { secret: [old, secret] })).toThrow(
        expect.objectContaining({ code: 'invalid_signature' }),
      );
    }
  });
});

describe('native detection', () => {
  const host = process as { getBuiltinModule?: unknown };
  const original = host.getBuiltinModule;
  afterEach(() => {
    host.getBuiltinModule = original;
  });

  it('finds node:crypto through process.getBuiltinModule', () => {
    expect(loadNativeCrypto()).toBeDefined();
  });

  it('declines a crypto that gets the known answer wrong, throws, or is missing', () => {
    const crypto = process.getBuiltinModule('node:crypto');
    // A polyfill that hashes with the wrong algorithm must not be trusted with signatures.
    host.getBuiltinModule = () => ({
      createSecretKey: crypto.createSecretKey,
      createHmac: (_: string, key: object) => crypto.createHmac('sha1', key as never),
    });
    expect(loadNativeCrypto()).toBeUndefined();
    host.getBuiltinModule = () => {
      throw new Error('no such module');
    };
    expect(loadNativeCrypto()).toBeUndefined();
    host.getBuiltinModule = () => undefined;
    expect(loadNativeCrypto()).toBeUndefined();
    host.getBuiltinModule = undefined;
    expect(loadNativeCrypto()).toBeUndefined();
  });
});
