// The Redis store against a real redis-server (installed by .ci/run from Debian's packages),
// with both clients users run: the official `redis` and `ioredis`.
import { Redis as IORedis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdempotencyGuard, redisStore, type IORedisLike, type NodeRedisLike } from '../src/idempotency/index.js';
import { hasRedisServer, startRedis, type RedisServer } from './support/redis-server.js';

const available = hasRedisServer();
if (!available) console.warn('skipping Redis tests: no redis-server binary (CI installs it with apt-get install redis-server)');

type Client = (NodeRedisLike | IORedisLike) & { quit(): Promise<unknown> };

const clients: Array<[string, (url: string) => Promise<Client>]> = [
  ['redis', async (url) => (await createClient({ url }).connect()) as unknown as Client],
  ['ioredis', async (url) => new IORedis(url, { lazyConnect: false, maxRetriesPerRequest: 1 }) as unknown as Client],
];

describe.skipIf(!available).each(clients)('redisStore with the %s client', (_name, connect) => {
  let server: RedisServer;
  const open: Client[] = [];
  const client = async (): Promise<Client> => {
    const c = await connect(server.url);
    open.push(c);
    return c;
  };
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.quit()));
    await server.stop();
  });

  it('4 receivers × 250 concurrent deliveries of the same id run the handler once', async () => {
    const guards = await Promise.all(
      [0, 1, 2, 3].map(async () => createIdempotencyGuard({ store: redisStore(await client(), { prefix: `t1:${_name}:` }) })),
    );
    let runs = 0;
    const handler = async (): Promise<string> => {
      runs++;
      await sleep(20);
      return 'handled';
    };
    const results = await Promise.all(guards.flatMap((guard) => Array.from({ length: 250 }, () => guard.run('evt_same', handler))));
    expect(runs).toBe(1);
    expect(results.filter((r) => r.status === 'processed')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(999);
    // Done is recorded: a later re-delivery is still a duplicate.
    expect((await guards[2]!.run('evt_same', handler)).status).toBe('duplicate');
  });

  it('releases on failure, so the retry is processed', async () => {
    const guard = createIdempotencyGuard({ store: redisStore(await client(), { prefix: `t2:${_name}:` }) });
    await expect(guard.run('evt_fail', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await guard.run('evt_fail', () => 'retried')).toEqual({ status: 'processed', value: 'retried' });
  });

  it('a claim taken over after lock expiry is not deleted by the slow original owner', async () => {
    const prefix = `t3:${_name}:`;
    const slowGuard = createIdempotencyGuard({ store: redisStore(await client(), { prefix }), lockSeconds: 0.2 });
    const otherGuard = createIdempotencyGuard({ store: redisStore(await client(), { prefix }), lockSeconds: 5 });
    let failSlow: (e: Error) => void = () => {};
    const slow = slowGuard.run('evt_steal', () => new Promise((_, reject) => (failSlow = reject)));
    await sleep(350); // the slow owner's 200 ms lock lapses
    let finishThief: () => void = () => {};
    let thiefStarted = false;
    const thief = otherGuard.run('evt_steal', () => new Promise<void>((r) => ((thiefStarted = true), (finishThief = r))));
    await sleep(50);
    expect(thiefStarted).toBe(true);
    failSlow(new Error('slow owner failed'));
    await expect(slow).rejects.toThrow('slow owner failed');
    // Had the slow owner deleted the key, this third delivery would run a second time.
    expect((await otherGuard.run('evt_steal', () => 'third')).status).toBe('duplicate');
    finishThief();
    expect((await thief).status).toBe('processed');
  });

  it('stores keys under the prefix with the TTLs asked for', async () => {
    const c = await client();
    const guard = createIdempotencyGuard({ store: redisStore(c, { prefix: 'ttl:' }), ttlSeconds: 100 });
    await guard.run('evt_ttl', () => 1);
    const pttl = Number(await command(c, 'PTTL', 'ttl:evt_ttl'));
    expect(pttl).toBeGreaterThan(99_000);
    expect(pttl).toBeLessThanOrEqual(100_000);
    expect(await command(c, 'GET', 'ttl:evt_ttl')).toBe('done');
  });
});

function command(c: Client, ...args: string[]): Promise<unknown> {
  return 'call' in c && typeof c.call === 'function' ? c.call(args[0]!, ...args.slice(1)) : (c as NodeRedisLike).sendCommand(args);
}

it('refuses a client that is neither redis nor ioredis', () => {
  expect(() => redisStore({} as never)).toThrow(/`redis` or `ioredis`/);
});
