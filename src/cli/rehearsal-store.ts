import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { memoryStateStore } from '../reconcile/memory-state-store.js';
import { redisStateStore } from '../reconcile/redis-state-store.js';
import type { StateStore } from '../reconcile/store.js';

/** The rehearsal's state store, what to call it in the output, and how to let it go. */
export interface RehearsalStore {
  store: StateStore;
  label: string;
  close(): Promise<void>;
}

/**
 * Redis at REDIS_URL when set, else a throwaway redis-server when one is on the PATH, else the
 * memory store. Redis needs the optional peer ioredis; without it, or when Redis does not answer
 * within a few seconds, the rehearsal runs in memory and says why.
 */
export async function openRehearsalStore(env: NodeJS.ProcessEnv = process.env): Promise<RehearsalStore> {
  const memory = (why: string): RehearsalStore => ({
    store: memoryStateStore(),
    label: `in-memory (no Redis${why}): level-triggered handlers on memoryStateStore`,
    close: async () => {},
  });
  let Redis: typeof import('ioredis').Redis;
  try {
    Redis = (await import('ioredis')).Redis;
  } catch {
    return memory(env.REDIS_URL ? '; REDIS_URL is set but the optional peer ioredis is not installed' : '');
  }
  const url = env.REDIS_URL;
  let server: ChildProcess | undefined;
  let where: string;
  let address: string;
  if (url !== undefined && url !== '') {
    address = url;
    where = 'Redis at REDIS_URL';
  } else {
    const port = await freePort();
    const started = await startRedisServer(port);
    if (started === undefined) return memory('');
    server = started;
    address = `redis://127.0.0.1:${port}`;
    where = `a throwaway redis-server on 127.0.0.1:${port}`;
  }
  // A command, not a service: fail fast instead of reconnecting forever.
  const redis = new Redis(address, { connectTimeout: 3_000, maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => {});
  const stop = (): void => {
    if (server !== undefined && server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
  };
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    redis.disconnect();
    stop();
    return memory(`; ${where} did not answer`);
  }
  // Its own prefix: a shared Redis keeps its data, and the demo's keys are removed at the end.
  const prefix = `maw:demo:${randomBytes(6).toString('hex')}:`;
  return {
    store: redisStateStore(redis, { prefix }),
    label: `real Redis (${where}): level-triggered handlers on redisStateStore`,
    close: async () => {
      if (server === undefined) {
        const keys = await redis.keys(`${prefix}*`).catch(() => [] as string[]);
        if (keys.length > 0) await redis.del(...keys).catch(() => 0);
      }
      redis.disconnect();
      if (server !== undefined) {
        const exited = new Promise<void>((resolve) => server?.once('exit', () => resolve()));
        stop();
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
      }
    },
  };
}

/** Starts redis-server on `port` with nothing saved to disk; undefined when there is none on the PATH. */
function startRedisServer(port: number): Promise<ChildProcess | undefined> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
    } catch {
      return resolve(undefined);
    }
    // Never outlive the demo, however it ends.
    const onExit = (): void => void child.kill('SIGKILL');
    process.once('exit', onExit);
    child.once('exit', () => process.off('exit', onExit));
    let log = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(undefined);
    }, 5_000);
    child.once('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk;
      if (!log.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      resolve(child);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
