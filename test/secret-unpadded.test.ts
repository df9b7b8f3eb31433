// Secrets as people paste them: base64 that lost its `=` padding is the same key (the reference
// `standardwebhooks` accepts it), while everything else that is not canonical base64 stays refused.
import { base64 } from '@scure/base';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { sign, verify } from '../src/index.js';
import { expectCode } from './support/errors.js';

const body = '{"type":"event","id":"evt_1","created_at":"2026-01-01T00:00:00Z","data":{"type":"x","id":"y"}}';
const id = 'msg_unpadded';
// Now, because the reference checks the timestamp against the system clock.
const at = new Date(Math.floor(Date.now() / 1000) * 1000);
const nowMs = at.getTime();

function deliveredBy(reference: Webhook): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(at.getTime() / 1000),
    'webhook-signature': reference.sign(id, at, body),
  };
}

const unpadded = (key: Uint8Array): string => `whsec_${base64.encode(key).replace(/=+$/, '')}`;

describe('a secret without its = padding', () => {
  it('is the same key as the padded one, in both directions with standardwebhooks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 64 }), (key) => {
        const secret = unpadded(key);
        // Keys whose length is a multiple of 3 have no padding to lose; the rest exercise both cases.
        const reference = new Webhook(secret);
        expect(verify(body, deliveredBy(reference), { secret, now: nowMs }).id).toBe(id);
        const padded = `whsec_${base64.encode(key)}`;
        expect(verify(body, deliveredBy(new Webhook(padded)), { secret, now: nowMs }).id).toBe(id);
        const ours = sign({ id, timestamp: at, body, secret });
        expect(reference.verify(body, { ...ours })).toEqual(JSON.parse(body));
        expect(ours).toEqual(sign({ id, timestamp: at, body, secret: key }));
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['one = missing (32-byte key)', new Uint8Array(32).fill(7)],
    ['two = missing (16-byte key)', new Uint8Array(16).fill(9)],
  ])('%s', (_name, key) => {
    const secret = unpadded(key);
    expect(`whsec_${base64.encode(key)}`).not.toBe(secret);
    const headers = sign({ id, timestamp: at, body, secret: key });
    expect(verify(body, headers, { secret, now: nowMs }).id).toBe(id);
  });
});

describe('still refused', () => {
  const key = new Uint8Array(32).map((_, i) => i * 7);
  const encoded = base64.encode(key); // 44 characters, one '='
  const headers = sign({ id, timestamp: at, body, secret: key });
  const refuse = (secret: string): string =>
    expectCode(() => verify(body, headers, { secret, now: nowMs }), 'invalid_secret').message;

  it.each([
    ['a trailing newline', `whsec_${encoded}\n`],
    ['a trailing newline after unpadded base64', `whsec_${encoded.slice(0, -1)}\n`],
    ['a space inside', `whsec_${encoded.slice(0, 10)} ${encoded.slice(10)}`],
    ['the URL-safe alphabet', `whsec_${encoded.replace(/\+/g, '-')}`],
    ['a non-alphabet character', `whsec_${encoded.slice(0, -2)}*`],
    ['non-zero trailing bits (a second spelling of the key)', `whsec_${encoded.slice(0, -2)}5`],
    ['non-zero trailing bits, padded', `whsec_${encoded.slice(0, -2)}5=`],
    ['too much padding', `whsec_${encoded}=`],
    ['a length of 4n+1', `whsec_${encoded.slice(0, -1)}AA`],
  ])('%s', (_name, secret) => {
    expect(encoded).toContain('+');
    refuse(secret);
  });

  it('a key under 16 bytes, padded or not', () => {
    for (const length of [1, 13, 14, 15]) {
      const short = base64.encode(new Uint8Array(length).fill(1));
      expect(refuse(`whsec_${short}`)).toContain(`key is ${length} bytes`);
      expect(refuse(`whsec_${short.replace(/=+$/, '')}`)).toContain(`key is ${length} bytes`);
    }
  });

  it('whitespace gets the hint to trim it', () => {
    expect(refuse(`whsec_${encoded.slice(0, -1)} `)).toMatch(/whitespace or a line break — trim it/);
  });
});
