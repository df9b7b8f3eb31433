// Issue 18 point 7: failed() and retryFailed() paged by offset through the newest-first failed
// set, so dead letters arriving while it was read shifted the pages: one of 1,200 was listed
// twice and another skipped, and `queue retry --all` left some behind. Now the ids are read once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSampleEvent } from '../src/index.js';
import { createEventQueue, createEventWorker, type EventQueue, type EventWorker } from '../src/queue/index.js';
import { until } from './support/redis-process.js';
import { redisServerVersion, startRedis, type RedisServer } from './support/redis-server.js';

const DEAD = 1_200;
const available = redisServerVersion() !== undefined;

describe.skipIf(!available)('dead letters listed and retried while more arrive', () => {
  let redis: RedisServer;
  let queue: EventQueue;
  let worker: EventWorker;
  // Originals fail until they are retried; later arrivals always fail.
  let originalsFail = true;

  beforeAll(async () => {
    redis = await startRedis();
    const connection = { host: '127.0.0.1', port: redis.port };
    const name = `paging-${process.pid}`;
    queue = createEventQueue({ connection, name, attempts: 1 });
    worker = createEventWorker({
      connection,
      name,
      concurrency: 50,
      handlers: {
        default: (event) => {
          if (event.id.startsWith('evt_new_') || originalsFail) throw new Error(`boom ${event.id}`);
        },
      },
    });
    for (let i = 0; i < DEAD; i += 200) {
      await Promise.all(
        Array.from({ length: 200 }, (_, j) =>
          queue.enqueue(createSampleEvent('session.status_idled', { id: `evt_old_${i + j}` })),
        ),
      );
    }
    await until(async () => (await queue.queue.getFailedCount()) >= DEAD, 60_000, `${DEAD} dead letters`);
  }, 90_000);

  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    await redis?.stop();
  });

  /** Runs `work` while new dead letters keep arriving, one enqueue after another. */
  async function whileArriving<T>(work: () => Promise<T>): Promise<{ result: T; arrived: number }> {
    let arriving = true;
    let arrived = 0;
    const arrivals = (async () => {
      // Bounded: stops when the work ends, or after 5,000 arrivals.
      while (arriving && arrived < 5_000) {
        await queue.enqueue(createSampleEvent('session.status_idled', { id: `evt_new_${process.hrtime.bigint()}` }));
        arrived++;
      }
    })();
    // Let a few arrive first, so they fail while the listing is under way.
    await until(() => arrived >= 5, 5_000, 'arrivals to start');
    try {
      return { result: await work(), arrived };
    } finally {
      arriving = false;
      await arrivals;
    }
  }

  it('failed() lists each of 1,200 dead letters exactly once', async () => {
    for (let round = 0; round < 3; round++) {
      const { result: letters, arrived } = await whileArriving(() => queue.failed());
      const ids = letters.map((letter) => letter.event.id);
      const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
      expect(duplicates, `round ${round}, ${arrived} arrivals`).toEqual([]);
      const old = new Set(ids.filter((id) => id.startsWith('evt_old_')));
      expect(old.size, `round ${round}: originals listed`).toBe(DEAD);
      // Newest first, as documented.
      const times = letters.map((letter) => letter.failedAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
    }
  }, 60_000);

  it('retryFailed() (queue retry --all) leaves none of them behind', async () => {
    originalsFail = false;
    const { result: count } = await whileArriving(() => queue.retryFailed());
    expect(count).toBeGreaterThanOrEqual(DEAD);
    const stillFailed = (await queue.failed())
      .map((letter) => letter.event.id)
      .filter((id) => id.startsWith('evt_old_'));
    expect(stillFailed).toEqual([]);
    await until(
      async () => (await queue.queue.getCompletedCount()) >= DEAD,
      60_000,
      'the retried originals to complete',
    );
  }, 90_000);
});
