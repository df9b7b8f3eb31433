// Issue 18 point 4 on a real redis-server: lone-surrogate ids, which every Redis client sends as
// U+FFFD (so distinct ids became one key), are refused by the queue, the guard and redisStore with
// invalid_options, and well-formed ids beyond ASCII stay distinct. The unwrap side is in
// event-id-well-formed.test.ts.
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdempotencyGuard, redisStore, type IdempotencyStore } from '../src/idempotency/index.js';
import { createSampleEvent } from '../src/index.js';
import { createEventQueue, type EventQueue } from '../src/queue/index.js';
import { redisServerVersion, startRedis, type RedisServer } from './support/redis-server.js';
import { LONE, PAIRED, outcome } from './support/surrogate-ids.js';

const available = redisServerVersion() !== undefined;

describe.skipIf(!available)('against a real redis-server', () => {
  let redis: RedisServer;
  const closers: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await redis?.stop();
  });

  it('the queue (BullMQ) refuses lone-surrogate ids and keeps well-formed ones distinct', async () => {
    const queue: EventQueue = createEventQueue({
      connection: { host: '127.0.0.1', port: redis.port },
      name: `well-formed-${process.pid}`,
      timeoutMs: 3_000,
    });
    closers.push(() => queue.close());
    const lone: string[] = [];
    for (const id of LONE)
      lone.push(await outcome(() => queue.enqueue(createSampleEvent('session.status_idled', { id }))));
    // Before: ['enqueued', 'enqueued', 'enqueued', 'duplicate'], and jobs stuck active.
    expect(lone).toEqual(['invalid_options', 'invalid_options', 'invalid_options', 'invalid_options']);
    const paired: string[] = [];
    for (const id of PAIRED)
      paired.push(await outcome(() => queue.enqueue(createSampleEvent('session.status_idled', { id }))));
    expect(paired).toEqual(['enqueued', 'enqueued', 'enqueued', 'enqueued']);
    expect(await queue.queue.getWaitingCount()).toBe(PAIRED.length);
  });

  const clients: Array<[string, () => Promise<IdempotencyStore>]> = [
    [
      'redis (node-redis)',
      async () => {
        const client = await createClient({ url: redis.url }).connect();
        closers.push(() => client.close());
        return redisStore(client, { prefix: 'wf-node:' });
      },
    ],
    [
      'ioredis',
      async () => {
        const client = new Redis(redis.url);
        closers.push(() => client.quit());
        return redisStore(client, { prefix: 'wf-io:' });
      },
    ],
  ];

  it.each(clients)('redisStore (%s) refuses them, through the guard and used directly', async (_name, make) => {
    const store = await make();
    const guard = createIdempotencyGuard({ store });
    const ran: string[] = [];
    const lone: string[] = [];
    for (const id of LONE) lone.push(await outcome(() => guard.run(id, () => void ran.push(id))));
    // Before: ['processed', 'duplicate', 'duplicate', 'duplicate'] — three events never ran.
    expect(lone).toEqual(['invalid_options', 'invalid_options', 'invalid_options', 'invalid_options']);
    expect(ran).toEqual([]);
    expect(await outcome(() => store.claim('evt_\ud800', 'token', 1_000))).toBe('invalid_options');
    expect(await outcome(() => store.complete('evt_\ud800', 1_000))).toBe('invalid_options');
    const paired: string[] = [];
    for (const id of PAIRED) paired.push(await outcome(() => guard.run(id, () => void ran.push(id))));
    expect(paired).toEqual(['processed', 'processed', 'processed', 'processed']);
    expect(ran).toEqual(PAIRED);
  });
});
