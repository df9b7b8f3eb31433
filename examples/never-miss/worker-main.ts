// A worker process: run as many as you like, on any machines that reach the same Redis.
//   REDIS_URL=redis://127.0.0.1:6379 ANTHROPIC_API_KEY=sk-ant-… WORKER_CONCURRENCY=4 node worker-main.ts
// Every session status event — delivered or found by the sweep — is only a hint: the handler runs
// on the session as fetched, once per updated_at, never on an older one after a newer.
import { appendFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { Redis } from 'ioredis';
import { createEventQueue, createEventWorker } from 'managed-agents-webhooks/queue';
import { createSweep, createSweepWorker, levelTriggered, redisStateStore } from 'managed-agents-webhooks/reconcile';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const concurrency = Number(process.env.WORKER_CONCURRENCY ?? 4);
const delayMs = Number(process.env.HANDLER_DELAY_MS ?? 0);
const handledLog = process.env.HANDLED_LOG;

const client = new Anthropic(); // reads ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL
const redis = new Redis(url);
// Every Redis connection needs an error listener: while Redis restarts, an unheard 'error' event
// would end the process instead of letting it reconnect.
redis.on('error', (error) => console.error(`state store: ${error.message}`));
const store = redisStateStore(redis);

const worker = createEventWorker({
  connection: { url },
  concurrency,
  // A killed worker's jobs go to another after about 10 s (BullMQ's default is 30 s); the lease
  // must lapse before the job's lock does, so the re-run finds the session free.
  lockDuration: 10_000,
  stalledInterval: 5_000,
  // session.status_run_started, …_idled, …_rescheduled, …_terminated (and the sweep's hints) all
  // reach `session`.
  handlers: levelTriggered({
    client,
    store,
    leaseMs: 5_000,
    session: async (session) => {
      // Stands in for real work (notify a reviewer, resume a job): long enough for hints to overlap.
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * delayMs));
      const line = { kind: 'session', id: session.id, status: session.status, version: session.updated_at };
      if (handledLog) appendFileSync(handledLog, `${JSON.stringify(line)}\n`);
      else console.log(`session ${session.id} is ${session.status} (${session.updated_at})`);
    },
  }),
});
worker.worker.on('error', (error) => console.error(`worker: ${error.message}`));

// Runs the sweeps reconciler-main.ts scheduled, one at a time across every worker process; with
// no schedule registered it waits idle.
const hints = createEventQueue({ connection: { url } });
hints.queue.on('error', (error) => console.error(`sweep queue: ${error.message}`));
const sweeps = createSweepWorker({
  connection: { url },
  sweep: createSweep({ client, queue: hints, store }),
});
sweeps.worker.on('error', (error) => console.error(`sweep: ${error.message}`));

console.log('waiting for events');
// close() lets running handlers finish; a killed worker's lease and job lock lapse and another
// worker runs the same version.
process.once('SIGTERM', () => void Promise.all([worker.close(), sweeps.close()]).then(() => process.exit(0)));
