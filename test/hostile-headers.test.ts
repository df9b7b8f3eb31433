// The inputs issue 10 found escaping as TypeError/RangeError or taking quadratic time, one by one:
// each is now refused with our own code and a message naming the fix, and the header caps stop a
// flood as soon as it passes them (counted in reads, not timed: the bench times them).
import { describe, expect, it } from 'vitest';
import { unwrapNodeRequest, verifyNodeRequest } from '../src/adapters/node.js';
import { unwrapRequest, verifyRequest } from '../src/adapters/web.js';
import { MAX_WEBHOOK_HEADER_CHARS, MAX_WEBHOOK_HEADER_VALUES } from '../src/core/headers.js';
import { createIdempotencyGuard, memoryStore, redisStore } from '../src/idempotency/index.js';
import { unwrapLambdaEvent, verifyLambdaEvent } from '../src/lambda/index.js';
import { createEventQueue, createEventWorker } from '../src/queue/index.js';
import { generateSecret, sign, unwrap, verify } from '../src/index.js';
import { makeDelivery } from './support/delivery.js';
import { expectCode, refusal } from './support/errors.js';

const d = makeDelivery();
const options = { secret: d.secret, now: d.nowMs };
const good = d.headers as Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>;
const decoy = `v1,${'A'.repeat(43)}=`;
/** A Function URL / HTTP API (v2) event carrying the delivery. */
const lambdaEvent = { version: '2.0', headers: good, body: d.body, isBase64Encoded: false };

describe('header caps: refused as soon as passed, in linear time', () => {
  it(`takes up to ${MAX_WEBHOOK_HEADER_VALUES} values for the three names, and refuses one more`, () => {
    const values = (n: number): string[] => [...Array.from({ length: n - 1 }, () => decoy), good['webhook-signature']];
    const at = { ...good, 'webhook-signature': values(MAX_WEBHOOK_HEADER_VALUES - 2) }; // + id + timestamp
    expect(verify(d.body, at, options).id).toBe(good['webhook-id']);
    const over = { ...good, 'webhook-signature': values(MAX_WEBHOOK_HEADER_VALUES - 1) };
    expect(expectCode(() => verify(d.body, over, options), 'invalid_header').message).toContain(
      `over the ${MAX_WEBHOOK_HEADER_VALUES} allowed`,
    );
  });

  it(`refuses a name whose values pass ${MAX_WEBHOOK_HEADER_CHARS} characters together`, () => {
    const pad = (chars: number): string[] => {
      const filler = chars - good['webhook-signature'].length - 2; // two joining spaces
      return ['x'.repeat(filler - 1), 'y', good['webhook-signature']];
    };
    expect(verify(d.body, { ...good, 'webhook-signature': pad(MAX_WEBHOOK_HEADER_CHARS) }, options).id).toBe(
      good['webhook-id'],
    );
    expectCode(
      () => verify(d.body, { ...good, 'webhook-signature': pad(MAX_WEBHOOK_HEADER_CHARS + 1) }, options),
      'invalid_header',
    );
    expectCode(() => verify(d.body, { ...good, 'webhook-id': 'a'.repeat(1_000_000) }, options), 'invalid_header');
  });

  it('stops pulling from an iterable of pairs at the cap, and closes it', () => {
    let pulled = 0;
    let closed = false;
    const pairs = {
      [Symbol.iterator]: () => ({
        next: () => ({ done: ++pulled > 3_000, value: ['webhook-signature', 'v1,x'] }),
        return: () => {
          closed = true;
          return { done: true, value: undefined };
        },
      }),
    };
    expectCode(() => verify(d.body, pairs as never, options), 'invalid_header');
    expect(pulled).toBeLessThanOrEqual(MAX_WEBHOOK_HEADER_VALUES + 1);
    expect(closed).toBe(true);
  });

  it('reads at most the cap of values from a record of 30,000 case variants', () => {
    const record: Record<string, string> = {
      'webhook-id': good['webhook-id'],
      'webhook-timestamp': good['webhook-timestamp'],
    };
    const name = 'webhook-signature';
    for (let i = 1; i <= 30_000; i++) {
      let spelled = '';
      for (let j = 0, bit = 0; j < name.length; j++) {
        const c = name[j] as string;
        spelled += c === '-' ? c : (i >> bit++) & 1 ? c.toUpperCase() : c;
      }
      record[spelled] = 'v1,x';
    }
    let reads = 0;
    const counted = new Proxy(record, {
      get(target, key, receiver) {
        reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    expectCode(() => verify(d.body, counted, options), 'invalid_header');
    expect(reads).toBeLessThanOrEqual(MAX_WEBHOOK_HEADER_VALUES + 8);
  });
});

describe('each foreign exception of issue 10 is now our own code', () => {
  it('a repeated name (case variant) whose value is not a string: record, Map, pairs', () => {
    const shapes = [
      {
        'Webhook-Id': good['webhook-id'],
        'WEBHOOK-ID': 5,
        'webhook-timestamp': good['webhook-timestamp'],
        'webhook-signature': good['webhook-signature'],
      },
      new Map<string, unknown>([...Object.entries(good), ['WEBHOOK-ID', { a: 1 }]]),
      [...Object.entries(good), ['Webhook-Signature', 7]],
    ];
    for (const headers of shapes) {
      expect(expectCode(() => verify(d.body, headers as never, options), 'invalid_header').message).toMatch(
        /not a string or a list of strings/,
      );
    }
  });

  it('a detached ArrayBuffer body, and a Uint8Array over one', () => {
    const buffer = new TextEncoder().encode(d.body).buffer;
    const view = new Uint8Array(new TextEncoder().encode(d.body).buffer);
    structuredClone([buffer, view.buffer], { transfer: [buffer, view.buffer] });
    for (const body of [buffer, view]) {
      expect(expectCode(() => verify(body, good, options), 'invalid_body').message).toContain('detached');
      expectCode(() => unwrap(body, good, options), 'invalid_body');
    }
  });

  it('a Proxy around a Uint8Array body', () => {
    const body = new Proxy(new TextEncoder().encode(d.body), {});
    expect(expectCode(() => verify(body, good, options), 'invalid_body').message).toContain('Proxy');
  });

  it('a Proxy around an ArrayBuffer body (it passes instanceof and the tag): invalid_body, not a TypeError', () => {
    const body = new Proxy(new TextEncoder().encode(d.body).buffer, {});
    expect(expectCode(() => verify(body, good, options), 'invalid_body').message).toContain(
      'passes instanceof ArrayBuffer but is not one',
    );
    expectCode(() => unwrap(body, good, options), 'invalid_body');
    expectCode(() => sign({ id: 'msg_1', timestamp: 1, body, secret: d.secret }), 'invalid_body');
    // The real buffer itself still verifies.
    expect(verify(new TextEncoder().encode(d.body).buffer, good, options).id).toBe(good['webhook-id']);
  });

  it('a Symbol in a signature array', () => {
    expectCode(
      () =>
        verify(d.body, { ...good, 'webhook-signature': [good['webhook-signature'], Symbol('s')] } as never, options),
      'invalid_header',
    );
  });

  it('an id or timestamp nested in 100,000 single-element arrays (no recursion)', () => {
    let deep: unknown = good['webhook-id'];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expectCode(() => verify(d.body, { ...good, 'webhook-id': deep } as never, options), 'invalid_header');
    expectCode(() => verify(d.body, { ...good, 'webhook-timestamp': deep } as never, options), 'invalid_header');
  });

  it('a secret list with a hole: a forged delivery is a 500 invalid_secret, not a TypeError', () => {
    const holed = [d.secret, , generateSecret()] as unknown as string[];
    const forged = expectCode(
      () => verify(d.body.replace('idled', 'IDLED'), good, { ...options, secret: holed }),
      'invalid_secret',
    );
    expect(forged.status).toBe(500);
    expectCode(() => verify(d.body, good, { ...options, secret: holed }), 'invalid_secret');
  });

  it('options passed as null, everywhere options are taken', async () => {
    expectCode(() => verify(d.body, good, null as never), 'invalid_options');
    expectCode(() => unwrap(d.body, good, null as never), 'invalid_options');
    expectCode(() => sign(null as never), 'invalid_options');
    expect(
      (await refusal(unwrapRequest(new Request('http://127.0.0.1/', { method: 'POST', body: d.body }), null as never)))
        .code,
    ).toBe('invalid_options');
    expect(
      (await refusal(verifyRequest(new Request('http://127.0.0.1/', { method: 'POST', body: d.body }), null as never)))
        .code,
    ).toBe('invalid_options');
    expect((await refusal(unwrapNodeRequest({ headers: good, body: d.body }, null as never))).code).toBe(
      'invalid_options',
    );
    expect((await refusal(verifyNodeRequest({ headers: good, body: d.body }, null as never))).code).toBe(
      'invalid_options',
    );
    expectCode(() => unwrapLambdaEvent(lambdaEvent, null as never), 'invalid_options');
    expectCode(() => verifyLambdaEvent(lambdaEvent, null as never), 'invalid_options');
    expectCode(() => createEventQueue(null as never), 'invalid_options');
    expectCode(() => createEventWorker(null as never), 'invalid_options');
    expectCode(() => memoryStore(null as never), 'invalid_options');
    expectCode(() => createIdempotencyGuard(null as never), 'invalid_options');
    const client = { set: async () => null, eval: async () => 0 };
    expectCode(() => redisStore(client as never, null as never), 'invalid_options');
    expectCode(() => redisStore(client as never, { timeoutMs: 0 }), 'invalid_options');
  });
});
