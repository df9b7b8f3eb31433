import { describe, expect, it } from 'vitest';
import { verify, type HeadersInput } from '../src/index.js';
import { makeDelivery } from './support/delivery.js';
import { expectCode } from './support/errors.js';

const d = makeDelivery();
const options = { secret: d.secret, now: d.nowMs };
const entries = Object.entries(d.headers);
const shouted = entries.map(([name, value]) => [name.toUpperCase(), value] as [string, string]);

const shapes: Array<[string, HeadersInput]> = [
  ['fetch Headers', new Headers(d.headers)],
  ['a plain record (Node IncomingHttpHeaders)', { ...d.headers, 'content-type': 'application/json' }],
  ['a record with mixed-case names', Object.fromEntries(shouted)],
  ['a record whose values are string[]', Object.fromEntries(entries.map(([n, v]) => [n, [v]]))],
  ['a Map', new Map(entries)],
  ['a Map with mixed-case names', new Map(shouted)],
  ['[name, value] pairs', entries],
  [
    'a generator of pairs',
    (function* () {
      yield* shouted;
    })(),
  ],
];

describe('headers are read from every shape frameworks hand over', () => {
  it.each(shapes)('%s', (_name, headers) => {
    expect(verify(d.body, headers, options).id).toBe('msg_test_1');
  });

  it('accepts several webhook-signature values as one list (Node string[], repeated fetch headers)', () => {
    const decoy = 'v1,' + 'B'.repeat(43) + '=';
    expect(
      verify(d.body, { ...d.headers, 'webhook-signature': [decoy, d.headers['webhook-signature']] }, options).id,
    ).toBe('msg_test_1');
    const repeated = new Headers([['webhook-signature', decoy], ...entries]);
    expect(repeated.get('webhook-signature')).toContain(', ');
    expect(verify(d.body, repeated, options).id).toBe('msg_test_1');
  });

  it('refuses an id or timestamp sent twice', () => {
    expectCode(() => verify(d.body, { ...d.headers, 'webhook-id': ['a', 'b'] }, options), 'invalid_header');
    expectCode(() => verify(d.body, { ...d.headers, 'webhook-timestamp': [] }, options), 'missing_header');
  });

  it('says which header is missing', () => {
    for (const name of Object.keys(d.headers)) {
      const rest = Object.fromEntries(entries.filter(([n]) => n !== name));
      expect(expectCode(() => verify(d.body, rest, options), 'missing_header').message).toContain(name);
    }
  });

  it('refuses headers that are not an object', () => {
    expectCode(() => verify(d.body, null as never, options), 'missing_header');
    expectCode(() => verify(d.body, 'webhook-id: x' as never, options), 'missing_header');
  });
});
