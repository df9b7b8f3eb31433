// managed-agents-webhooks/queue against a real redis-server on a free loopback port: re-deliveries
// collapse across receiver instances, failed attempts are retried exactly once each, and dead
// letters come back with retryFailed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSampleEvent, EVENT_TYPES, isWebhookVerificationError, type WebhookEvent } from '../src/index.js';
import {
  createEventQueue,
  createEventWorker,
  eventJobId,
  type EventQueue,
  type EventWorker,
} from '../src/queue/index.js';
import { freePort, until } from './support/redis-process.js';
import { startRedis, type RedisServer } from './support/redis-server.js';

let redis: RedisServer;
const open: Array<EventQueue | EventWorker> = [];
let queues = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(open.map((item) => item.close()));
  await redis?.stop();
});

const connection = (): { host: string; port: number } => ({ host: '127.0.0.1', port: redis.port });
/** A queue name of its own per test, so tests never see each other's jobs. */
const freshName = (): string => `test-${process.pid}-${++queues}`;

function events(count: number, prefix: string): WebhookEvent[] {
  return Array.from(
    { length: count },
    (_, i): WebhookEvent =>
      createSampleEvent(EVENT_TYPES[i % EVENT_TYPES.length] ?? 'session.status_idled', {
        id: `evt_${prefix}_${i}`,
      }) as WebhookEvent,
  );
}

function queueOf(options: Partial<Parameters<typeof createEventQueue>[0]> & { name: string }): EventQueue {
  const queue = createEventQueue({ connection: connection(), ...options });
  open.push(queue);
  return queue;
}

function workerOf(options: Omit<Parameters<typeof createEventWorker>[0], 'connection'>): EventWorker {
  const worker = createEventWorker({ connection: connection(), ...options });
  open.push(worker);
  return worker;
}

describe('enqueue', () => {
  it('1,000 concurrent calls from 4 receivers, 600 events + 400 re-deliveries → exactly 600 jobs', async () => {
    const name = freshName();
    const receivers = [0, 1, 2, 3].map(() => queueOf({ name }));
    const distinct = events(600, 'concurrent');
    // Re-deliveries of every third event and of some twice, shuffled in among the first deliveries.
    const redeliveries = Array.from({ length: 400 }, (_, i) => distinct[(i * 7) % 600] as WebhookEvent);
    const all = [...distinct, ...redeliveries].map((event, i) => ({ event, order: (i * 7919) % 1000 }));
    all.sort((a, b) => a.order - b.order);

    const results = await Promise.all(
      all.map(({ event }, i) => (receivers[i % receivers.length] as EventQueue).enqueue(event)),
    );

    expect(results.filter((r) => r.status === 'enqueued')).toHaveLength(600);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(400);
    const counts = await (receivers[0] as EventQueue).queue.getJobCounts();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(600);
    expect(counts.waiting).toBe(600);
    // Each event's first enqueue is the one stored: one job per id, holding that event.
    const job = await (receivers[0] as EventQueue).queue.getJob(eventJobId('evt_concurrent_7'));
    expect(job?.data.event).toEqual(distinct[7]);
  });

  it('ids BullMQ would refuse (integers, colons) are stored, and distinct ids stay distinct', async () => {
    const queue = queueOf({ name: freshName() });
    const ids = ['123', 'a:b', 'a%3Ab', 'a:b:c', '%', '%25', 'evt_ünïcødé'];
    expect(new Set(ids.map(eventJobId)).size).toBe(ids.length);
    for (const id of ids) {
      expect(await queue.enqueue(createSampleEvent('session.status_idled', { id }))).toEqual({ status: 'enqueued' });
    }
    for (const id of ids) {
      expect(await queue.enqueue(createSampleEvent('session.status_idled', { id }))).toEqual({ status: 'duplicate' });
    }
    expect(await queue.queue.count()).toBe(ids.length);
  });

  it('a completed event is still a duplicate (within retentionSeconds)', async () => {
    const name = freshName();
    const queue = queueOf({ name });
    const done: string[] = [];
    workerOf({ name, handlers: { default: (event) => void done.push(event.id) } });
    const [event] = events(1, 'completed') as [WebhookEvent];
    expect(await queue.enqueue(event)).toEqual({ status: 'enqueued' });
    await until(async () => (await queue.queue.getCompletedCount()) === 1, 10_000, 'the job to complete');
    expect(await queue.enqueue(event)).toEqual({ status: 'duplicate' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(done).toEqual([event.id]);
  });

  it('rejects when Redis does not answer, so the receiver can answer 5xx', async () => {
    const port = await freePort(); // nothing listens here
    const queue = createEventQueue({ connection: { host: '127.0.0.1', port }, name: freshName(), timeoutMs: 300 });
    queue.queue.on('error', () => {}); // connection refusals, expected here
    open.push(queue);
    const started = Date.now();
    await expect(queue.enqueue(createSampleEvent('session.status_idled'))).rejects.toThrow(/within 300 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses bad options and non-events with invalid_options', () => {
    const bad: Array<() => unknown> = [
      () => createEventQueue({ connection: connection(), attempts: 0 }),
      () => createEventQueue({ connection: connection(), attempts: 1.5 }),
      () => createEventQueue({ connection: connection(), retentionSeconds: -1 }),
      () => createEventQueue({ connection: connection(), timeoutMs: Number.NaN }),
      () => createEventQueue(undefined as never),
      () => createEventWorker({ connection: connection(), handlers: undefined as never }),
    ];
    for (const make of bad) {
      let caught: unknown;
      try {
        make();
      } catch (error) {
        caught = error;
      }
      expect(isWebhookVerificationError(caught) && caught.code === 'invalid_options').toBe(true);
    }
  });

  it('refuses something that is not a verified event', async () => {
    const queue = queueOf({ name: freshName() });
    await expect(queue.enqueue({ id: 'x' } as never)).rejects.toMatchObject({ code: 'invalid_options' });
    await expect(queue.enqueue(JSON.parse('{"id":"","data":{"type":"x"}}') as never)).rejects.toMatchObject({
      code: 'invalid_options',
    });
  });
});

describe('worker', () => {
  it('30% of events fail their first attempt: each succeeds once, one extra run per failed attempt', async () => {
    const name = freshName();
    const queue = queueOf({ name, backoff: { type: 'fixed', delay: 20 } });
    const list = events(200, 'flaky');
    const flaky = new Set(list.filter((_, i) => i % 10 < 3).map((event) => event.id));
    const runs = new Map<string, number>();
    const successes = new Map<string, number>();
    const types = new Map<string, string>();
    workerOf({
      name,
      concurrency: 16,
      handlers: {
        // A typed handler and the default both receive their events.
        'session.status_idled': async (event) => {
          types.set(event.id, event.data.type);
          await handle(event);
        },
        default: async (event) => handle(event),
      },
    });
    async function handle(event: { id: string }): Promise<void> {
      const run = (runs.get(event.id) ?? 0) + 1;
      runs.set(event.id, run);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (flaky.has(event.id) && run === 1) throw new Error('downstream unavailable');
      successes.set(event.id, (successes.get(event.id) ?? 0) + 1);
    }

    await Promise.all(list.map((event) => queue.enqueue(event)));
    await until(async () => (await queue.queue.getCompletedCount()) === 200, 20_000, '200 completed jobs');

    expect(flaky.size).toBe(60);
    expect([...successes.values()].every((n) => n === 1)).toBe(true);
    expect(successes.size).toBe(200);
    for (const event of list) expect(runs.get(event.id)).toBe(flaky.has(event.id) ? 2 : 1);
    expect([...runs.values()].reduce((a, b) => a + b, 0)).toBe(200 + 60);
    expect(await queue.failed()).toEqual([]);
    expect(types.size).toBe(list.filter((event) => event.data.type === 'session.status_idled').length);
    expect(types.size).toBeGreaterThan(0);
  });

  it('an always-failing handler leaves a dead letter that retryFailed brings back', async () => {
    const name = freshName();
    const queue = queueOf({ name, attempts: 3, backoff: { type: 'exponential', delay: 10 } });
    let healthy = false;
    let runs = 0;
    workerOf({
      name,
      handlers: {
        default: () => {
          runs++;
          if (!healthy) throw new Error('slack is down');
        },
      },
    });
    const [dead, alive] = events(2, 'dead') as [WebhookEvent, WebhookEvent];
    const before = Date.now();
    await queue.enqueue(dead);
    await until(async () => (await queue.queue.getFailedCount()) === 1, 10_000, 'the dead letter');

    const letters = await queue.failed();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ event: dead, error: 'slack is down', attempts: 3 });
    expect(letters[0]?.failedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(letters[0]?.failedAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(runs).toBe(3);
    // A re-delivery does not resurrect it: the dead letter is the record, retryFailed the way back.
    expect(await queue.enqueue(dead)).toEqual({ status: 'duplicate' });
    expect(await queue.retryFailed(['evt_unknown', alive.id])).toBe(0);

    healthy = true;
    const { retryFailed } = queue; // methods do not depend on \`this\`
    expect(await retryFailed()).toBe(1);
    await until(async () => (await queue.queue.getCompletedCount()) === 1, 10_000, 'the retried job to complete');
    expect(runs).toBe(4);
    expect(await queue.failed()).toEqual([]);
    expect(await queue.retryFailed()).toBe(0);
  });

  it('a dead letter retried by id gets a fresh set of attempts', async () => {
    const name = freshName();
    const queue = queueOf({ name, attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    let runs = 0;
    workerOf({
      name,
      handlers: {
        default: () => {
          runs++;
          throw new Error(`failure ${runs}`);
        },
      },
    });
    const [event] = events(1, 'fresh') as [WebhookEvent];
    await queue.enqueue(event);
    await until(async () => (await queue.queue.getFailedCount()) === 1, 10_000, 'the first dead letter');
    expect(await queue.retryFailed([event.id, event.id])).toBe(1);
    await until(async () => runs === 4 && (await queue.queue.getFailedCount()) === 1, 10_000, 'two more runs');
    const [letter] = await queue.failed();
    expect(letter).toMatchObject({ error: 'failure 4', attempts: 2 });
  });
});
