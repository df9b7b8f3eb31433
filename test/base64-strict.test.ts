// The core's base64 decoder (secrets and signature candidates) against @scure/base: the same
// bytes for every valid input, and a refusal for exactly the inputs @scure/base refuses.
import { base64 } from '@scure/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../src/core/base64.js';

const RUNS = 3000;

function scureDecode(text: string): number[] | 'refused' {
  try {
    return Array.from(base64.decode(text));
  } catch {
    return 'refused';
  }
}

function ourDecode(text: string): number[] | 'refused' {
  try {
    return Array.from(decodeBase64(text));
  } catch {
    return 'refused';
  }
}

describe('base64', () => {
  it('decodes whatever @scure/base encodes back to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(ourDecode(base64.encode(bytes))).toEqual(Array.from(bytes));
      }),
      { numRuns: RUNS },
    );
  });

  it('accepts and refuses exactly what @scure/base does, near-valid inputs included', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const near = fc
      .tuple(fc.uint8Array({ maxLength: 40 }), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...'=A/_- \n\té'))))
      .map(([bytes, edits]) => {
        let text = base64.encode(bytes);
        for (const [at, char] of edits.slice(0, 3)) {
          const i = text.length === 0 ? 0 : at % text.length;
          text = at % 3 === 0 ? text.slice(0, i) + char + text.slice(i) : text.slice(0, i) + char + text.slice(i + 1);
        }
        return text;
      });
    const random = fc.string({ unit: fc.constantFrom(...`${alphabet}=`), maxLength: 12 });
    fc.assert(
      fc.property(fc.oneof(near, random, fc.string()), (text) => {
        expect(ourDecode(text)).toEqual(scureDecode(text));
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses non-zero padding bits, misplaced padding and bad lengths', () => {
    for (const text of ['AB==', 'AAB=', 'A===', '====', 'AA=A', 'AAA', 'AAAAA', 'AA AA', ' AAAA']) {
      expect(ourDecode(text)).toBe('refused');
      expect(scureDecode(text)).toBe('refused');
    }
    expect(ourDecode('')).toEqual([]);
    expect(ourDecode('AA==')).toEqual([0]);
    expect(ourDecode('AAA=')).toEqual([0, 0]);
  });
});
