import { base64 } from '@scure/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSignatures } from '../src/core/signature.js';

/** What a strict general-purpose decoder says a v1 value is: 32 bytes, or nothing. */
function reference(value: string): number[] | undefined {
  try {
    const bytes = base64.decode(value);
    return bytes.length === 32 ? Array.from(bytes) : undefined;
  } catch {
    return undefined;
  }
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const b64char = fc.constantFrom(...alphabet.split(''));

describe('the v1 signature decoder agrees with @scure/base', () => {
  it('on canonical encodings of any 32 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const value = base64.encode(bytes);
        expect(parseSignatures(`v1,${value}`).map((m) => Array.from(m))).toEqual([Array.from(bytes)]);
      }),
      { numRuns: 1000 },
    );
  });

  it('on any 44-character value, including non-canonical padding bits and stray characters', () => {
    const near = fc
      .tuple(fc.array(b64char, { minLength: 43, maxLength: 43 }), fc.constantFrom('=', 'A'))
      .map(([chars, last]) => chars.join('') + last);
    // Spaces separate entries and a trailing comma is trimmed, so neither is part of one value.
    const anything = fc.string({ minLength: 44, maxLength: 44 }).filter((v) => !/[ ,]/.test(v));
    const value = fc.oneof(
      near,
      anything,
      near.map((v) => `${v.slice(0, 20)}-${v.slice(21)}`),
    );
    fc.assert(
      fc.property(value, (v) => {
        const theirs = reference(v);
        expect(parseSignatures(`v1,${v}`).map((m) => Array.from(m))).toEqual(theirs === undefined ? [] : [theirs]);
      }),
      { numRuns: 2000 },
    );
  });

  it('splits entries on spaces, skips other versions and junk, tolerates fetch\'s ", " joins', () => {
    const a = base64.encode(new Uint8Array(32).fill(1));
    const b = base64.encode(new Uint8Array(32).fill(2));
    const parsed = parseSignatures(`v2,${a}   v1,${a}, junk v1, v1,${b} v1,${a.slice(1)}`);
    expect(parsed.map((m) => m[0])).toEqual([1, 2]);
    expect(parseSignatures('')).toEqual([]);
    expect(parseSignatures('     ')).toEqual([]);
  });
});
