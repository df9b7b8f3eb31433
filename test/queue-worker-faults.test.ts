// What a worker does when a handler misbehaves, against a real redis-server and real BullMQ:
// throws something that is not an Error (undefined, null, a string, a Symbol, …), or never settles.
// Either way the attempt fails, follows the job's backoff, and after `attempts` runs leaves a dead
// letter whose error says what happened; and worker.close() does not wait on a hung handler forever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSampleEvent, isWebhookVerificationError, type WebhookEvent } from '../src/index.js';
import {
  createEventQueue,
  createEventWorker,
  eventJobId,
  type EventQueue,
  type EventWorker,
} from '../src/queue/index.js';
import { until } from './support/redis-process.js';
import { startRedis, type RedisServer } from './support/redis-server.js';

let redis: RedisServer;
const open: Array<EventQueue | EventWorker> = [];
let queues = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  // Bounded, so a worker that cannot close (a regression of the time limit) never keeps Redis alive.
  const closing = Promise.all(open.map((item) => item.close().catch(() => {})));
  await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  await redis?.stop();
});

const connection = (): { host: string; port: number } => ({ host: '127.0.0.1', port: redis.port });
const freshName = (): string => `faults-${process.pid}-${++queues}`;
const sample = (id: string): WebhookEvent => createSampleEvent('session.status_idled', { id }) as WebhookEvent;

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

const BACKOFF_MS = 100;
const ATTEMPTS = 4;

/** Each event id throws its own value, on every attempt. */
const throwers: Array<{ id: string; fail: () => unknown; error: string }> = [
  { id: 'undefined', fail: () => { throw undefined; }, error: 'handler threw undefined' }, // prettier-ignore
  { id: 'null', fail: () => { throw null; }, error: 'handler threw null' }, // prettier-ignore
  { id: 'reject-undefined', fail: () => Promise.reject(undefined), error: 'handler threw undefined' },
  { id: 'reject-null-async', fail: async () => Promise.reject(null), error: 'handler threw null' },
  { id: 'string', fail: () => { throw 'text'; }, error: "handler threw a string: 'text'" }, // prettier-ignore
  { id: 'empty-string', fail: () => { throw ''; }, error: "handler threw a string: ''" }, // prettier-ignore
  { id: 'number', fail: () => { throw 42; }, error: 'handler threw a number: 42' }, // prettier-ignore
  { id: 'zero', fail: () => Promise.reject(0), error: 'handler threw a number: 0' },
  { id: 'bigint', fail: () => { throw 10n; }, error: 'handler threw a bigint: 10n' }, // prettier-ignore
  { id: 'false', fail: () => { throw false; }, error: 'handler threw a boolean: false' }, // prettier-ignore
  { id: 'symbol', fail: () => { throw Symbol('gone'); }, error: 'handler threw a symbol: Symbol(gone)' }, // prettier-ignore
  { id: 'object', fail: () => { throw { code: 42 }; }, error: 'handler threw an object: {"code":42}' }, // prettier-ignore
  { id: 'empty-object', fail: () => { throw Object.create(null); }, error: 'handler threw an object: [object Object]' }, // prettier-ignore
  { id: 'error', fail: () => { throw new TypeError('a real error'); }, error: 'a real error' }, // prettier-ignore
];

describe('a handler that throws something other than an Error', () => {
  it(`every thrown value: exactly ${ATTEMPTS} runs, ${BACKOFF_MS} ms apart, then a dead letter naming it`, async () => {
    const name = freshName();
    const queue = queueOf({ name, attempts: ATTEMPTS, backoff: { type: 'fixed', delay: BACKOFF_MS } });
    const runs = new Map<string, number[]>();
    const byId = new Map(throwers.map((thrower) => [`evt_${thrower.id}`, thrower]));
    workerOf({
      name,
      concurrency: throwers.length,
      handlers: {
        default: (event) => {
          runs.set(event.id, [...(runs.get(event.id) ?? []), Date.now()]);
          return byId.get(event.id)?.fail();
        },
      },
    });
    for (const id of byId.keys()) await queue.enqueue(sample(id));
    await until(
      async () => (await queue.queue.getFailedCount()) === throwers.length,
      10_000,
      `${throwers.length} dead letters`,
    );

    const letters = new Map((await queue.failed()).map((letter) => [letter.event.id, letter]));
    for (const { id, error } of throwers) {
      const times = runs.get(`evt_${id}`) ?? [];
      expect({ id, runs: times.length }).toEqual({ id, runs: ATTEMPTS });
      // On the backoff: never sooner than the delay, and nowhere near BullMQ's 30 s stalled check.
      const gaps = times.slice(1).map((time, i) => time - (times[i] ?? 0));
      for (const gap of gaps) {
        expect(gap).toBeGreaterThanOrEqual(BACKOFF_MS - 5);
        expect(gap).toBeLessThan(3_000);
      }
      expect({ id, error: letters.get(`evt_${id}`)?.error }).toEqual({ id, error });
      expect(letters.get(`evt_${id}`)?.attempts).toBe(ATTEMPTS);
    }
    expect(await queue.queue.getActiveCount()).toBe(0);
  });

  it('a long thrown string is cut in the dead letter, and the job still fails on the backoff', async () => {
    const name = freshName();
    const queue = queueOf({ name, attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    workerOf({
      name,
      handlers: {
        default: () => {
          throw 'x'.repeat(10_000);
        },
      },
    });
    await queue.enqueue(sample('evt_long'));
    await until(async () => (await queue.queue.getFailedCount()) === 1, 10_000, 'the dead letter');
    const [letter] = await queue.failed();
    expect(letter?.error.startsWith(`handler threw a string: '${'x'.repeat(100)}`)).toBe(true);
    expect(letter?.error.endsWith('… (10002 characters)')).toBe(true);
    expect(letter?.error.length).toBeLessThan(300);
  });
});

describe('handlerTimeoutMs', () => {
  it('a handler that never settles: each attempt fails at the limit, on the backoff, with its signal aborted', async () => {
    const name = freshName();
    const queue = queueOf({ name, attempts: 3, backoff: { type: 'fixed', delay: 50 } });
    const started: number[] = [];
    const aborts: unknown[] = [];
    workerOf({
      name,
      handlerTimeoutMs: 300,
      handlers: {
        default: (_event, { signal, job }) => {
          expect(job.id).toBe(eventJobId('evt_hung'));
          started.push(Date.now());
          signal.addEventListener('abort', () => aborts.push(signal.reason));
          return new Promise(() => {});
        },
      },
    });
    const before = Date.now();
    await queue.enqueue(sample('evt_hung'));
    await until(async () => (await queue.queue.getFailedCount()) === 1, 10_000, 'the dead letter');

    expect(started).toHaveLength(3);
    expect(Date.now() - before).toBeGreaterThanOrEqual(3 * 300 + 2 * 50);
    const [letter] = await queue.failed();
    expect(letter?.attempts).toBe(3);
    expect(letter?.error).toMatch(/^the handler did not finish within 300 ms \(handlerTimeoutMs\)/);
    expect(aborts).toHaveLength(3);
    expect(aborts.every((reason) => reason instanceof DOMException && reason.name === 'TimeoutError')).toBe(true);
  });

  it('a hang on the first attempt only: the retry completes the job', async () => {
    const name = freshName();
    const queue = queueOf({ name, attempts: 3, backoff: { type: 'fixed', delay: 20 } });
    let runs = 0;
    workerOf({
      name,
      handlerTimeoutMs: 200,
      handlers: {
        'session.status_idled': async (_event, { signal }) => {
          runs++;
          if (runs === 1) {
            // A handler that listens: it stops when told, with the signal's reason.
            await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
          }
        },
      },
    });
    await queue.enqueue(sample('evt_once'));
    await until(async () => (await queue.queue.getCompletedCount()) === 1, 10_000, 'the job to complete');
    expect(runs).toBe(2);
    expect(await queue.failed()).toEqual([]);
  });

  it('worker.close() with a hung handler returns after the limit, and the job is retried by the next worker', async () => {
    const name = freshName();
    const queue = queueOf({ name, attempts: 3, backoff: { type: 'fixed', delay: 20 } });
    let hung = 0;
    const first = createEventWorker({
      connection: connection(),
      name,
      handlerTimeoutMs: 500,
      handlers: {
        default: () => {
          hung++;
          return new Promise(() => {});
        },
      },
    });
    await queue.enqueue(sample('evt_close'));
    await until(() => hung === 1, 10_000, 'the handler to start');
    const closing = Date.now();
    const closed = await Promise.race([
      first.close().then(() => 'closed'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5_000)),
    ]);
    if (closed !== 'closed') open.push(first);
    expect(closed).toBe('closed');
    expect(Date.now() - closing).toBeLessThan(3_000);

    const done: string[] = [];
    workerOf({ name, handlers: { default: (event) => void done.push(event.id) } });
    await until(async () => (await queue.queue.getCompletedCount()) === 1, 10_000, 'the next worker to complete it');
    expect(done).toEqual(['evt_close']);
    expect(hung).toBe(1);
  });

  it('Infinity turns the limit off; a handler under the limit is not cut', async () => {
    const name = freshName();
    const queue = queueOf({ name, attempts: 1 });
    const done: string[] = [];
    const slow = async (id: string): Promise<void> => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      done.push(id);
    };
    workerOf({ name, handlerTimeoutMs: Infinity, handlers: { default: (event) => slow(event.id) } });
    workerOf({ name, handlerTimeoutMs: 2_000, handlers: { default: (event) => slow(event.id) } });
    await Promise.all(['evt_a', 'evt_b', 'evt_c'].map((id) => queue.enqueue(sample(id))));
    await until(async () => (await queue.queue.getCompletedCount()) === 3, 10_000, 'three completed jobs');
    expect(done.sort()).toEqual(['evt_a', 'evt_b', 'evt_c']);
  });

  it('refuses a limit that is not a duration with invalid_options', () => {
    for (const handlerTimeoutMs of [0, -1, Number.NaN, -Infinity, 2 ** 31, 1e20, '5000', null]) {
      let caught: unknown;
      try {
        createEventWorker({ connection: connection(), handlers: {}, handlerTimeoutMs: handlerTimeoutMs as number });
      } catch (error) {
        caught = error;
      }
      expect(isWebhookVerificationError(caught) && caught.code === 'invalid_options').toBe(true);
      expect(String((caught as Error).message)).toMatch(/handlerTimeoutMs must be .* at most 2,147,483,647/);
      expect(String((caught as Error).message)).toMatch(/default of 300,000/);
    }
  });
});
