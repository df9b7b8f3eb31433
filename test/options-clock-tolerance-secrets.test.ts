import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateSecret, sign, verify } from '../src/index.js';
import { makeDelivery } from './support/delivery.js';
import { expectCode } from './support/errors.js';

const d = makeDelivery();
const at = (seconds: number): number => d.nowMs + seconds * 1000;
// What verify returns for d: its message id, its timestamp, and the exact bytes that were signed.
const verified = {
  id: d.headers['webhook-id'],
  timestamp: Number(d.headers['webhook-timestamp']),
  body: new TextEncoder().encode(d.body),
};

describe('tolerance applies both ways; exactly at the edge passes', () => {
  it.each([
    [300, 'ok'],
    [300.999, 'ok'], // the clock is floored to whole seconds, like the header
    [301, 'timestamp_too_old'],
    [-300, 'ok'],
    [-301, 'timestamp_too_new'],
  ] as const)('now = timestamp %+d s → %s', (offset, outcome) => {
    const run = (): unknown => verify(d.body, d.headers, { secret: d.secret, now: at(offset) });
    if (outcome === 'ok') expect(run()).toEqual(verified);
    else expectCode(run, outcome);
  });

  it('takes a custom tolerance, and Infinity turns the check off', () => {
    expectCode(
      () => verify(d.body, d.headers, { secret: d.secret, now: at(61), toleranceSeconds: 60 }),
      'timestamp_too_old',
    );
    expect(verify(d.body, d.headers, { secret: d.secret, now: at(60), toleranceSeconds: 60 })).toEqual(verified);
    expect(verify(d.body, d.headers, { secret: d.secret, now: at(10 ** 8), toleranceSeconds: Infinity })).toEqual(
      verified,
    );
    expect(verify(d.body, d.headers, { secret: d.secret, now: at(0), toleranceSeconds: 0 })).toEqual(verified);
  });

  it.each([-1, Number.NaN, '300' as unknown as number])('refuses toleranceSeconds %s', (toleranceSeconds) => {
    expectCode(() => verify(d.body, d.headers, { secret: d.secret, toleranceSeconds }), 'invalid_options');
  });
});

describe('the clock is injectable', () => {
  it.each([
    ['a Date', new Date(d.nowMs)],
    ['milliseconds', d.nowMs],
    ['a function returning a Date', () => new Date(d.nowMs)],
    ['a function returning milliseconds', () => d.nowMs],
  ] as const)('as %s', (_name, now) => {
    expect(verify(d.body, d.headers, { secret: d.secret, now }).timestamp).toBe(d.nowMs / 1000);
  });

  it('defaults to the system clock', () => {
    vi.useFakeTimers({ now: at(400) });
    try {
      expectCode(() => verify(d.body, d.headers, { secret: d.secret }), 'timestamp_too_old');
    } finally {
      vi.useRealTimers();
    }
  });

  it.each([
    ['an invalid Date', new Date(Number.NaN)],
    ['NaN', Number.NaN],
    ['Infinity', Infinity],
    ['a string', '2026-11-22' as never],
    ['a function returning nonsense', (() => 'now') as never],
  ] as const)('refuses %s', (_name, now) => {
    expectCode(() => verify(d.body, d.headers, { secret: d.secret, now }), 'invalid_options');
  });
});

describe('secrets', () => {
  afterEach(() => vi.unstubAllEnvs());
  const other = generateSecret();

  it('rotates: a delivery passes if any secret signed it, in any order', () => {
    expect(verify(d.body, d.headers, { secret: [other, d.secret], now: d.nowMs })).toEqual(verified);
    expect(verify(d.body, d.headers, { secret: [d.secret, other], now: d.nowMs })).toEqual(verified);
    const error = expectCode(
      () => verify(d.body, d.headers, { secret: [other, generateSecret()], now: d.nowMs }),
      'invalid_signature',
    );
    expect(error.message).toContain('against 2 secrets');
  });

  it('passes while the sender signs with both old and new secrets', () => {
    const oldSig = d.headers['webhook-signature'];
    const newSig = sign({ id: d.headers['webhook-id'], timestamp: new Date(d.nowMs), body: d.body, secret: other })[
      'webhook-signature'
    ];
    const headers = { ...d.headers, 'webhook-signature': `${oldSig} ${newSig}` };
    expect(verify(d.body, headers, { secret: other, now: d.nowMs })).toEqual(verified);
    expect(verify(d.body, headers, { secret: d.secret, now: d.nowMs })).toEqual(verified);
  });

  it('takes the raw key as bytes, and notices when those bytes change', () => {
    const key = Uint8Array.from(atob(d.secret.slice(6)), (c) => c.charCodeAt(0));
    expect(verify(d.body, d.headers, { secret: key, now: d.nowMs })).toEqual(verified);
    key[0] = (key[0] as number) ^ 1;
    expectCode(() => verify(d.body, d.headers, { secret: key, now: d.nowMs }), 'invalid_signature');
    expectCode(() => verify(d.body, d.headers, { secret: new Uint8Array(15), now: d.nowMs }), 'invalid_secret');
  });

  it('reads ANTHROPIC_WEBHOOK_SIGNING_KEY when no secret is passed', () => {
    vi.stubEnv('ANTHROPIC_WEBHOOK_SIGNING_KEY', d.secret);
    expect(verify(d.body, d.headers, { now: d.nowMs })).toEqual(verified);
    vi.stubEnv('ANTHROPIC_WEBHOOK_SIGNING_KEY', '');
    expectCode(() => verify(d.body, d.headers, { now: d.nowMs }), 'missing_secret');
  });

  it('refuses malformed secrets with a hint', () => {
    expect(expectCode(() => verify(d.body, d.headers, { secret: `${d.secret} ` }), 'invalid_secret').message).toMatch(
      /whitespace/,
    );
    expectCode(() => verify(d.body, d.headers, { secret: 'whsec_' }), 'invalid_secret');
    expectCode(() => verify(d.body, d.headers, { secret: [] }), 'missing_secret');
    // Not a secret of any form is a wrong secret, not a missing one, and the message says what came.
    expect(expectCode(() => verify(d.body, d.headers, { secret: 5 as never }), 'invalid_secret').message).toMatch(
      /a whsec_ string .*or a list of them while rotating; got number\./,
    );
    expectCode(() => verify(d.body, d.headers, { secret: [d.secret, 42 as never] }), 'invalid_secret');
  });

  it('generateSecret makes distinct whsec_ secrets with 32-byte keys', () => {
    const a = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(atob(a.slice(6))).toHaveLength(32);
    expect(generateSecret()).not.toBe(a);
  });
});
