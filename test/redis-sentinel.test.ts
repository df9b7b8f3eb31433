// The Sentinel setup and the client pool the README names, for real: a master, a replica and a
// sentinel on loopback ports (test/support/redis-cluster.ts). The idempotency guard runs a handler
// exactly once per id through node-redis createSentinel, ioredis with sentinel options and
// node-redis createClientPool; the queue runs on ioredis sentinel options; then the master is SIGKILLed, the sentinel promotes the replica, and
// the guard keeps working through both sentinel clients.
import { Redis } from 'ioredis';
import { createClientPool, createSentinel } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdempotencyGuard, redisStore, type IdempotencyGuard } from '../src/idempotency/index.js';
import { createSampleEvent } from '../src/index.js';
import { createEventQueue, createEventWorker } from '../src/queue/index.js';
import { until } from './support/redis-process.js';
import { redisCli, redisToolsAvailable, startRedisSentinel, type RedisSentinelSetup } from './support/redis-cluster.js';

const available = redisToolsAvailable();
if (!available) console.warn('skipping the Redis Sentinel tests: redis-server or redis-cli is not on PATH');

let setup: RedisSentinelSetup;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  if (available) setup = await startRedisSentinel({ sentinels: 1 });
});
afterAll(async () => {
  // Each close bounded, so one that hangs never keeps the Redis processes alive.
  const bounded = (close: () => Promise<unknown>): Promise<unknown> =>
    Promise.race([close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 3_000))]);
  for (const close of closers.reverse()) await bounded(close);
  await setup?.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const sentinelNodes = (): Array<{ host: string; port: number }> =>
  setup.sentinels.map(({ port }) => ({ host: '127.0.0.1', port }));

type Client = Parameters<typeof redisStore>[0];

async function nodeRedisSentinel(): Promise<Client> {
  const client = createSentinel({ name: setup.name, sentinelRootNodes: sentinelNodes() });
  client.on('error', () => {});
  await client.connect();
  closers.push(() => client.close());
  return client;
}

async function ioredisSentinel(): Promise<Client> {
  const client = new Redis({ sentinels: sentinelNodes(), name: setup.name });
  client.on('error', () => {});
  await client.ping();
  closers.push(() => client.quit());
  return client;
}

async function nodeRedisPool(): Promise<Client> {
  const pool = createClientPool({ url: `redis://127.0.0.1:${setup.master.port}` }, { minimum: 2, maximum: 8 });
  pool.on('error', () => {});
  await pool.connect();
  closers.push(() => pool.close());
  return pool;
}

/** 4 guards × `ids` × 50 concurrent deliveries; resolves to each id's run count. */
async function deliverConcurrently(guards: IdempotencyGuard[], ids: string[]): Promise<number[]> {
  const runs = new Map<string, number>();
  const results = await Promise.all(
    guards.flatMap((guard) =>
      ids.flatMap((id) =>
        Array.from({ length: 50 }, () =>
          guard.run(id, async () => {
            runs.set(id, (runs.get(id) ?? 0) + 1);
            await sleep(200);
          }),
        ),
      ),
    ),
  );
  expect(results.filter((r) => r.status === 'processed')).toHaveLength(ids.length);
  return ids.map((id) => runs.get(id) ?? 0);
}

const clients: Array<[string, () => Promise<Client>]> = [
  ['redis createSentinel', nodeRedisSentinel],
  ['ioredis with sentinels', ioredisSentinel],
  ['redis createClientPool', nodeRedisPool],
];

describe.skipIf(!available)('the idempotency guard through Sentinel and a client pool', () => {
  it.each(clients)('%s: 4 receivers × 4 ids × 50 concurrent deliveries run each id once', async (label, connect) => {
    const prefix = `sentinel:${label}:`;
    const guards = await Promise.all(
      [0, 1, 2, 3].map(async () =>
        createIdempotencyGuard({ store: redisStore(await connect(), { prefix, timeoutMs: 10_000 }) }),
      ),
    );
    const ids = ['evt_s_0', 'evt_s_1', 'evt_s_2', 'evt_s_3'];
    expect(await deliverConcurrently(guards, ids)).toEqual([1, 1, 1, 1]);
    // Written to the master, and replicated: the replica holds the done marks.
    await sleep(100);
    const done = await redisCli(['-p', String(setup.replica.port), 'get', `${prefix}evt_s_2`]);
    expect(done.trim()).toBe('done');
  });

  it('the queue through ioredis sentinel options: enqueue → worker → dead letter', async () => {
    const connection = { sentinels: sentinelNodes(), name: setup.name };
    const name = 'sentinel-queue';
    const queue = createEventQueue({ connection, name, attempts: 2, backoff: { type: 'fixed', delay: 20 } });
    closers.push(() => queue.close());
    const handled: string[] = [];
    const worker = createEventWorker({
      connection,
      name,
      handlers: {
        default: (event) => {
          handled.push(event.id);
          if (event.id === 'evt_q_dead') throw new Error('always fails');
        },
      },
    });
    closers.push(() => worker.close());
    const ids = ['evt_q_0', 'evt_q_1', 'evt_q_2', 'evt_q_dead'];
    for (const id of ids) {
      expect(await queue.enqueue(createSampleEvent('session.status_idled', { id }))).toEqual({ status: 'enqueued' });
    }
    await until(async () => (await queue.queue.getCompletedCount()) === 3, 10_000, 'three completed jobs');
    await until(async () => (await queue.queue.getFailedCount()) === 1, 10_000, 'the dead letter');
    expect((await queue.failed()).map((l) => [l.event.id, l.attempts])).toEqual([['evt_q_dead', 2]]);
    expect(handled.sort()).toEqual(['evt_q_0', 'evt_q_1', 'evt_q_2', 'evt_q_dead', 'evt_q_dead']);
    // Closed here, before the next test kills the master they follow.
    await Promise.all([worker.close(), queue.close()]);
  });

  it('the master SIGKILLed: the sentinel promotes the replica, and both sentinel clients keep working', async () => {
    const sentinelGuards = await Promise.all(
      [nodeRedisSentinel, ioredisSentinel].map(async (connect) =>
        createIdempotencyGuard({ store: redisStore(await connect(), { prefix: 'failover:', timeoutMs: 1_000 }) }),
      ),
    );
    let before = 0;
    for (const guard of sentinelGuards) await guard.run('evt_before', () => void before++);
    expect(before).toBe(1);
    // Replicated before the kill (replication is asynchronous: a mark still in flight could be lost).
    for (let waited = 0; waited < 5_000; waited += 50) {
      if ((await redisCli(['-p', String(setup.replica.port), 'get', 'failover:evt_before'])).trim() === 'done') break;
      await sleep(50);
    }
    const killedAt = Date.now();
    await setup.master.kill();
    // Bounded: the sentinel's down-after is 1 s; allow 20 s for the vote and the promotion.
    let promoted = '';
    for (let waited = 0; waited < 20_000; waited += 100) {
      const address = await redisCli([
        '-p',
        String(setup.sentinels[0]?.port),
        'sentinel',
        'get-master-addr-by-name',
        setup.name,
      ]);
      promoted = address.trim().split('\n')[1] ?? '';
      if (promoted === String(setup.replica.port)) break;
      await sleep(100);
    }
    expect(promoted).toBe(String(setup.replica.port));
    const failoverMs = Date.now() - killedAt;

    // Clients follow the sentinel to the new master; deliveries they refuse meanwhile are retried.
    const runs = new Map<string, number>();
    let refused = 0;
    for (const [i, guard] of sentinelGuards.entries()) {
      const id = `evt_after_${i}`;
      for (let attempt = 0; attempt < 40; attempt++) {
        const ok = await guard
          .run(id, () => void runs.set(id, (runs.get(id) ?? 0) + 1))
          .then(
            () => true,
            () => false,
          );
        if (ok) break;
        refused++;
        await sleep(250);
      }
    }
    expect([...runs.values()]).toEqual([1, 1]);
    // The done mark that reached the replica before the kill is served by it now: no client runs it again.
    for (const guard of sentinelGuards) {
      expect(await guard.run('evt_before', () => 'again')).toEqual({ status: 'duplicate', inFlight: false });
    }
    console.info(
      `[sentinel failover] master ${setup.master.port} SIGKILLed; replica ${setup.replica.port} promoted after ${failoverMs} ms; ` +
        `${refused} guard runs refused meanwhile (5xx, retried); the done mark replicated before the kill was seen through the new master.`,
    );
  });
});
