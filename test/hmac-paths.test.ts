// The two HMAC implementations — the runtime's node:crypto and the portable @noble/hashes path —
// must agree bit for bit with each other and with node:crypto used directly, for any key and
// message the core can be handed; and a Node process must take the portable one first and
// node:crypto after. test/hmac-*-vectors-properties.test.ts run every vector and property on each.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadNativeCrypto } from '../src/core/native.js';
import { settleHmacPath, watchNodeCrypto, type HmacPath, type NodeCryptoWatch } from './support/hmac-path.js';

const RUNS = 500;

interface Core {
  hmac: typeof import('../src/core/hmac.js');
  lib: typeof import('../src/index.js');
}

/** A fresh copy of the core, as a new process has it: nothing looked for yet. */
async function freshCore(): Promise<Core> {
  vi.resetModules();
  return { hmac: await import('../src/core/hmac.js'), lib: await import('../src/index.js') };
}

async function coreOn(path: HmacPath): Promise<Core> {
  const core = await freshCore();
  settleHmacPath(core.hmac, path);
  return core;
}

function reference(key: Uint8Array, id: string, timestamp: string, body: string | Uint8Array): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('hex');
}

function referenceSignature(secret: string, id: string, stamp: string, body: string): string {
  return createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
    .update(`${id}.${stamp}.${body}`)
    .digest('base64');
}

describe('which path a Node process takes', () => {
  let watch: NodeCryptoWatch | undefined;
  afterEach(() => watch?.restore());

  it('the first 16 MACs are portable; the 17th looks for node:crypto, and every MAC after uses it', async () => {
    const { lib } = await freshCore();
    watch = watchNodeCrypto('real');
    const secret = lib.generateSecret();
    for (let i = 0; i < 16; i++) lib.sign({ id: `msg_${i}`, timestamp: 1, body: '{}', secret });
    expect([watch.lookups(), watch.nativeMacs()]).toEqual([0, 0]);
    // The secret's key was absorbed for the portable path; node:crypto gets its own from it.
    const headers = lib.sign({ id: 'msg_16', timestamp: 1, body: '{}', secret });
    expect(headers['webhook-signature']).toBe(`v1,${referenceSignature(secret, 'msg_16', '1', '{}')}`);
    // One MAC for the known-answer check, one for the delivery.
    expect([watch.lookups(), watch.nativeMacs()]).toEqual([1, 2]);
    for (let i = 17; i < 20; i++) lib.sign({ id: `msg_${i}`, timestamp: 1, body: '{}', secret });
    expect([watch.lookups(), watch.nativeMacs()]).toEqual([1, 5]);
  });

  it('a body from 256 KiB takes the native path at once', async () => {
    const { lib } = await freshCore();
    watch = watchNodeCrypto('real');
    const secret = lib.generateSecret();
    lib.sign({ id: 'msg_1', timestamp: 1, body: 'x'.repeat(256 * 1024 - 1), secret });
    expect(watch.lookups()).toBe(0);
    const body = 'x'.repeat(256 * 1024);
    const headers = lib.sign({ id: 'msg_2', timestamp: 1, body, secret });
    expect([watch.lookups(), watch.nativeMacs()]).toEqual([1, 2]);
    expect(headers['webhook-signature']).toBe(`v1,${referenceSignature(secret, 'msg_2', '1', body)}`);
  });

  it('where the lookup finds nothing, every MAC stays portable and it is not looked for again', async () => {
    const { lib } = await freshCore();
    watch = watchNodeCrypto('nothing');
    const secret = lib.generateSecret();
    const body = 'x'.repeat(256 * 1024);
    for (let i = 0; i < 20; i++) {
      const headers = lib.sign({ id: `msg_${i}`, timestamp: 1, body, secret });
      expect(headers['webhook-signature']).toBe(`v1,${referenceSignature(secret, `msg_${i}`, '1', body)}`);
    }
    expect([watch.lookups(), watch.nativeMacs()]).toEqual([1, 0]);
  });
});

describe('HMAC paths', () => {
  let pureCore: Core;
  let nativeCore: Core;
  beforeAll(async () => {
    pureCore = await coreOn('pure');
    nativeCore = await coreOn('native');
  });

  /** The MAC on each path, as hex; each core absorbs the key its own way. */
  function both(key: Uint8Array, id: string, timestamp: string, body: string | Uint8Array): [string, string] {
    // The portable result lives in a shared buffer, so it is read out before the next MAC.
    const mac = ({ hmac }: Core): string =>
      Buffer.from(hmac.computeMac(hmac.prepareKey(key), hmac.signedMessage(id, timestamp, body))).toString('hex');
    return [mac(pureCore), mac(nativeCore)];
  }

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
    const secret = pureCore.lib.generateSecret();
    const old = pureCore.lib.generateSecret();
    const body = JSON.stringify({ type: 'event', id: 'evt_1', created_at: 'now', data: { type: 'x.y', id: 'x_1' } });
    for (const [signer, verifier] of [
      [pureCore, nativeCore],
      [nativeCore, pureCore],
    ] as const) {
      const headers = signer.lib.sign({ id: 'msg_1', timestamp: new Date(), body, secret });
      expect(verifier.lib.unwrap(body, headers, { secret }).id).toBe('evt_1');
      expect(verifier.lib.unwrap(body, headers, { secret: [old, secret] }).id).toBe('evt_1');
      expect(() => verifier.lib.unwrap(`${body} `, headers, { secret: [old, secret] })).toThrow(
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
    const crypto = loadNativeCrypto();
    expect(crypto?.createHmac).toBe(process.getBuiltinModule('node:crypto').createHmac);
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
