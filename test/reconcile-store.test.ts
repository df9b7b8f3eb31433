// The state store of level-triggered handling, the same checks on every implementation: a real
// redis-server through ioredis and through node-redis, and the in-memory store. What the
// guarantees rest on: one lease holder; a hint meeting a held lease marks it dirty, and the
// holder's settle sees the mark (never lost between the two); handled versions only grow.
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryStateStore, redisStateStore, resourceVersion, type StateStore } from '../src/reconcile/index.js';
import { startRedis, type RedisServer } from './support/redis-server.js';

let redis: RedisServer;
let io: Redis;
const connect = (url: string) => createClient({ url }).connect();
let node: Awaited<ReturnType<typeof connect>>;

beforeAll(async () => {
  redis = await startRedis();
  io = new Redis(redis.url);
  node = await connect(redis.url);
});
afterAll(async () => {
  io?.disconnect();
  await node?.close().catch(() => {});
  await redis?.stop();
});

const stores: Array<[string, () => StateStore]> = [
  ['redisStateStore (ioredis)', () => redisStateStore(io, { prefix: `io${Math.random()}:` })],
  ['redisStateStore (redis)', () => redisStateStore(node, { prefix: `node${Math.random()}:` })],
  ['memoryStateStore', () => memoryStateStore()],
];

describe.each(stores)('%s', (_name, make) => {
  it('one lease holder; a busy acquire marks dirty, and the holder settles into another round', async () => {
    const store = make();
    expect(await store.acquire('session:s1', 'a', 5_000)).toEqual({ acquired: true, handled: undefined });
    expect(await store.acquire('session:s1', 'b', 5_000)).toEqual({ acquired: false });
    expect(await store.settle('session:s1', 'a', 100, 5_000)).toBe('dirty');
    expect(await store.acquire('session:s1', 'c', 5_000)).toEqual({ acquired: false });
    expect(await store.settle('session:s1', 'a', 200, 5_000)).toBe('dirty');
    expect(await store.settle('session:s1', 'a', undefined, 5_000)).toBe('released');
    expect(await store.acquire('session:s1', 'd', 5_000)).toEqual({ acquired: true, handled: 200 });
  });

  it('the lease is re-entrant for its own token (a retry of the same job)', async () => {
    const store = make();
    expect((await store.acquire('session:s6', 'job:1', 5_000)).acquired).toBe(true);
    expect(await store.acquire('session:s6', 'job:1', 5_000)).toEqual({ acquired: true, handled: undefined });
    expect((await store.acquire('session:s6', 'job:2', 5_000)).acquired).toBe(false);
  });

  it('handled versions only grow (set if greater), also from a holder that lost its lease', async () => {
    const store = make();
    await store.acquire('session:s2', 'a', 5_000);
    expect(await store.settle('session:s2', 'a', 500, 5_000)).toBe('released');
    await store.acquire('session:s2', 'b', 5_000);
    expect(await store.settle('session:s2', 'b', 300, 5_000)).toBe('released');
    expect(await store.handled(['session:s2', 'session:none'])).toEqual([500, undefined]);
    expect(await store.settle('session:s2', 'stranger', 900, 5_000)).toBe('lost');
    expect(await store.handled(['session:s2'])).toEqual([900]);
    const big = resourceVersion('2030-01-01T00:00:00.999999Z');
    await store.acquire('session:s3', 'a', 5_000);
    await store.settle('session:s3', 'a', big, 5_000);
    expect(await store.handled(['session:s3'])).toEqual([big]);
  });

  it('a lease lapses after leaseMs; renew and release only work for its token', async () => {
    const store = make();
    await store.acquire('session:s4', 'a', 150);
    expect(await store.renew('session:s4', 'x', 150)).toBe(false);
    expect(await store.renew('session:s4', 'a', 150)).toBe(true);
    await store.release('session:s4', 'x');
    expect((await store.acquire('session:s4', 'b', 150)).acquired).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await store.acquire('session:s4', 'b', 5_000)).toEqual({ acquired: true, handled: undefined });
    expect(await store.settle('session:s4', 'a', undefined, 5_000)).toBe('lost');
    await store.release('session:s4', 'b');
    expect((await store.acquire('session:s4', 'c', 5_000)).acquired).toBe(true);
  });

  it('a failed run releases without recording; the next acquire clears an old dirty mark', async () => {
    const store = make();
    await store.acquire('session:s5', 'a', 5_000);
    await store.acquire('session:s5', 'b', 5_000); // dirty
    await store.release('session:s5', 'a');
    expect(await store.acquire('session:s5', 'c', 5_000)).toEqual({ acquired: true, handled: undefined });
    expect(await store.settle('session:s5', 'c', 10, 5_000)).toBe('released');
  });

  it('the baseline is set once; the sweep mark only moves forward', async () => {
    const store = make();
    expect(await store.baseline(1_000)).toBe(1_000);
    expect(await store.baseline(2_000)).toBe(1_000);
    expect(await store.sweepMark()).toBeUndefined();
    await store.setSweepMark(5_000);
    await store.setSweepMark(4_000);
    expect(await store.sweepMark()).toBe(5_000);
  });
});

describe('redisStateStore keys', () => {
  it('keeps a resource’s keys in one hash slot and gives handled versions a TTL', async () => {
    const store = redisStateStore(io, { prefix: 'ttl:', retentionSeconds: 60 });
    await store.acquire('session:sx', 'a', 5_000);
    await store.acquire('session:sx', 'b', 5_000);
    await store.settle('session:sx', 'a', 7, 5_000);
    expect((await io.keys('ttl:*')).sort()).toEqual(['ttl:{session:sx}:handled', 'ttl:{session:sx}:lease']);
    const ttl = await io.ttl('ttl:{session:sx}:handled');
    expect(ttl).toBeGreaterThan(50);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('refuses what is not a client, and bad options, with invalid_options', () => {
    expect(() => redisStateStore({} as never)).toThrow(expect.objectContaining({ code: 'invalid_options' }));
    expect(() => redisStateStore(io, { retentionSeconds: 0 })).toThrow(/retentionSeconds/);
    expect(() => memoryStateStore({ retentionSeconds: -1 })).toThrow(/retentionSeconds/);
  });
});

describe('resourceVersion', () => {
  it('orders updated_at to the microsecond, exactly, across zones', () => {
    expect(resourceVersion('2026-04-01T12:00:00.123456Z')).toBe(Date.UTC(2026, 3, 1, 12) * 1000 + 123_456);
    expect(resourceVersion('2026-04-01T12:00:00.123457Z') - resourceVersion('2026-04-01T12:00:00.123456Z')).toBe(1);
    expect(resourceVersion('2026-04-01T14:00:00.5+02:00')).toBe(resourceVersion('2026-04-01T12:00:00.500000Z'));
    expect(resourceVersion('2026-04-01T12:00:00Z')).toBe(Date.UTC(2026, 3, 1, 12) * 1000);
    expect(Number.isSafeInteger(resourceVersion('2099-12-31T23:59:59.999999Z'))).toBe(true);
    expect(() => resourceVersion('yesterday')).toThrow(TypeError);
  });
});
