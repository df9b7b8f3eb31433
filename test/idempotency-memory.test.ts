// The guard with its default store, one process: exactly once under concurrency, nothing lost on
// failure, TTL, lock expiry and the size bound — on an injected clock, so nothing sleeps.
import { describe, expect, it, vi } from 'vitest';
import { createIdempotencyGuard, memoryStore } from '../src/idempotency/index.js';

function clock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** A handler that starts and then waits until the test settles it. */
function pending<T>(): { fn: () => Promise<T>; resolve(value: T): void; reject(error: Error): void } {
  let settle: { resolve(value: T): void; reject(error: Error): void } | undefined;
  return {
    fn: () => new Promise<T>((resolve, reject) => void (settle = { resolve, reject })),
    resolve: (value) => settle?.resolve(value),
    reject: (error) => settle?.reject(error),
  };
}

/** Lets the guard's awaits (claim, then fn) run. */
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

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
    // All arrived while the first run was still going: none of them may be acknowledged as done.
    expect(results.filter((r) => r.status === 'duplicate' && r.inFlight)).toHaveLength(999);
  });

  it('tells a delivery in flight from one already done', async () => {
    const guard = createIdempotencyGuard();
    let finish: () => void = () => {};
    const first = guard.run('evt_flight', () => new Promise<void>((r) => (finish = r)));
    await Promise.resolve();
    expect(await guard.run('evt_flight', () => 'second')).toEqual({ status: 'duplicate', inFlight: true });
    finish();
    expect((await first).status).toBe('processed');
    expect(await guard.run('evt_flight', () => 'third')).toEqual({ status: 'duplicate', inFlight: false });
  });

  it('keeps different ids apart', async () => {
    const guard = createIdempotencyGuard();
    expect(await guard.run('a', () => 1)).toEqual({ status: 'processed', value: 1 });
    expect(await guard.run('b', () => 2)).toEqual({ status: 'processed', value: 2 });
    expect(await guard.run('a', () => 3)).toEqual({ status: 'duplicate', inFlight: false });
  });

  it('releases the claim when fn throws or rejects, rethrows the same error, and processes the retry', async () => {
    const guard = createIdempotencyGuard();
    const boom = new Error('downstream failed');
    await expect(guard.run('evt_2', () => Promise.reject(boom))).rejects.toBe(boom);
    await expect(
      guard.run('evt_2', () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await guard.run('evt_2', () => 'second try')).toEqual({ status: 'processed', value: 'second try' });
    expect(await guard.run('evt_2', () => 'third')).toEqual({ status: 'duplicate', inFlight: false });
  });

  it('forgets a processed id after retentionSeconds, not before', async () => {
    const c = clock();
    const guard = createIdempotencyGuard({ store: memoryStore({ now: c.now }), retentionSeconds: 10 });
    await guard.run('evt_3', () => 1);
    c.advance(9_999);
    expect(await guard.run('evt_3', () => 2)).toEqual({ status: 'duplicate', inFlight: false });
    c.advance(1);
    expect(await guard.run('evt_3', () => 3)).toEqual({ status: 'processed', value: 3 });
  });

  it('lets a retry take a claim held past lockSeconds (a crashed worker), and not before', async () => {
    const c = clock();
    const guard = createIdempotencyGuard({ store: memoryStore({ now: c.now }), lockSeconds: 30 });
    const crashed = pending<void>();
    const crashedRun = guard.run('evt_4', crashed.fn);
    await tick();
    c.advance(29_999);
    expect(await guard.run('evt_4', () => 'early')).toEqual({ status: 'duplicate', inFlight: true });
    c.advance(1);
    expect(await guard.run('evt_4', () => 'retry')).toEqual({ status: 'processed', value: 'retry' });
    crashed.resolve();
    await crashedRun;
  });

  it('a slow owner whose lock lapsed does not release the claim a retry took', async () => {
    const c = clock();
    const guard = createIdempotencyGuard({ store: memoryStore({ now: c.now }), lockSeconds: 1 });
    const slow = pending<void>();
    const slowRun = guard.run('evt_5', slow.fn);
    await tick();
    c.advance(1_000);
    const thief = pending<string>();
    const thiefRun = guard.run('evt_5', thief.fn);
    await tick();
    slow.reject(new Error('slow owner failed'));
    await expect(slowRun).rejects.toThrow('slow owner failed');
    // The thief's claim survived the slow owner's release, so a third delivery is a duplicate.
    expect(await guard.run('evt_5', () => 'third')).toEqual({ status: 'duplicate', inFlight: true });
    thief.resolve('thief done');
    expect(await thiefRun).toEqual({ status: 'processed', value: 'thief done' });
  });

  it('a slow owner that succeeds after losing its claim marks the id done; the thief failing does not reopen it', async () => {
    const c = clock();
    const guard = createIdempotencyGuard({ store: memoryStore({ now: c.now }), lockSeconds: 1 });
    const slow = pending<string>();
    const slowRun = guard.run('evt_6', slow.fn);
    await tick();
    c.advance(1_000);
    const thief = pending<string>();
    const thiefRun = guard.run('evt_6', thief.fn);
    await tick();
    slow.resolve('slow done');
    expect(await slowRun).toEqual({ status: 'processed', value: 'slow done' });
    thief.reject(new Error('thief failed'));
    await expect(thiefRun).rejects.toThrow('thief failed');
    c.advance(5_000); // well past any lock: only the done mark can make this a duplicate
    expect(await guard.run('evt_6', () => 'again')).toEqual({ status: 'duplicate', inFlight: false });
  });

  it('bounds the store at maxEntries: expired entries go first, then the oldest', async () => {
    const c = clock();
    const store = memoryStore({ maxEntries: 3, now: c.now });
    const long = createIdempotencyGuard({ store, retentionSeconds: 100 });
    const short = createIdempotencyGuard({ store, retentionSeconds: 1 });
    await long.run('a', () => 0); // the oldest
    await short.run('x', () => 0); // newer, but expires first
    await long.run('b', () => 0);
    c.advance(2_000);
    await long.run('c', () => 0); // full: expired 'x' makes room, not the oldest 'a'
    for (const id of ['a', 'b', 'c'])
      expect(await long.run(id, () => 1)).toEqual({ status: 'duplicate', inFlight: false });
    await long.run('d', () => 0); // full, nothing expired: the oldest 'a' makes room
    for (const id of ['b', 'c', 'd'])
      expect(await long.run(id, () => 1)).toEqual({ status: 'duplicate', inFlight: false });
    expect(await long.run('a', () => 1)).toEqual({ status: 'processed', value: 1 });
  });

  it('stays bounded and correct through many more ids than maxEntries', async () => {
    const c = clock();
    const guard = createIdempotencyGuard({
      store: memoryStore({ maxEntries: 1_000, now: c.now }),
      retentionSeconds: 60,
    });
    for (let i = 0; i < 20_000; i++) {
      await guard.run(`evt_${i}`, () => i);
      if (i % 100 === 0) c.advance(1_000); // some ids expire along the way
    }
    // The last 1,000 are remembered, the first long gone.
    expect(await guard.run('evt_19999', () => 0)).toEqual({ status: 'duplicate', inFlight: false });
    expect(await guard.run('evt_19000', () => 0)).toEqual({ status: 'duplicate', inFlight: false });
    expect(await guard.run('evt_0', () => 0)).toEqual({ status: 'processed', value: 0 });
  });

  it('leaves no timer running', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const guard = createIdempotencyGuard({ store: memoryStore(), lockSeconds: 5, retentionSeconds: 60 });
    await guard.run('evt_7', () => 1);
    await expect(guard.run('evt_8', () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(timers()).toBe(before);
  });
});
