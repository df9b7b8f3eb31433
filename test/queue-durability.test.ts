// What must survive a crash: a worker process killed with SIGKILL mid-job (BullMQ's stalled-job
// check hands the job to another worker) and a Redis restart with AOF on (waiting jobs are kept).
// Real processes throughout: redis-server and a worker process, on loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSampleEvent, type WebhookEvent } from '../src/index.js';
import { createEventQueue, createEventWorker, type EventQueue, type EventWorker } from '../src/queue/index.js';
import { freePort, startRedisProcess, until, type RedisProcess } from './support/redis-process.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const workerScript = join(root, '.cache', `queue-worker-${process.pid}.mjs`);
const dataDir = mkdtempSync(join(tmpdir(), 'maw-queue-'));
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  mkdirSync(join(root, '.cache'), { recursive: true });
  await build({
    entryPoints: [join(root, 'test/support/queue-worker-process.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: workerScript,
    logLevel: 'warning',
  });
});
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
  rmSync(workerScript, { force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

function sample(id: string): WebhookEvent {
  return createSampleEvent('session.status_idled', { id }) as WebhookEvent;
}

function track<T extends EventQueue | EventWorker>(item: T): T {
  closers.push(() => item.close());
  return item;
}

describe('a worker process killed mid-job', () => {
  it('the job is taken by another worker through the stalled-job check, and completes', async () => {
    const redis = await startRedisProcess(await freePort());
    closers.push(() => redis.kill());
    const name = 'crash';
    const connection = { host: '127.0.0.1', port: redis.port };
    const queue = track(createEventQueue({ connection, name }));

    const child: ChildProcess = spawn(process.execPath, [workerScript], {
      env: { NODE_ENV: 'test', PATH: process.env.PATH ?? '', REDIS_PORT: String(redis.port), QUEUE_NAME: name },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_, signal) => resolve(signal)));
    closers.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    });
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => void (out += chunk));
    await until(() => out.includes('ready'), 15_000, 'the worker process to start');

    const event = sample('evt_crash_1');
    expect(await queue.enqueue(event)).toEqual({ status: 'enqueued' });
    await until(() => out.includes(`started ${event.id}`), 15_000, 'the worker process to start the job');
    expect(await queue.queue.getActiveCount()).toBe(1);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const handled: string[] = [];
    track(
      createEventWorker({
        connection,
        name,
        stalledInterval: 300,
        handlers: { 'session.status_idled': (e) => void handled.push(e.id) },
      }),
    );
    await until(async () => (await queue.queue.getCompletedCount()) === 1, 20_000, 'the stalled job to complete');
    expect(handled).toEqual([event.id]);
    const job = await queue.queue.getJob((await queue.queue.getCompleted())[0]?.id ?? '');
    expect(job?.data.event.id).toBe(event.id);
    expect(job?.attemptsStarted).toBe(2);
    expect(await queue.failed()).toEqual([]);
  });
});

describe('Redis restarted while jobs wait', () => {
  async function restartWithJobs(
    persistence: string[],
    dir: string,
  ): Promise<{ survived: number; queue: EventQueue; port: number; redis: RedisProcess }> {
    const port = await freePort();
    const args = ['--dir', dir, ...persistence];
    let redis = await startRedisProcess(port, args);
    const queue = createEventQueue({ connection: { host: '127.0.0.1', port }, name: 'restart' });
    queue.queue.on('error', () => {}); // the refused reconnects while Redis is down
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => queue.enqueue(sample(`evt_restart_${i}`))));
    expect(results.every((r) => r.status === 'enqueued')).toBe(true);

    await redis.kill(); // SIGKILL: no shutdown save; only what was on disk survives
    redis = await startRedisProcess(port, args);
    closers.push(() => redis.kill());
    closers.push(() => queue.close());
    const survived = await queue.queue.getWaitingCount();
    return { survived, queue, port, redis };
  }

  it('with AOF (appendonly yes, appendfsync always) none is lost, and every one is processed', async () => {
    const dir = join(dataDir, 'aof');
    mkdirSync(dir);
    const { survived, queue, port } = await restartWithJobs(['--appendonly', 'yes', '--appendfsync', 'always'], dir);
    expect(survived).toBe(300);
    // The ids survived too: a re-delivery is still a duplicate, a new event is stored.
    expect(await queue.enqueue(sample('evt_restart_7'))).toEqual({ status: 'duplicate' });
    expect(await queue.enqueue(sample('evt_restart_new'))).toEqual({ status: 'enqueued' });

    const handled = new Set<string>();
    track(
      createEventWorker({
        connection: { host: '127.0.0.1', port },
        name: 'restart',
        concurrency: 20,
        handlers: { default: (e) => void handled.add(e.id) },
      }),
    );
    await until(async () => (await queue.queue.getCompletedCount()) === 301, 20_000, '301 completed jobs');
    expect(handled.size).toBe(301);
    for (let i = 0; i < 300; i++) expect(handled.has(`evt_restart_${i}`)).toBe(true);
  });

  it('control: without persistence the same restart loses them (what the AOF case guards against)', async () => {
    const dir = join(dataDir, 'none');
    mkdirSync(dir);
    const { survived } = await restartWithJobs(['--appendonly', 'no'], dir);
    expect(survived).toBe(0);
  });
});
