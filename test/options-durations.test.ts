// Issue 18 point 3: one rule for every time option (src/core/options.ts). A value past the
// longest timer (2^31−1 ms, 2,147,483 s) is refused with invalid_options naming the option, the
// range and the default — before, Node turned such a timer into 1 ms (every enqueue and every
// guarded run rejected at once) and Redis refused a PX of 1e23 after the handler had run.
import { describe, expect, it } from 'vitest';
import { unwrapNodeRequest } from '../src/adapters/node.js';
import { unwrapRequest } from '../src/adapters/web.js';
import { MAX_DURATION_MS, MAX_DURATION_SECONDS, durationOption } from '../src/core/options.js';
import { createIdempotencyGuard, memoryStore, redisStore } from '../src/idempotency/index.js';
import { verify } from '../src/index.js';
import { createEventQueue } from '../src/queue/index.js';
import { makeDelivery } from './support/delivery.js';
import { expectCode, refusal } from './support/errors.js';

const client = { set: async () => null, eval: async () => 1 };
const d = makeDelivery();

describe('durationOption: the one rule', () => {
  const ms = { unit: 'ms', fallback: 2_000, kind: 'bound' } as const;
  it('keeps the default, in-range values and the edges', () => {
    expect(durationOption(undefined, 'timeoutMs', ms)).toBe(2_000);
    expect(durationOption(0.5, 'timeoutMs', ms)).toBe(0.5);
    expect(durationOption(MAX_DURATION_MS, 'timeoutMs', ms)).toBe(2 ** 31 - 1);
    expect(durationOption(MAX_DURATION_SECONDS, 'ttlSeconds', { unit: 's', fallback: 1, kind: 'bound' })).toBe(
      2_147_483,
    );
    expect(durationOption(Infinity, 'timeoutMs', { ...ms, kind: 'limit', infinity: 'waits forever' })).toBe(Infinity);
    expect(durationOption(0, 'toleranceSeconds', { unit: 's', fallback: 300, kind: 'window' })).toBe(0);
  });

  it.each([2 ** 31, 1e20, Infinity, 0, -1, Number.NaN, '2000', null])(
    'refuses %o, naming option, range and default',
    (bad) => {
      const error = expectCode(() => durationOption(bad, 'timeoutMs', ms), 'invalid_options');
      expect(error.message).toContain(
        'timeoutMs must be a finite number of milliseconds > 0 and at most 2,147,483,647',
      );
      expect(error.message).toContain('default of 2,000');
    },
  );

  it('seconds are capped at 2,147,483', () => {
    const error = expectCode(
      () => durationOption(2_147_484, 'ttlSeconds', { unit: 's', fallback: 86_400, kind: 'bound' }),
      'invalid_options',
    );
    expect(error.message).toMatch(
      /ttlSeconds must be a finite number of seconds > 0 and at most 2,147,483 .*default of 86,400/,
    );
  });
});

describe('every time option of the package follows it', () => {
  it('guard: ttlSeconds and lockSeconds of 1e20 are refused before any handler can run', async () => {
    for (const name of ['ttlSeconds', 'lockSeconds'] as const) {
      for (const store of [memoryStore(), redisStore(client)]) {
        let ran = false;
        const attempt = async () => createIdempotencyGuard({ store, [name]: 1e20 }).run('evt_1', () => (ran = true));
        expect((await refusal(attempt())).message).toContain(
          `${name} must be a finite number of seconds > 0 and at most 2,147,483`,
        );
        expect(ran).toBe(false);
      }
    }
    // The edge itself is kept: 2,147,483 s is 2,147,483,000 ms, a PX Redis and the store take.
    const edge = createIdempotencyGuard({ ttlSeconds: MAX_DURATION_SECONDS, lockSeconds: MAX_DURATION_SECONDS });
    expect(await edge.run('evt_1', () => 1)).toEqual({ status: 'processed', value: 1 });
  });

  it('redisStore: timeoutMs 2^31 and Infinity are refused (a bound, like the queue one); 2^31−1 runs', async () => {
    expect(expectCode(() => redisStore(client, { timeoutMs: 2 ** 31 }), 'invalid_options').message).toContain(
      'redisStore: timeoutMs must be a finite number of milliseconds > 0 and at most 2,147,483,647',
    );
    expectCode(() => redisStore(client, { timeoutMs: Infinity }), 'invalid_options');
    const guard = createIdempotencyGuard({ store: redisStore(client, { timeoutMs: MAX_DURATION_MS }) });
    expect(await guard.run('evt_1', () => 1)).toEqual({ status: 'processed', value: 1 });
  });

  it('createEventQueue: timeoutMs 2^31 and retentionSeconds past 2,147,483 are refused', () => {
    const connection = { host: '127.0.0.1', port: 1 };
    expect(expectCode(() => createEventQueue({ connection, timeoutMs: 2 ** 31 }), 'invalid_options').message).toContain(
      'createEventQueue: timeoutMs must be a finite number of milliseconds > 0 and at most 2,147,483,647',
    );
    expectCode(() => createEventQueue({ connection, retentionSeconds: 1e20 }), 'invalid_options');
    expectCode(() => createEventQueue({ connection, timeoutMs: Infinity }), 'invalid_options');
  });

  it('adapters: readTimeoutMs 2^31 is refused (it would be a 1 ms timer); Infinity still turns it off', async () => {
    const request = (): Request =>
      new Request('http://127.0.0.1/', { method: 'POST', body: d.body, headers: d.headers });
    const options = { secret: d.secret, now: d.nowMs };
    expect((await refusal(unwrapRequest(request(), { ...options, readTimeoutMs: 2 ** 31 }))).message).toContain(
      'readTimeoutMs must be a number of milliseconds > 0 and at most 2,147,483,647',
    );
    expect(
      (await refusal(unwrapNodeRequest({ headers: d.headers, body: d.body }, { ...options, readTimeoutMs: 2 ** 31 })))
        .code,
    ).toBe('invalid_options');
    expect((await unwrapRequest(request(), { ...options, readTimeoutMs: Infinity })).type).toBe('event');
    expect((await unwrapRequest(request(), { ...options, readTimeoutMs: MAX_DURATION_MS })).type).toBe('event');
  });

  it('verify: toleranceSeconds keeps 0 and Infinity, refuses past 2,147,483', () => {
    const options = { secret: d.secret, now: d.nowMs };
    expect(verify(d.body, d.headers, { ...options, toleranceSeconds: 0 }).id).toBe(d.headers['webhook-id']);
    expect(verify(d.body, d.headers, { ...options, toleranceSeconds: Infinity }).id).toBe(d.headers['webhook-id']);
    expect(verify(d.body, d.headers, { ...options, toleranceSeconds: MAX_DURATION_SECONDS }).id).toBe(
      d.headers['webhook-id'],
    );
    expect(
      expectCode(() => verify(d.body, d.headers, { ...options, toleranceSeconds: 1e20 }), 'invalid_options').message,
    ).toContain('or Infinity, which turns the check off');
  });
});
