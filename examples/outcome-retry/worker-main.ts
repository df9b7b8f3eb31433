// A worker process: run as many as you like on any machines that reach the same Redis.
//   REDIS_URL=redis://127.0.0.1:6379 ANTHROPIC_API_KEY=sk-ant-… ALERT_WEBHOOK_URL=https://hooks.slack.com/services/… \
//   MAX_FEEDBACK=3 node worker-main.ts
import Anthropic from '@anthropic-ai/sdk';
import { Redis } from 'ioredis';
import { createEventWorker } from 'managed-agents-webhooks/queue';
import { DEFAULT_MAX_FEEDBACK, outcomeRetryHandlers } from './handlers.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const alertWebhookUrl = process.env.ALERT_WEBHOOK_URL ?? '';
if (!alertWebhookUrl.startsWith('http')) throw new Error('Set ALERT_WEBHOOK_URL to where alerts are POSTed.');

const redis = new Redis(url);
// Without an 'error' listener a Redis restart would end the process instead of reconnecting.
redis.on('error', (error) => console.error(`state store: ${error.message}`));

const worker = createEventWorker({
  connection: { url },
  concurrency: Number(process.env.WORKER_CONCURRENCY ?? 4),
  // A killed worker's jobs go to another after about 10 s; the lease lapses before that.
  lockDuration: 10_000,
  stalledInterval: 5_000,
  handlers: outcomeRetryHandlers({
    client: new Anthropic(), // reads ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL
    redis,
    alertWebhookUrl,
    maxFeedback: Number(process.env.MAX_FEEDBACK ?? DEFAULT_MAX_FEEDBACK),
    leaseMs: 5_000,
  }),
});
worker.worker.on('error', (error) => console.error(`worker: ${error.message}`));

console.log('waiting for failed outcome evaluations');
process.once(
  'SIGTERM',
  () =>
    void worker
      .close()
      .then(() => redis.quit())
      .then(() => process.exit(0)),
);
