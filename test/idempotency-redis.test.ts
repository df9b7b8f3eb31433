// The Redis store against a real redis-server (installed by .ci/run from Debian's packages),
// with both clients users run: the official `redis` and `ioredis`.
import { Redis as IORedis } from 'ioredis';
import { RESP_TYPES, createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdempotencyGuard, redisStore, type IORedisLike, type NodeRedisLike } from '../src/idempotency/index.js';
import { redisServerVersion, startRedis, type RedisServer } from './support/redis-server.js';

const available = redisServerVersion() !== undefined;
if (!available)
  console.warn(
    'skipping the Redis tests: no redis-server binary on PATH (CI installs it: apt-get install redis-server)',
  );

/** A connected client of one package, with what the tests need beyond the store's commands. */
interface TestClient {
  store: NodeRedisLike | IORedisLike;
  get(key: string): Promise<string | null>;
  pttl(key: string): Promise<number>;
  close(): Promise<unknown>;
}

type Connect = (url: string, keyPrefix?: string) => Promise<TestClient>;

const nodeRedis: Connect = async (url, keyPrefix) => {
  const client = await createClient(keyPrefix === undefined ? { url } : { url, keyPrefix }).connect();
  return { store: client, get: (k) => client.get(k), pttl: (k) => client.pTTL(k), close: () => client.close() };
};

const ioredis: Connect = async (url, keyPrefix) => {
  const client = new IORedis(url, keyPrefix === undefined ? {} : { keyPrefix });
  await client.ping();
  return { store: client, get: (k) => client.get(k), pttl: (k) => client.pttl(k), close: () => client.quit() };
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A handler that starts and then waits until the test settles it. */
function pending<T>(): {
  fn: () => Promise<T>;
  started: () => boolean;
  resolve(value: T): void;
  reject(error: Error): void;
} {
  let started = false;
  let settle: { resolve(value: T): void; reject(error: Error): void } | undefined;
  return {
    fn: () =>
      new Promise<T>((resolve, reject) => {
        started = true;
        settle = { resolve, reject };
      }),
    started: () => started,
    resolve: (value) => settle?.resolve(value),
    reject: (error) => settle?.reject(error),
  };
}

describe.skipIf(!available).each([
  ['redis', nodeRedis],
  ['ioredis', ioredis],
] as const)('redisStore on a real redis-server with the %s client', (name, connect) => {
  let server: RedisServer;
  const open: TestClient[] = [];
  const client = async (keyPrefix?: string): Promise<TestClient> => {
    const c = await connect(server.url, keyPrefix);
    open.push(c);
    return c;
  };
  // Each test its own key space, so tests never see each other's ids.
  let n = 0;
  const prefix = (): string => `test${++n}:${name}:`;

  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await server?.stop();
  });

  it('4 receivers × 250 concurrent deliveries of the same id run the handler once', async () => {
    const p = prefix();
    const guards = await Promise.all(
      [0, 1, 2, 3].map(async () =>
        createIdempotencyGuard({ store: redisStore((await client()).store, { prefix: p }) }),
      ),
    );
    let runs = 0;
    const handler = async (): Promise<string> => {
      runs++;
      // Long enough that all 1,000 claims reach Redis while this run is in flight.
      await sleep(200);
      return 'handled';
    };
    const results = await Promise.all(
      guards.flatMap((guard) => Array.from({ length: 250 }, () => guard.run('evt_same', handler))),
    );
    expect(runs).toBe(1);
    expect(results.filter((r) => r.status === 'processed')).toEqual([{ status: 'processed', value: 'handled' }]);
    // Every other delivery came while the one run was in flight, so none is acknowledged as done.
    expect(results.filter((r) => r.status === 'duplicate' && r.inFlight)).toHaveLength(999);
    // Done is recorded: a later re-delivery to any receiver is still a duplicate.
    expect(await guards[2]!.run('evt_same', handler)).toEqual({ status: 'duplicate', inFlight: false });
    expect(runs).toBe(1);
  });

  it('releases the claim when the handler throws, rethrows its error, and the retry is processed', async () => {
    const c = await client();
    const p = prefix();
    const guard = createIdempotencyGuard({ store: redisStore(c.store, { prefix: p }) });
    const boom = new Error('boom');
    await expect(guard.run('evt_fail', () => Promise.reject(boom))).rejects.toBe(boom);
    expect(await c.get(`${p}evt_fail`)).toBeNull();
    expect(await guard.run('evt_fail', () => 'retried')).toEqual({ status: 'processed', value: 'retried' });
  });

  it('a claim taken over after lock expiry is not deleted by the slow original owner', async () => {
    const p = prefix();
    const slowGuard = createIdempotencyGuard({
      store: redisStore((await client()).store, { prefix: p }),
      lockSeconds: 0.2,
    });
    const otherGuard = createIdempotencyGuard({
      store: redisStore((await client()).store, { prefix: p }),
      lockSeconds: 5,
    });
    const slow = pending<void>();
    const slowRun = slowGuard.run('evt_steal', slow.fn);
    await sleep(300); // the slow owner's 200 ms lock lapses in Redis
    const thief = pending<string>();
    const thiefRun = otherGuard.run('evt_steal', thief.fn);
    await sleep(50);
    expect(thief.started()).toBe(true);
    slow.reject(new Error('slow owner failed'));
    await expect(slowRun).rejects.toThrow('slow owner failed');
    // Had the slow owner deleted the thief's claim, this delivery would run a second time.
    expect(await otherGuard.run('evt_steal', () => 'third')).toEqual({ status: 'duplicate', inFlight: true });
    thief.resolve('thief done');
    expect(await thiefRun).toEqual({ status: 'processed', value: 'thief done' });
  });

  it('a slow owner that succeeds after losing its claim marks the id done, and the thief failing does not reopen it', async () => {
    const c = await client();
    const p = prefix();
    const slowGuard = createIdempotencyGuard({ store: redisStore(c.store, { prefix: p }), lockSeconds: 0.2 });
    const otherGuard = createIdempotencyGuard({ store: redisStore(c.store, { prefix: p }), lockSeconds: 5 });
    const slow = pending<string>();
    const slowRun = slowGuard.run('evt_late', slow.fn);
    await sleep(300);
    const thief = pending<string>();
    const thiefRun = otherGuard.run('evt_late', thief.fn);
    await sleep(50);
    slow.resolve('slow done');
    expect(await slowRun).toEqual({ status: 'processed', value: 'slow done' });
    expect(await c.get(`${p}evt_late`)).toBe('done');
    thief.reject(new Error('thief failed'));
    await expect(thiefRun).rejects.toThrow('thief failed');
    expect(await c.get(`${p}evt_late`)).toBe('done');
    expect(await otherGuard.run('evt_late', () => 'again')).toEqual({ status: 'duplicate', inFlight: false });
  });

  it('keeps a claim for lockSeconds and a done mark for retentionSeconds, under the prefix', async () => {
    const c = await client();
    const guard = createIdempotencyGuard({
      store: redisStore(c.store, { prefix: 'ttl:' }),
      retentionSeconds: 100,
      lockSeconds: 7,
    });
    const handler = pending<number>();
    const running = guard.run(`evt_ttl_${name}`, handler.fn);
    await sleep(20);
    const lockTtl = await c.pttl(`ttl:evt_ttl_${name}`);
    expect(lockTtl).toBeGreaterThan(6_000);
    expect(lockTtl).toBeLessThanOrEqual(7_000);
    expect(await c.get(`ttl:evt_ttl_${name}`)).toMatch(/^[0-9a-f]{32}$/);
    handler.resolve(1);
    await running;
    const doneTtl = await c.pttl(`ttl:evt_ttl_${name}`);
    expect(doneTtl).toBeGreaterThan(99_000);
    expect(doneTtl).toBeLessThanOrEqual(100_000);
    expect(await c.get(`ttl:evt_ttl_${name}`)).toBe('done');
  });

  it("uses the client's own keyPrefix for the claim, the done mark and the release", async () => {
    const prefixed = await client('app:');
    const plain = await client();
    const guard = createIdempotencyGuard({ store: redisStore(prefixed.store, { prefix: 'idem:' }) });
    await expect(guard.run('evt_prefixed', () => Promise.reject(new Error('first try fails')))).rejects.toThrow();
    // The release found the claim under app:idem:…, so the retry runs.
    expect(await guard.run('evt_prefixed', () => 'ok')).toEqual({ status: 'processed', value: 'ok' });
    expect(await plain.get('app:idem:evt_prefixed')).toBe('done');
    expect(await plain.get('idem:evt_prefixed')).toBeNull();
  });
});

describe.skipIf(!available)('redisStore with a redis client that maps replies to bytes', () => {
  it('reads the replies of SET NX GET as bytes too', async () => {
    const server = await startRedis();
    const client = await createClient({ url: server.url })
      .withTypeMapping({ [RESP_TYPES.SIMPLE_STRING]: Buffer, [RESP_TYPES.BLOB_STRING]: Buffer })
      .connect();
    try {
      const guard = createIdempotencyGuard({ store: redisStore(client) });
      expect(await guard.run('evt_bytes', () => 1)).toEqual({ status: 'processed', value: 1 });
      expect(await guard.run('evt_bytes', () => 2)).toEqual({ status: 'duplicate', inFlight: false });
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
