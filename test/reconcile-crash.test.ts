// A worker process SIGKILLed while it runs a session's handler: its lease in Redis lapses (leaseMs,
// shorter than BullMQ's lock), BullMQ's stalled-job check hands the job to another worker, and that
// worker finds the lease free and runs the same version — once.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../src/index.js';
import { createEventQueue, createEventWorker } from '../src/queue/index.js';
import { levelTriggered, redisStateStore, resourceVersion } from '../src/reconcile/index.js';
import { until } from './support/redis-process.js';
import { startRedis, type RedisServer } from './support/redis-server.js';
import { startSessionsApi, type SessionsApi } from './support/reconcile-api.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const workerScript = join(root, '.cache', `reconcile-worker-${process.pid}.mjs`);
const closers: Array<() => Promise<unknown>> = [];
let redis: RedisServer;
let api: SessionsApi;

beforeAll(async () => {
  mkdirSync(join(root, '.cache'), { recursive: true });
  await build({
    entryPoints: [join(root, 'test/support/reconcile-worker-process.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: workerScript,
    logLevel: 'warning',
  });
  redis = await startRedis();
  api = await startSessionsApi();
});
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
  rmSync(workerScript, { force: true });
  await api?.close();
  await redis?.stop();
});

describe('a level-triggered worker process killed mid-handler', () => {
  it('its lease lapses and another worker runs that version, once', async () => {
    const name = 'reconcile-crash';
    const prefix = 'crash:';
    const connection = { host: '127.0.0.1', port: redis.port };
    const queue = createEventQueue({ connection, name });
    closers.push(() => queue.close());
    const child: ChildProcess = spawn(process.execPath, [workerScript], {
      env: {
        PATH: process.env.PATH ?? '',
        REDIS_PORT: String(redis.port),
        QUEUE_NAME: name,
        API_URL: api.url,
        STORE_PREFIX: prefix,
        LEASE_MS: '600',
      },
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

    const version = resourceVersion(api.put('sesn_crash', 'idle').updated_at);
    const event = {
      type: 'event',
      id: 'evt_crash',
      created_at: new Date().toISOString(),
      data: { type: 'session.status_idled', id: 'sesn_crash', organization_id: 'o', workspace_id: 'w' },
    } as WebhookEvent;
    await queue.enqueue(event);
    await until(() => out.includes(`started sesn_crash ${version}`), 15_000, 'the child to start the handler');
    const io = new Redis(redis.url);
    closers.push(async () => io.disconnect());
    expect(await io.exists(`${prefix}{session:sesn_crash}:lease`)).toBe(1);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const handled: number[] = [];
    const store = redisStateStore(io, { prefix });
    const worker = createEventWorker({
      connection,
      name,
      stalledInterval: 300,
      handlers: levelTriggered({
        client: new Anthropic({ apiKey: 'sk-ant-test', baseURL: api.url, maxRetries: 0 }),
        store,
        leaseMs: 600,
        session: async (_session, context) => void handled.push(context.version),
      }),
    });
    closers.push(() => worker.close());
    await until(() => handled.length > 0, 15_000, 'another worker to run the session');
    await until(async () => (await queue.queue.getJob('event-evt_crash'))?.finishedOn !== undefined, 5_000, 'the job');
    expect(handled).toEqual([version]);
    expect(await store.handled(['session:sesn_crash'])).toEqual([version]);
  });
});
