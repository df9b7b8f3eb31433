import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sign, unwrap, verify, type WebhookErrorCode, type WebhookHeaders } from '../src/index.js';
import { makeDelivery } from './support/delivery.js';
import { expectCode } from './support/errors.js';

const d = makeDelivery();
const options = { secret: d.secret, now: d.nowMs };

// body_too_large belongs to the adapters and is reached in test/adapter-*.test.ts.
const cases: Array<[WebhookErrorCode, 400 | 500, () => unknown]> = [
  ['missing_secret', 500, () => verify(d.body, d.headers, { now: d.nowMs })],
  ['invalid_secret', 500, () => verify(d.body, d.headers, { ...options, secret: 'whsec_short' })],
  ['invalid_options', 500, () => verify(d.body, d.headers, { ...options, toleranceSeconds: -1 })],
  ['missing_header', 400, () => verify(d.body, { ...d.headers, 'webhook-id': '' }, options)],
  ['invalid_header', 400, () => verify(d.body, { ...d.headers, 'webhook-id': 'a.b' }, options)],
  ['invalid_timestamp', 400, () => verify(d.body, { ...d.headers, 'webhook-timestamp': '17e8' }, options)],
  ['timestamp_too_old', 400, () => verify(d.body, d.headers, { ...options, now: d.nowMs + 301_000 })],
  ['timestamp_too_new', 400, () => verify(d.body, d.headers, { ...options, now: d.nowMs - 301_000 })],
  ['invalid_signature', 400, () => verify(`${d.body} `, d.headers, options)],
  ['invalid_body', 400, () => verify(JSON.parse(d.body) as never, d.headers, options)],
  ['invalid_json', 400, () => unwrap('not json', headersFor('not json'), options)],
  ['invalid_event', 400, () => unwrap('{"type":"ping"}', headersFor('{"type":"ping"}'), options)],
];

function caseFor(code: WebhookErrorCode): () => unknown {
  const found = cases.find(([c]) => c === code);
  if (found === undefined) throw new Error(`no case for ${code}`);
  return found[2];
}

// Signed with the same secret and time, so only the body's content is at fault.
function headersFor(body: string): WebhookHeaders {
  return sign({ id: 'msg_test_2', timestamp: new Date(d.nowMs), body, secret: d.secret });
}

describe('every error code is reachable, with its status', () => {
  beforeEach(() => vi.stubEnv('ANTHROPIC_WEBHOOK_SIGNING_KEY', undefined));
  afterEach(() => vi.unstubAllEnvs());

  it.each(cases)('%s → %i', (code, status, run) => {
    const error = expectCode(run, code);
    expect(error.status).toBe(status);
    expect(error.name).toBe('WebhookVerificationError');
    expect(error).toBeInstanceOf(Error);
  });

  it('never puts the secret or the expected signature in a message', () => {
    const expected = d.headers['webhook-signature'].slice(3);
    const key = d.secret.slice('whsec_'.length);
    for (const [code, , run] of cases) {
      const error = expectCode(run, code);
      expect(error.message).not.toContain(key);
      expect(error.message).not.toContain(expected);
    }
    // The wrong-secret path computes the right MAC for the body; it must not leak either.
    const tampered = expectCode(
      () => verify(d.body, { ...d.headers, 'webhook-signature': 'v1,' + 'A'.repeat(43) + '=' }, options),
      'invalid_signature',
    );
    expect(tampered.message).not.toContain(expected);
  });

  it('names the fix in each message', () => {
    const message = (code: WebhookErrorCode): string => expectCode(caseFor(code), code).message;
    expect(message('missing_secret')).toMatch(/ANTHROPIC_WEBHOOK_SIGNING_KEY/);
    expect(message('invalid_body')).toMatch(/express\.raw/);
    expect(message('invalid_signature')).toMatch(/re-serialized/);
    expect(message('timestamp_too_old')).toMatch(/301 s ago/);
  });
});

describe('order of checks', () => {
  it('reports options before headers, headers before the timestamp, the timestamp before the signature', () => {
    expectCode(() => verify(d.body, {}, { ...options, toleranceSeconds: Number.NaN }), 'invalid_options');
    expectCode(() => verify(d.body, {}, { secret: 'x' }), 'invalid_secret');
    expectCode(() => verify(d.body, { 'webhook-timestamp': 'x' }, options), 'missing_header');
    expectCode(() => verify('x', { ...d.headers, 'webhook-timestamp': 'x' }, options), 'invalid_timestamp');
    expectCode(() => verify('x', d.headers, { ...options, now: d.nowMs + 10_000_000 }), 'timestamp_too_old');
  });

  it('checks the signature before parsing JSON', () => {
    expectCode(() => unwrap('not json', d.headers, options), 'invalid_signature');
  });
});
