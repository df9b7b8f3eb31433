// Puts one copy of src/core/hmac.ts on the MAC path a test (or the benchmark) wants, from the
// outside: the core has no switch, only detection, so this controls what detection finds.
// Free of vitest, so bench/run.ts uses it too.
import type * as Hmac from '../../src/core/hmac.js';

/** `pure`: @noble/hashes, as Workers, browsers and edge runtimes run it. `native`: node:crypto. */
export type HmacPath = 'pure' | 'native';

type HmacModule = Pick<typeof Hmac, 'computeMac' | 'prepareKey' | 'signedMessage'>;

interface ProcessLike {
  getBuiltinModule?: (id: string) => unknown;
}

type Method = (...args: unknown[]) => unknown;

/** What the core asked `process.getBuiltinModule` for, and what it computed with the answer. */
export interface NodeCryptoWatch {
  /** How many times the core looked for `node:crypto`. */
  lookups(): number;
  /** HMACs made with the `node:crypto` handed over, its known-answer check included. */
  nativeMacs(): number;
  /** Puts the runtime's own `getBuiltinModule` back; what was handed over keeps counting. */
  restore(): void;
}

/**
 * Until `restore()`, `process.getBuiltinModule('node:crypto')` answers the real module behind a
 * counter (`real`) or nothing, as a runtime without it would (`nothing`).
 */
export function watchNodeCrypto(answer: 'real' | 'nothing'): NodeCryptoWatch {
  const host = (globalThis as { process?: ProcessLike }).process;
  const original = host?.getBuiltinModule;
  if (host === undefined || typeof original !== 'function') throw new Error('needs process.getBuiltinModule');
  const crypto = original.call(host, 'node:crypto') as { createHmac: Method; createSecretKey: Method };
  let lookups = 0;
  let nativeMacs = 0;
  const counted = {
    createSecretKey: (...args: unknown[]) => crypto.createSecretKey(...args),
    createHmac: (...args: unknown[]) => {
      nativeMacs++;
      return crypto.createHmac(...args);
    },
  };
  host.getBuiltinModule = (id: string): unknown => {
    if (id !== 'node:crypto') return original.call(host, id);
    lookups++;
    return answer === 'real' ? counted : undefined;
  };
  return {
    lookups: () => lookups,
    nativeMacs: () => nativeMacs,
    restore: () => {
      host.getBuiltinModule = original;
    },
  };
}

/** Far more than the few MACs the core computes portably before it looks for node:crypto. */
const MAX_SETTLING_MACS = 1000;

/**
 * Makes `hmac`, a module copy that has not yet looked for `node:crypto`, settle on `path` for the
 * rest of its life: the core looks once, after its first few MACs, and keeps what it found. So
 * this computes throwaway MACs until it looks, while the lookup finds the real module (`native`)
 * or nothing (`pure`). Returns how many MACs `node:crypto` has computed since, which stays 0 on
 * `pure`. Throws when the copy had looked already, since its path is then out of reach.
 */
export function settleHmacPath(hmac: HmacModule, path: HmacPath): () => number {
  const watch = watchNodeCrypto(path === 'native' ? 'real' : 'nothing');
  const key = hmac.prepareKey(new Uint8Array(32));
  try {
    for (let i = 0; i < MAX_SETTLING_MACS && watch.lookups() === 0; i++) {
      hmac.computeMac(key, hmac.signedMessage(`msg_${i}`, '0', ''));
    }
  } finally {
    watch.restore();
  }
  if (watch.lookups() !== 1) throw new Error('the HMAC module had already looked for node:crypto; load a fresh copy');
  // One more MAC shows which path the copy kept: it moves the counter only on node:crypto.
  const before = watch.nativeMacs();
  hmac.computeMac(key, hmac.signedMessage('msg_check', '0', ''));
  if (watch.nativeMacs() - before !== (path === 'native' ? 1 : 0)) {
    throw new Error(`the HMAC module did not settle on the ${path} path`);
  }
  const settledAt = watch.nativeMacs();
  return () => watch.nativeMacs() - settledAt;
}
