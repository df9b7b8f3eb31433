// The other side of options-durations.test.ts, on a real redis-server: the longest duration the
// rule keeps (2^31−1 ms) is a working timeout, not one the timer turns into 1 ms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DURATION_MS } from '../src/core/options.js';
import { createSampleEvent } from '../src/index.js';
import { createEventQueue, type EventQueue } from '../src/queue/index.js';
import { startRedis, type RedisServer } from './support/redis-server.js';

describe('an in-range long timeout stays a long timeout (real Redis + BullMQ)', () => {
  let redis: RedisServer;
  let queue: EventQueue | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await queue?.close();
    await redis?.stop();
  });

  it('enqueue with timeoutMs 2^31−1 stores the event and resolves', async () => {
    queue = createEventQueue({
      connection: { host: '127.0.0.1', port: redis.port },
      name: `durations-${process.pid}`,
      timeoutMs: MAX_DURATION_MS,
    });
    const event = createSampleEvent('session.status_idled', { id: 'evt_long_timeout' });
    expect(await queue.enqueue(event)).toEqual({ status: 'enqueued' });
  });
});
