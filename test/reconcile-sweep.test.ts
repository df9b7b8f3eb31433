// The reconciliation sweep against a loopback sessions API with the real SDK client, a real
// redis-server and real BullMQ: it acts on no history, finds what changed without a webhook
// (sessions and threads), lists in pages of 100, enqueues each (resource, version) once, feeds the
// level-triggered workers, and runs one at a time however many schedulers and workers there are.
import Anthropic from '@anthropic-ai/sdk';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEventQueue, createEventWorker, type EventQueue } from '../src/queue/index.js';
import {
  createSweep,
  createSweepWorker,
  levelTriggered,
  memoryStateStore,
  redisStateStore,
  resourceVersion,
  scheduleSweeps,
  type StateStore,
  type Sweep,
  type SweepOptions,
} from '../src/reconcile/index.js';
import { until } from './support/redis-process.js';
import { startRedis, type RedisServer } from './support/redis-server.js';
import { startSessionsApi, type SessionsApi } from './support/reconcile-api.js';

let redis: RedisServer;
let io: Redis;
let client: Anthropic;
const closers: Array<() => Promise<unknown>> = [];
const apis: SessionsApi[] = [];

beforeAll(async () => {
  redis = await startRedis();
  io = new Redis(redis.url);
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  for (const api of apis.splice(0)) await api.close();
});
afterAll(async () => {
  io?.disconnect();
  await redis?.stop();
});

const connection = (): { host: string; port: number } => ({ host: '127.0.0.1', port: redis.port });
let n = 0;

async function setup(storeKind: 'redis' | 'memory' = 'redis') {
  const api = await startSessionsApi();
  apis.push(api);
  client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: api.url, maxRetries: 0 });
  const name = `sweep-${++n}`;
  const queue = createEventQueue({ connection: connection(), name });
  closers.push(() => queue.close());
  const store: StateStore = storeKind === 'redis' ? redisStateStore(io, { prefix: `sw${n}:` }) : memoryStateStore();
  const sweep = (extra: Partial<SweepOptions> = {}): Sweep =>
    createSweep({ client, queue, store, skewMs: 0, ...extra });
  return { api, queue, store, sweep, name };
}

/** Lets the clock pass the stub's last updated_at (kept strictly increasing, so up to µs ahead). */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

async function jobIds(queue: EventQueue): Promise<string[]> {
  const jobs = await queue.queue.getJobs(['waiting', 'delayed', 'active', 'completed']);
  return jobs.map((job) => job.id ?? '').sort();
}

describe.each(['redis', 'memory'] as const)('createSweep (%s store)', (storeKind) => {
  it('acts on no history, then finds the sessions and threads that changed without a webhook', async () => {
    const { api, queue, sweep } = await setup(storeKind);
    for (let i = 0; i < 30; i++) api.put(`sesn_${i}`, 'idle');
    api.putThread('sesn_3', 'sthr_old', 'idle');

    await settle(); // the history is older than the baseline the first run records
    const first = await sweep().run();
    expect(first).toMatchObject({ listed: 30, changed: 0, enqueued: 0, requests: 1 });
    expect(await jobIds(queue)).toEqual([]);

    const s1 = api.put('sesn_1', 'running').updated_at;
    const s2 = api.put('sesn_2', 'terminated').updated_at;
    const t3 = api.putThread('sesn_3', 'sthr_new', 'idle').updated_at; // moves sesn_3 too
    const second = await sweep().run();
    expect(second).toMatchObject({ changed: 4, enqueued: 4 });
    // 1 page of sessions + the threads of the 3 sessions that changed
    expect(second.requests).toBe(4);
    expect(await jobIds(queue)).toEqual(
      [
        `event-sweep_session_sesn_1_${resourceVersion(s1)}`,
        `event-sweep_session_sesn_2_${resourceVersion(s2)}`,
        `event-sweep_session_sesn_3_${resourceVersion(t3)}`,
        `event-sweep_thread_sesn_3_sthr_new_${resourceVersion(t3)}`,
      ].sort(),
    );

    // Again before any worker took them: the same hint ids, nothing new.
    const third = await sweep().run();
    expect(third).toMatchObject({ changed: 4, enqueued: 0 });
    expect(await jobIds(queue)).toHaveLength(4);
  });

  it('an explicit since acts on everything updated after it', async () => {
    const { api, sweep } = await setup(storeKind);
    const since = new Date(Date.now() - 1_000);
    for (let i = 0; i < 5; i++) api.put(`sesn_${i}`, 'idle');
    const result = await sweep({ since, threads: false }).run();
    expect(result).toMatchObject({ listed: 5, changed: 5, enqueued: 5, requests: 1, from: since });
  });
});

describe('the sweep feeds the level-triggered workers', () => {
  it('a change whose webhook never came is handled after one sweep, and then no more', async () => {
    const { api, queue, store, sweep, name } = await setup();
    api.put('sesn_lost', 'running');
    await settle();
    await sweep().run(); // baseline
    const version = resourceVersion(api.put('sesn_lost', 'idle').updated_at); // its webhook was dropped
    const handled: Array<[string, number, boolean]> = [];
    const worker = createEventWorker({
      connection: connection(),
      name,
      handlers: levelTriggered({
        client,
        store,
        session: async (session, { version: v, fromSweep }) => void handled.push([session.status, v, fromSweep]),
      }),
    });
    closers.push(() => worker.close());
    expect(await sweep().run()).toMatchObject({ changed: 1, enqueued: 1 });
    await until(() => handled.length === 1, 10_000, 'the worker to handle the hint');
    expect(handled).toEqual([['idle', version, true]]);
    await until(async () => (await queue.queue.getActiveCount()) === 0, 5_000, 'the job to finish');
    const after = await sweep().run();
    expect(after).toMatchObject({ changed: 0, enqueued: 0, requests: 1 }); // handled: no hint, no thread list
  });
});

describe('cost', () => {
  it('1,000 sessions: 10 list requests, plus thread lists only for the sessions that changed', async () => {
    const { api, sweep } = await setup();
    for (let i = 0; i < 1_000; i++) api.put(`sesn_${String(i).padStart(4, '0')}`, 'idle');
    await settle();
    const before = api.stub.requests.length;
    expect(await sweep().run()).toMatchObject({ listed: 1_000, changed: 0, requests: 10 });
    for (const i of [5, 250, 999]) api.put(`sesn_${String(i).padStart(4, '0')}`, 'running');
    expect(await sweep().run()).toMatchObject({ listed: 1_000, changed: 3, requests: 13 });
    const made = api.stub.requests.slice(before);
    expect(made).toHaveLength(23);
    expect(made.filter((r) => /^\/v1\/sessions\?/.test(r.url)).every((r) => r.url.includes('limit=100'))).toBe(true);
    expect(made.filter((r) => /^\/v1\/sessions\/[^/?]+(\?|$)/.test(r.url))).toEqual([]); // no retrieve
  });
});

describe('scheduleSweeps and createSweepWorker', () => {
  it('one sweep at a time across two schedulers and two workers', async () => {
    const name = `sweeps-${++n}`;
    await scheduleSweeps({ connection: connection(), everyMs: 150, name });
    await scheduleSweeps({ connection: connection(), everyMs: 150, name });
    let active = 0;
    let most = 0;
    let runs = 0;
    const sweep: Sweep = {
      run: async () => {
        most = Math.max(most, ++active);
        await new Promise((resolve) => setTimeout(resolve, 400));
        active--;
        runs++;
        return { listed: 0, changed: 0, enqueued: 0, requests: 0, from: new Date(0) };
      },
    };
    for (let w = 0; w < 2; w++) {
      const worker = createSweepWorker({ connection: connection(), name, sweep });
      closers.push(() => worker.close());
    }
    await until(() => runs >= 4, 15_000, 'four sweeps');
    expect(most).toBe(1);
    const { Queue } = await import('bullmq');
    const queue = new Queue(name, { connection: connection() });
    closers.push(async () => {
      await queue.removeJobScheduler('reconcile-sweep');
      await queue.close();
    });
    expect(await queue.getJobSchedulersCount()).toBe(1);
  });

  it('refuses bad options with invalid_options', async () => {
    await expect(scheduleSweeps({ connection: connection(), everyMs: 0 })).rejects.toThrow(/everyMs/);
    expect(() => createSweepWorker({ connection: connection(), sweep: {} as never })).toThrow(/sweep/);
    const { queue, store } = await setup();
    expect(() => createSweep({ client, queue, store, pageSize: 101 })).toThrow(/pageSize/);
    expect(() => createSweep({ client, queue, store, since: 'yesterday' })).toThrow(/since/);
  });
});
