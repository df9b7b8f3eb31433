// A worker process: run as many as you like on any machines that reach the same Redis.
//   REDIS_URL=redis://127.0.0.1:6379 ANTHROPIC_API_KEY=sk-ant-… SLACK_WEBHOOK_URL=https://hooks.slack.com/services/… \
//   APPROVAL_SIGNING_SECRET=… PUBLIC_URL=https://approvals.example.com node worker-main.ts
import Anthropic from '@anthropic-ai/sdk';
import { Redis } from 'ioredis';
import { createEventWorker } from 'managed-agents-webhooks/queue';
import { approvalHandlers } from './ask.ts';
import { checkLinks } from './links.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const slackWebhookUrl = process.env.SLACK_WEBHOOK_URL ?? '';
if (!slackWebhookUrl.startsWith('http'))
  throw new Error("Set SLACK_WEBHOOK_URL to the channel's incoming-webhook URL.");
const links = {
  baseUrl: process.env.PUBLIC_URL ?? 'http://127.0.0.1:3000',
  secret: process.env.APPROVAL_SIGNING_SECRET ?? '',
  ttlSeconds: Number(process.env.APPROVAL_TTL_SECONDS ?? 86_400),
};
checkLinks(links);

const redis = new Redis(url);
// Without an 'error' listener a Redis restart would end the process instead of reconnecting.
redis.on('error', (error) => console.error(`state store: ${error.message}`));

const worker = createEventWorker({
  connection: { url },
  concurrency: Number(process.env.WORKER_CONCURRENCY ?? 4),
  // A killed worker's jobs go to another after about 10 s; the lease lapses before that.
  lockDuration: 10_000,
  stalledInterval: 5_000,
  handlers: approvalHandlers({ client: new Anthropic(), redis, slackWebhookUrl, links, leaseMs: 5_000 }),
});
worker.worker.on('error', (error) => console.error(`worker: ${error.message}`));

console.log('waiting for sessions that need approval');
process.once(
  'SIGTERM',
  () =>
    void worker
      .close()
      .then(() => redis.quit())
      .then(() => process.exit(0)),
);
