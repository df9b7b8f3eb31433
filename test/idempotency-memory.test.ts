import { describe, expect, it, vi } from 'vitest';
import { createIdempotencyGuard, memoryStore } from '../src/idempotency/index.js';
import { WebhookVerificationError } from '../src/index.js';

function clock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('idempotency guard with the memory store', () => {
  it('runs fn exactly once for 1,000 concurrent deliveries of the same id', async () => {
    const guard = createIdempotencyGuard();
    const fn = vi.fn(async () => {
      await new Promise((r) => setTimeout(r, 5));
      return 'done';
    });
    const results = await Promise.all(Array.from({ length: 1000 }, () => guard.run('evt_1', fn)));
    expect(fn).toHaveBeenCalledTimes(1);
    expect(results.filter((r) => r.status === 'processed')).toEqual([{ status: 'processed', value: 'done' }]);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(999);
  });

  it('keeps different ids apart', async () => {
    const guard = createIdempotencyGuard();
    expect(await guard.run('a', () => 1)).toEqual({ status: 'processed', value: 1 });
    expect(await guard.run('b', () => 2)).toEqual({ status: 'processed', value: 2 });
    expect(await guard.run('a', () => 3)).toEqual({ status: 'duplicate' });
  });

  it('releases the claim when fn throws, rethrows, and processes the retry', async () => {
    const guard = createIdempotencyGuard();
    const boom = new Error('downstream failed');
    await expect(guard.run('evt_2', () => Promise.reject(boom))).rejects.toBe(boom);
    expect(await guard.run('evt_2', () => 'second try')).toEqual({ status: 'processed', value: 'second try' });
    expect(await guard.run('evt_2', () => 'third')).toEqual({ status: 'duplicate' });
  });

  it('forgets a processed id after ttlSeconds', async () => {
    const c = clock();
    const guard = createIdempotencyGuard({ store: memoryStore({ now: c.now }), ttlSeconds: 10 });
    await guard.run('evt_3', () => 1);
    c.advance(9_999);
    expect((await guard.run('evt_3', () => 2)).status).toBe('duplicate');
    c.advance(1);
    expect(await guard.run('evt_3', () => 3)).toEqual({ status: 'processed', value: 3 });
  });

  it('lets a retry take a claim held past lockSeconds (a crashed worker), and not before', async () => {
    const c = clock();
    const guard = createIdempotencyGuard({ store: memoryStore({ now: c.now }), lockSeconds: 30 });
    let finishCrashed: () => void = () => {};
    const crashed = guard.run('evt_4', () => new Promise<void>((r) => (finishCrashed = r)));
    await Promise.resolve();
    c.advance(29_000);
    expect((await guard.run('evt_4', () => 'early')).status).toBe('duplicate');
    c.advance(1_000);
    expect(await guard.run('evt_4', () => 'retry')).toEqual({ status: 'processed', value: 'retry' });
    finishCrashed();
    await crashed;
  });

  it('a slow owner whose lock lapsed does not release the claim a retry took', async () => {
    const c = clock();
    const store = memoryStore({ now: c.now });
    const guard = createIdempotencyGuard({ store, lockSeconds: 1 });
    let failSlow: (e: Error) => void = () => {};
    const slow = guard.run('evt_5', () => new Promise((_, reject) => (failSlow = reject)));
    await Promise.resolve();
    c.advance(1_000);
    let finishThief: () => void = () => {};
    const thief = guard.run('evt_5', () => new Promise<void>((r) => (finishThief = r)));
    await Promise.resolve();
    failSlow(new Error('slow owner failed'));
    await expect(slow).rejects.toThrow('slow owner failed');
    // The thief's claim survived the slow owner's release, so a third delivery is a duplicate.
    expect((await guard.run('evt_5', () => 'third')).status).toBe('duplicate');
    finishThief();
    await thief;
  });

  it('bounds the store: expired entries go first, then the oldest', async () => {
    const c = clock();
    const store = memoryStore({ maxEntries: 3, now: c.now });
    const guard = createIdempotencyGuard({ store, ttlSeconds: 100 });
    await guard.run('old', () => 0);
    c.advance(50_000);
    await guard.run('a', () => 0);
    await guard.run('b', () => 0);
    await guard.run('c', () => 0); // full: the oldest ('old') makes room
    expect((await guard.run('old', () => 1)).status).toBe('processed');
    expect((await guard.run('c', () => 1)).status).toBe('duplicate');
    c.advance(50_000); // 'a', 'b', 'c' still live; 'old' (re-added at 50 s) live until 150 s
    expect((await guard.run('b', () => 1)).status).toBe('duplicate');
  });

  it('refuses bad options and ids with invalid_options', async () => {
    expect(() => createIdempotencyGuard({ ttlSeconds: 0 })).toThrow(WebhookVerificationError);
    expect(() => createIdempotencyGuard({ lockSeconds: Number.NaN })).toThrow(/lockSeconds/);
    expect(() => memoryStore({ maxEntries: 0 })).toThrow(/maxEntries/);
    await expect(createIdempotencyGuard().run('', () => 1)).rejects.toMatchObject({ code: 'invalid_options' });
  });

  it('leaves no timer running', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const guard = createIdempotencyGuard({ store: memoryStore() });
    await guard.run('evt_6', () => 1);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
  });
});
