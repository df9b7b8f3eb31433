// The cost of never missing a state change, measured on loopback: API requests per sweep over
// 1,000 sessions (the real @anthropic-ai/sdk client against a sessions API stand-in), and the
// Redis round trips levelTriggered adds to each job (every command the store sends, counted on a
// wrapping ioredis client; each is one EVAL, one round trip). Starts its own redis-server on a
// free loopback port and stops it by pid.
import Anthropic from '@anthropic-ai/sdk';
import { Redis } from 'ioredis';
import { performance } from 'node:perf_hooks';
// By name, so it measures the built package (dist/), as users get it.
import { dispatch, type WebhookEvent } from 'managed-agents-webhooks';
import { createSweep, levelTriggered, redisStateStore, type SweepHint } from 'managed-agents-webhooks/reconcile';
import { startSessionsApi } from '../test/support/reconcile-api.js';
import { startRedis } from '../test/support/redis-server.js';

const SESSIONS = 1_000;
const CHANGED = 10;
const JOBS = 500;

export async function reconcileBench(): Promise<void> {
  const redis = await startRedis();
  const api = await startSessionsApi();
  const io = new Redis(redis.url);
  let commands = 0;
  const counted = new Proxy(io, {
    get(target, key, receiver) {
      if (key === 'eval')
        return (...args: unknown[]) => (commands++, (target.eval as (...a: unknown[]) => unknown)(...args));
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  try {
    const client = new Anthropic({ apiKey: 'sk-ant-bench', baseURL: api.url, maxRetries: 0 });
    const store = redisStateStore(counted, { prefix: `bench${process.pid}:` });
    console.log(`\nreconcile: sweep and level-triggered handling on loopback (redis-server ${redis.version})`);

    // The sweep: a queue that only counts, so the figures are the sweep's own.
    let enqueued = 0;
    const queue = { enqueue: async (_hint: SweepHint) => (enqueued++, { status: 'enqueued' as const }) };
    for (let i = 0; i < SESSIONS; i++) api.put(`sesn_${String(i).padStart(5, '0')}`, 'idle');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const sweep = createSweep({ client, queue, store, skewMs: 0 });
    const rows: string[] = [];
    const measure = async (label: string): Promise<void> => {
      const [apiBefore, redisBefore, started] = [api.stub.requests.length, commands, performance.now()];
      const result = await sweep.run();
      const ms = performance.now() - started;
      rows.push(
        `| ${label} | ${result.requests} | ${api.stub.requests.length - apiBefore} | ${commands - redisBefore} | ${result.changed} | ${ms.toFixed(0)} |`,
      );
    };
    await measure('first run (baseline: history not acted on)');
    await measure('nothing changed');
    for (let i = 0; i < CHANGED; i++) api.put(`sesn_${String(i * 97).padStart(5, '0')}`, 'running');
    await measure(`${CHANGED} sessions changed`);
    console.log(`sweep over ${SESSIONS.toLocaleString('en-US')} sessions, pages of 100\n`);
    console.log('| sweep | list requests | API requests | Redis commands | hints | ms |');
    console.log('|---|--:|--:|--:|--:|--:|');
    for (const row of rows) console.log(row);

    // levelTriggered, per job: the handler map called as the worker calls it, without BullMQ, so
    // only the store's commands are counted.
    const handlers = levelTriggered({ client, store, session: async () => {} });
    const event = (id: string, n: number): WebhookEvent =>
      ({
        type: 'event',
        id: `evt_${n}`,
        created_at: new Date().toISOString(),
        data: { type: 'session.status_idled', id, organization_id: 'o', workspace_id: 'w' },
      }) as WebhookEvent;
    const perJob = async (label: string, hint: (n: number) => WebhookEvent): Promise<string> => {
      const before = commands;
      for (let n = 0; n < JOBS; n++) await dispatch(hint(n), handlers);
      return `| ${label} | ${((commands - before) / JOBS).toFixed(2)} |`;
    };
    const lines = [
      await perJob('a new version: run, record', (n) => {
        api.put('sesn_00001', n % 2 ? 'idle' : 'running');
        return event('sesn_00001', n);
      }),
      await perJob('a version already handled: skipped', (n) => event('sesn_00001', n)),
    ];
    await store.acquire('session:sesn_00002', 'bench', 60_000); // another run holds the lease
    lines.push(await perJob('the lease held by another run: marked dirty', (n) => event('sesn_00002', n)));
    await store.release('session:sesn_00002', 'bench');
    console.log(`\nRedis round trips added per job by levelTriggered (${JOBS} jobs each; BullMQ's own not counted)\n`);
    console.log('| job | round trips |');
    console.log('|---|--:|');
    for (const line of lines) console.log(line);
    console.log(
      `(plus one renewal per leaseMs / 3 while a handler runs; ${enqueued} hints counted by the sweep's queue)`,
    );
  } finally {
    io.disconnect();
    await api.close();
    await redis.stop();
  }
}
