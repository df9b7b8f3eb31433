// Issue 18 point 4: ids holding lone UTF-16 surrogates have no UTF-8 form, so every Redis client
// sends them as U+FFFD: distinct ids became one key. Before, four such signed events passed unwrap,
// the queue answered enqueued ×3 then duplicate (and left jobs stuck active), and redisStore ran
// the first and answered the other three "duplicate" — three events never ran. Now unwrap refuses
// them (invalid_event, 400: the sender's fault), and the guard, redisStore and enqueue refuse them
// (invalid_options, 500: the caller passed what unwrap never returns; on a real redis-server in
// event-id-well-formed-redis.test.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWellFormed } from '../src/core/well-formed.js';
import { createSampleEvent, sign, unwrap, generateSecret } from '../src/index.js';
import { expectCode } from './support/errors.js';
import { LONE, PAIRED } from './support/surrogate-ids.js';

const secret = generateSecret();
const now = Date.UTC(2026, 10, 22, 12);

/** A signed delivery whose event id is `id`, written as JSON escapes (as a sender would). */
function signed(id: string): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(createSampleEvent('session.status_idled', { id }));
  const headers = sign({ id: 'msg_1', timestamp: new Date(now), body, secret });
  return { body, headers };
}

describe('unwrap', () => {
  it('refuses a signed event whose id or data.id holds a lone surrogate, with invalid_event', () => {
    for (const id of LONE) {
      const { body, headers } = signed(id);
      expect(body).toContain('\\ud'); // JSON.stringify escapes a lone surrogate, as any sender must
      const error = expectCode(() => unwrap(body, headers, { secret, now }), 'invalid_event');
      expect(error.message).toContain('lone UTF-16 surrogate');
      expect(error.status).toBe(400);
    }
    const event = createSampleEvent('session.status_idled');
    const body = JSON.stringify({ ...event, data: { ...event.data, id: 'sesn_\udc00' } });
    expectCode(
      () => unwrap(body, sign({ id: 'msg_1', timestamp: new Date(now), body, secret }), { secret, now }),
      'invalid_event',
    );
  });

  it('keeps well-formed ids, paired surrogates included', () => {
    for (const id of PAIRED) {
      const { body, headers } = signed(id);
      expect(unwrap(body, headers, { secret, now }).id).toBe(id);
    }
  });

  it('the fallback scan agrees with String.prototype.isWellFormed', () => {
    const native = Object.getOwnPropertyDescriptor(String.prototype, 'isWellFormed');
    expect(native, 'Node 20+ has isWellFormed').toBeDefined();
    const units = fc.array(fc.oneof(fc.integer({ min: 0xd7fe, max: 0xe001 }), fc.integer({ min: 0x20, max: 0x7e })), {
      maxLength: 12,
    });
    const samples = fc.sample(
      units.map((codes) => String.fromCharCode(...codes)),
      2_000,
    );
    const expected = samples.map((text) => (native?.value as (this: string) => boolean).call(text));
    delete (String.prototype as { isWellFormed?: unknown }).isWellFormed;
    try {
      expect(samples.map((text) => isWellFormed(text))).toEqual(expected);
    } finally {
      Object.defineProperty(String.prototype, 'isWellFormed', native as PropertyDescriptor);
    }
    expect(expected).toContain(false);
    expect(expected).toContain(true);
  });
});
