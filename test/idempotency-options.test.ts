// Misconfiguration is refused up front, with the library's one error class and a message that
// names the option to fix — never discovered later as a silently skipped or repeated event.
import { describe, expect, it } from 'vitest';
import { createIdempotencyGuard, memoryStore, redisStore } from '../src/idempotency/index.js';
import { WebhookVerificationError } from '../src/index.js';

const invalid = (pattern: RegExp) =>
  expect.objectContaining({
    name: 'WebhookVerificationError',
    code: 'invalid_options',
    status: 500,
    message: expect.stringMatching(pattern),
  });

describe('idempotency options', () => {
  it.each([0, -1, Number.NaN, Infinity, '60' as unknown as number])(
    'refuses ttlSeconds and lockSeconds of %o',
    (bad) => {
      expect(() => createIdempotencyGuard({ ttlSeconds: bad })).toThrow(
        invalid(/ttlSeconds must be a finite number of seconds > 0/),
      );
      expect(() => createIdempotencyGuard({ lockSeconds: bad })).toThrow(
        invalid(/lockSeconds must be a finite number of seconds > 0/),
      );
    },
  );

  it('accepts fractions of a second', () => {
    expect(() => createIdempotencyGuard({ ttlSeconds: 0.5, lockSeconds: 0.2 })).not.toThrow();
  });

  it.each([0, 1.5, -3, Number.NaN])('refuses maxEntries of %s', (bad) => {
    expect(() => memoryStore({ maxEntries: bad })).toThrow(invalid(/maxEntries must be a whole number >= 1/));
  });

  it('refuses a store without claim, complete and release', () => {
    const incomplete = { claim: async () => true } as never;
    expect(() => createIdempotencyGuard({ store: incomplete })).toThrow(
      invalid(/store must have claim, complete and release/),
    );
  });

  it('refuses an empty or missing event id, and a missing handler, before claiming anything', async () => {
    const guard = createIdempotencyGuard();
    await expect(guard.run('', () => 1)).rejects.toThrow(invalid(/non-empty string/));
    await expect(guard.run(undefined as never, () => 1)).rejects.toThrow(WebhookVerificationError);
    await expect(guard.run('evt_1', undefined as never)).rejects.toThrow(invalid(/handler/));
    expect(await guard.run('evt_1', () => 1)).toEqual({ status: 'processed', value: 1 });
  });

  it('refuses a redisStore prefix that is not a string', () => {
    const client = { set: async () => 'OK', eval: async () => 0 };
    expect(() => redisStore(client, { prefix: 1 as never })).toThrow(invalid(/prefix must be a string/));
  });
});
