// A skew of decades is a unit mistake, not a bad clock: the timestamp messages say which one.
import { describe, expect, it } from 'vitest';
import { generateSecret, sign, verify } from '../src/index.js';
import { expectCode } from './support/errors.js';

const secret = generateSecret();
const body = '{}';
const nowMs = 1_795_000_000_000;
const signedAt = (seconds: number): Record<string, string> => ({
  ...sign({ id: 'msg_1', timestamp: seconds, body, secret }),
});
const headers = signedAt(nowMs / 1000);

describe('timestamp messages name a unit mistake', () => {
  it('now given in seconds (a clock near 1970) is timestamp_too_new, saying so', () => {
    const err = expectCode(() => verify(body, headers, { secret, now: nowMs / 1000 }), 'timestamp_too_new');
    expect(err.message).toContain('The clock reads 1970-01-21T');
    expect(err.message).toContain('now looks like seconds rather than milliseconds');
  });

  it('a clock at the epoch itself, or a function returning seconds', () => {
    for (const now of [0, () => nowMs / 1000, new Date(nowMs / 1000)]) {
      const err = expectCode(() => verify(body, headers, { secret, now }), 'timestamp_too_new');
      expect(err.message).toMatch(/now looks like seconds rather than milliseconds — pass Date\.now\(\), a Date/);
    }
  });

  it('a clock ~1000× ahead (microseconds) is timestamp_too_old, saying so', () => {
    const err = expectCode(() => verify(body, headers, { secret, now: nowMs * 1000 }), 'timestamp_too_old');
    expect(err.message).toContain('~1000× the webhook-timestamp: now looks like microseconds');
  });

  it('a webhook-timestamp in milliseconds is named', () => {
    const err = expectCode(() => verify(body, signedAt(nowMs), { secret, now: nowMs }), 'timestamp_too_new');
    expect(err.message).toContain('The webhook-timestamp is ~1000× the clock: it looks like milliseconds');
  });

  it('a clock that is merely off gets no unit hint', () => {
    for (const [now, code] of [
      [nowMs + 3_600_000, 'timestamp_too_old'],
      [nowMs - 86_400_000 * 365, 'timestamp_too_new'],
    ] as const) {
      const err = expectCode(() => verify(body, headers, { secret, now }), code);
      expect(err.message).not.toMatch(/looks like|~1000×/);
      expect(err.message).toMatch(/NTP/);
    }
  });

  it('a clock beyond what Date can show still gets a message', () => {
    const err = expectCode(
      () => verify(body, signedAt(10 ** 14), { secret, now: 10 ** 14 * 1000 * 1000 }),
      'timestamp_too_old',
    );
    expect(err.message).toContain('now looks like microseconds');
  });
});
