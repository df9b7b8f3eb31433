import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { sign, unwrap, verify } from '../src/index.js';
import { makeDelivery } from './support/delivery.js';
import { expectCode } from './support/errors.js';

const d = makeDelivery();
const options = { secret: d.secret, now: d.nowMs };
const bytes = new TextEncoder().encode(d.body);

describe('the body is verified over the exact bytes received', () => {
  it.each([
    ['a string', d.body],
    ['a Uint8Array', bytes],
    ['a Node Buffer', Buffer.from(d.body)],
    ['an ArrayBuffer', bytes.slice().buffer],
    ['a Uint8Array viewing part of a larger buffer', new Uint8Array([0, ...bytes, 0]).subarray(1, bytes.length + 1)],
    ['a DataView', new DataView(bytes.slice().buffer)],
  ] as const)('as %s', (_name, body) => {
    expect(unwrap(body as never, d.headers, options).data.type).toBe('session.status_idled');
  });

  it('accepts bytes made in another realm (a VM context, an iframe)', () => {
    const foreign = runInNewContext('new Uint8Array(n).buffer', { n: bytes.length }) as ArrayBuffer;
    expect(foreign instanceof ArrayBuffer).toBe(false);
    new Uint8Array(foreign).set(bytes);
    expect(unwrap(foreign, d.headers, options).data.type).toBe('session.status_idled');
    const view = runInNewContext('new Uint8Array(b)', { b: foreign }) as Uint8Array;
    expect(unwrap(view, d.headers, options).data.type).toBe('session.status_idled');
  });

  it('returns the signed bytes unchanged', () => {
    expect(verify(bytes, d.headers, options).body).toBe(bytes);
    expect(Array.from(verify(d.body, d.headers, options).body)).toEqual(Array.from(bytes));
  });

  it('verifies a body that is not valid UTF-8, which decoding and re-encoding would corrupt', () => {
    const raw = Uint8Array.of(0xff, 0xfe, 0x7b, 0x7d, 0xc3, 0x28, 0x80);
    const headers = sign({ id: 'msg_bin', timestamp: new Date(d.nowMs), body: raw, secret: d.secret });
    expect(Array.from(verify(raw, headers, options).body)).toEqual(Array.from(raw));
    // The lossy round trip a string-only verifier would do breaks the signature.
    const roundTripped = new TextDecoder().decode(raw);
    expectCode(() => verify(roundTripped, headers, options), 'invalid_signature');
    expectCode(() => unwrap(raw, headers, options), 'invalid_json');
  });

  it('UTF-8 encodes a string body once, so non-ASCII text verifies', () => {
    const body = JSON.stringify({
      type: 'event',
      id: 'evt_ü',
      created_at: '☃',
      data: { type: 'session.created', id: 'sesn_ß' },
    });
    const headers = sign({ id: 'msg_utf8', timestamp: new Date(d.nowMs), body, secret: d.secret });
    expect(unwrap(new TextEncoder().encode(body), headers, options).id).toBe('evt_ü');
    expect(unwrap(body, headers, options).data.id).toBe('sesn_ß');
  });

  it.each([
    ['an already-parsed object', JSON.parse(d.body)],
    ['null', null],
    ['a number', 42],
    ['an array', [1, 2]],
  ] as const)('refuses %s with invalid_body', (_name, body) => {
    expectCode(() => verify(body as never, d.headers, options), 'invalid_body');
  });
});
