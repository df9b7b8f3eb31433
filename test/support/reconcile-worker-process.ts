// A level-triggered worker in a process of its own, for the crash test: it announces each session
// run it starts on stdout and never finishes it, so the test can SIGKILL it while it holds the
// session's lease. Bundled by the test with esbuild, since Node 20 runs no TypeScript.
import Anthropic from '@anthropic-ai/sdk';
import { Redis } from 'ioredis';
import { createEventWorker } from '../../src/queue/index.js';
import { levelTriggered, redisStateStore } from '../../src/reconcile/index.js';

const port = Number(process.env.REDIS_PORT);
const redis = new Redis({ host: '127.0.0.1', port });
const worker = createEventWorker({
  connection: { host: '127.0.0.1', port },
  name: process.env.QUEUE_NAME ?? '',
  // As in queue-worker-process.ts: a short lock, so the test's worker finds the job stalled soon.
  lockDuration: 1_000,
  stalledInterval: 300,
  handlers: levelTriggered({
    client: new Anthropic({ apiKey: 'sk-ant-test', baseURL: process.env.API_URL ?? '', maxRetries: 0 }),
    store: redisStateStore(redis, { prefix: process.env.STORE_PREFIX ?? '' }),
    leaseMs: Number(process.env.LEASE_MS),
    session: async (session, { version }) => {
      process.stdout.write(`started ${session.id} ${version}\n`);
      await new Promise(() => {});
    },
  }),
});
worker.worker.on('error', (error) => process.stderr.write(`${String(error)}\n`));
process.stdout.write('ready\n');

// Never outlive a test that forgot us.
setTimeout(() => process.exit(3), 60_000).unref();
