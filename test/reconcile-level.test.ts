// Level-triggered handling end to end: real redis-server, real BullMQ queue and workers, the real
// @anthropic-ai/sdk client against a loopback sessions API whose state the test changes. Each
// case runs on the Redis store (two workers, as two processes would) and on the memory store
// (two workers sharing it in one process).
import Anthropic from '@anthropic-ai/sdk';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../src/index.js';
import { createEventQueue, createEventWorker, type EventQueue } from '../src/queue/index.js';
import {
  levelTriggered,
  memoryStateStore,
  redisStateStore,
  resourceVersion,
  type LevelTriggeredOptions,
  type StateStore,
} from '../src/reconcile/index.js';
import { until } from './support/redis-process.js';
import { startRedis, type RedisServer } from './support/redis-server.js';
import { micros, startSessionsApi, type SessionsApi } from './support/reconcile-api.js';

let redis: RedisServer;
let api: SessionsApi;
let client: Anthropic;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  redis = await startRedis();
  api = await startSessionsApi();
  client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: api.url, maxRetries: 0 });
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => {});
});
afterAll(async () => {
  await api?.close();
  await redis?.stop();
});

const connection = (): { host: string; port: number } => ({ host: '127.0.0.1', port: redis.port });
let queues = 0;

function redisStores(): () => StateStore {
  const prefix = `lt${++queues}:`;
  return () => {
    const io = new Redis(redis.url);
    closers.push(async () => io.disconnect());
    return redisStateStore(io, { prefix });
  };
}
function memoryStores(): () => StateStore {
  const store = memoryStateStore();
  return () => store;
}

interface Run {
  id: string;
  version: number;
  status: string;
  worker: number;
}

/** A queue and `workers` workers running levelTriggered with `handler`, recording runs and overlaps. */
function pipeline(
  storeOf: () => StateStore,
  options: {
    workers?: number;
    concurrency?: number;
    delayMs?: number;
    fail?: (run: Run, count: number) => boolean;
    extra?: Partial<LevelTriggeredOptions>;
  } = {},
) {
  const name = `reconcile-${++queues}`;
  const queue = createEventQueue({
    connection: connection(),
    name,
    attempts: 5,
    backoff: { type: 'fixed', delay: 50 },
  });
  closers.push(() => queue.close());
  const runs: Run[] = [];
  const active = new Map<string, number>();
  let overlaps = 0;
  let count = 0;
  for (let w = 0; w < (options.workers ?? 2); w++) {
    const store = storeOf();
    const worker = createEventWorker({
      connection: connection(),
      name,
      concurrency: options.concurrency ?? 4,
      handlers: levelTriggered({
        client,
        store,
        ...options.extra,
        session: async (session, { version }) => {
          const now = (active.get(session.id) ?? 0) + 1;
          active.set(session.id, now);
          if (now > 1) overlaps++;
          const run = { id: session.id, version, status: session.status, worker: w };
          try {
            if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
            if (options.fail?.(run, ++count)) throw new Error('handler failed on purpose');
            runs.push(run);
          } finally {
            active.set(session.id, (active.get(session.id) ?? 1) - 1);
          }
        },
      }),
    });
    closers.push(() => worker.close());
  }
  return { queue, runs, overlaps: () => overlaps };
}

let events = 0;
function hint(
  sessionId: string,
  type: 'session.status_idled' | 'session.updated' = 'session.status_idled',
): WebhookEvent {
  return {
    type: 'event',
    id: `evt_${++events}_${Math.random().toString(36).slice(2)}`,
    created_at: new Date().toISOString(),
    data: { type, id: sessionId, organization_id: 'org_1', workspace_id: 'wrkspc_1' },
  } as WebhookEvent;
}

async function drained(queue: EventQueue): Promise<void> {
  await until(
    async () => {
      const counts = await queue.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).every((n) => n === 0);
    },
    20_000,
    'the queue to drain',
  );
}

describe.each([
  ['Redis store, two workers', redisStores],
  ['memory store, two workers in one process', memoryStores],
])('levelTriggered — %s', (_name, stores) => {
  it('never runs one session twice at once, nor one version twice, nor an older one after a newer', async () => {
    const { queue, runs, overlaps } = pipeline(stores(), { delayMs: 60 });
    const ids = ['sesn_a', 'sesn_b', 'sesn_c'];
    const statuses = ['running', 'idle', 'rescheduling'] as const;
    for (let i = 0; i < 60; i++) {
      const id = ids[i % ids.length] ?? 'sesn_a';
      api.put(id, statuses[i % statuses.length]);
      // Each change announced twice (two distinct events), as redelivery and a second type would.
      await queue.enqueue(hint(id));
      await queue.enqueue(hint(id, 'session.updated'));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await drained(queue);
    expect(overlaps()).toBe(0);
    const seen = new Set(runs.map((r) => `${r.id}@${r.version}`));
    expect(seen.size).toBe(runs.length);
    for (const id of ids) {
      const versions = runs.filter((r) => r.id === id).map((r) => r.version);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      // The final state is always handled.
      expect(versions.at(-1)).toBe(resourceVersion(api.sessions.get(id)?.updated_at ?? ''));
    }
    // Far fewer runs than hints: hints during a run coalesce into one more round.
    expect(runs.length).toBeLessThan(120);
  });

  it('runs once for one version however many hints name it', async () => {
    const { queue, runs } = pipeline(stores());
    const version = resourceVersion(api.put('sesn_dup', 'idle').updated_at);
    await Promise.all(Array.from({ length: 20 }, () => queue.enqueue(hint('sesn_dup'))));
    await drained(queue);
    expect(runs).toEqual([expect.objectContaining({ id: 'sesn_dup', version })]);
  });

  it('does not run for an older updated_at after a newer one was handled', async () => {
    const { queue, runs } = pipeline(stores());
    const older = micros();
    const newer = api.put('sesn_old', 'idle').updated_at;
    await queue.enqueue(hint('sesn_old'));
    await drained(queue);
    api.put('sesn_old', 'running', older); // the API answers with an older state (a lagging replica)
    const before = api.count('/v1/sessions/sesn_old');
    await queue.enqueue(hint('sesn_old'));
    await drained(queue);
    expect(api.count('/v1/sessions/sesn_old')).toBe(before + 1); // it looked…
    expect(runs.map((r) => r.version)).toEqual([resourceVersion(newer)]); // …and did not run
  });

  it('a failed run records nothing: BullMQ retries it and the retry runs that version', async () => {
    const { queue, runs } = pipeline(stores(), { fail: (_run, count) => count === 1 });
    const version = resourceVersion(api.put('sesn_fail', 'idle').updated_at);
    const event = hint('sesn_fail');
    await queue.enqueue(event);
    await drained(queue);
    expect(runs).toEqual([expect.objectContaining({ version })]);
    const job = await queue.queue.getJob(`event-${event.id}`);
    expect(job?.attemptsMade).toBe(2);
    await queue.enqueue(hint('sesn_fail'));
    await drained(queue);
    expect(runs).toHaveLength(1); // recorded after the retry's success
  });

  it('coalesces a change during a run into one more round, without holding the hint’s job', async () => {
    const { queue, runs } = pipeline(stores(), { delayMs: 400 });
    const first = api.put('sesn_dirty', 'running').updated_at;
    await queue.enqueue(hint('sesn_dirty'));
    await until(async () => (await queue.queue.getActiveCount()) === 1, 5_000, 'the first run');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = api.put('sesn_dirty', 'idle').updated_at;
    const late = hint('sesn_dirty');
    await queue.enqueue(late);
    await until(
      async () => (await queue.queue.getJob(`event-${late.id}`))?.finishedOn !== undefined,
      5_000,
      'the hint',
    );
    expect(runs).toHaveLength(0); // the late hint completed while the first run was still going
    await drained(queue);
    expect(runs.map((r) => [r.version, r.status])).toEqual([
      [resourceVersion(first), 'running'],
      [resourceVersion(second), 'idle'],
    ]);
  });
});

describe('levelTriggered — gone, threads and options', () => {
  it('session.deleted runs gone once and later hints are skipped without a request', async () => {
    const gone: string[] = [];
    const { queue, runs } = pipeline(redisStores(), {
      extra: { gone: async (ref) => void gone.push(`${ref.kind}:${ref.id}`) },
    });
    api.put('sesn_gone', 'terminated');
    await queue.enqueue({
      ...hint('sesn_gone'),
      data: { ...hint('sesn_gone').data, type: 'session.deleted' },
    } as WebhookEvent);
    await drained(queue);
    await queue.enqueue(hint('sesn_gone'));
    await drained(queue);
    expect(gone).toEqual(['session:sesn_gone']);
    expect(runs).toHaveLength(0);
    expect(api.count('/v1/sessions/sesn_gone')).toBe(0);
  });

  it('threads are handled on their own key, typed as the SDK’s thread', async () => {
    const name = `reconcile-${++queues}`;
    const queue = createEventQueue({ connection: connection(), name });
    closers.push(() => queue.close());
    const handled: Array<[string, string, number]> = [];
    const worker = createEventWorker({
      connection: connection(),
      name,
      handlers: levelTriggered({
        client,
        store: memoryStateStore(),
        thread: async (thread, { version }) => void handled.push([thread.session_id, thread.id, version]),
      }),
    });
    closers.push(() => worker.close());
    api.put('sesn_t', 'running');
    const version = resourceVersion(api.putThread('sesn_t', 'sthr_1', 'idle').updated_at);
    const event = {
      ...hint('sesn_t'),
      data: {
        type: 'session.thread_idled',
        id: 'sesn_t',
        session_thread_id: 'sthr_1',
        organization_id: 'o',
        workspace_id: 'w',
      },
    } as WebhookEvent;
    await queue.enqueue(event);
    await queue.enqueue({ ...event, id: `${event.id}_again` });
    await drained(queue);
    expect(handled).toEqual([['sesn_t', 'sthr_1', version]]);
  });

  it('a job whose record failed (Redis blip) takes its own lease back on retry and runs again', async () => {
    const inner = memoryStateStore();
    let blips = 1;
    const flaky: StateStore = {
      ...inner,
      settle: async (...args) => {
        if (blips-- > 0) throw new Error('connection lost');
        return inner.settle(...args);
      },
    };
    const { queue, runs } = pipeline(() => flaky, { workers: 1 });
    const version = resourceVersion(api.put('sesn_blip', 'idle').updated_at);
    await queue.enqueue(hint('sesn_blip'));
    await drained(queue);
    // Without a re-entrant lease the retry would find the first attempt's lease, mark it dirty
    // and complete, leaving the version unrecorded until the lease lapsed and a sweep came.
    expect(runs.map((r) => r.version)).toEqual([version, version]);
    expect(await inner.handled(['session:sesn_blip'])).toEqual([version]);
  });

  it('covers every session.* and session.thread_* type of the catalogue, and nothing else', async () => {
    const { EVENT_RESOURCES } = await import('../src/resources/index.js');
    const handlers = levelTriggered({ client, store: memoryStateStore(), session: () => {}, thread: () => {} });
    const expected = Object.keys(EVENT_RESOURCES).filter((type) => type.startsWith('session.'));
    expect(Object.keys(handlers).sort()).toEqual(expected.sort());
    const sessionOnly = levelTriggered({ client, store: memoryStateStore(), session: () => {} });
    expect(Object.keys(sessionOnly).some((type) => type.startsWith('session.thread_'))).toBe(false);
  });

  it('refuses bad options with invalid_options', () => {
    const store = memoryStateStore();
    expect(() => levelTriggered({ client, store } as never)).toThrow(/at least one of/);
    expect(() => levelTriggered({ client, store, session: () => {}, leaseMs: 0 })).toThrow(/leaseMs/);
    expect(() => levelTriggered({ client, store, session: () => {}, maxRounds: 0 })).toThrow(/maxRounds/);
    expect(() => levelTriggered({ client, store: {} as never, session: () => {} })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
  });
});
