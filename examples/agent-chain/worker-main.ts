// A worker process: run as many as you like on any machines that reach the same Redis.
//   REDIS_URL=redis://127.0.0.1:6379 ANTHROPIC_API_KEY=sk-ant-… FROM_AGENT_ID=agent_… TO_AGENT_ID=agent_… \
//   node worker-main.ts
import Anthropic from '@anthropic-ai/sdk';
import { Redis } from 'ioredis';
import { createEventWorker } from 'managed-agents-webhooks/queue';
import { agentChainHandlers } from './handlers.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const fromAgentId = process.env.FROM_AGENT_ID ?? '';
const toAgentId = process.env.TO_AGENT_ID ?? '';
if (fromAgentId === '' || toAgentId === '') throw new Error('Set FROM_AGENT_ID (agent A) and TO_AGENT_ID (agent B).');

const redis = new Redis(url);
// Without an 'error' listener a Redis restart would end the process instead of reconnecting.
redis.on('error', (error) => console.error(`state store: ${error.message}`));

const worker = createEventWorker({
  connection: { url },
  concurrency: Number(process.env.WORKER_CONCURRENCY ?? 4),
  // A killed worker's jobs go to another after about 10 s; the lease lapses before that.
  lockDuration: 10_000,
  stalledInterval: 5_000,
  handlers: agentChainHandlers({
    client: new Anthropic(), // reads ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL
    redis,
    fromAgentId,
    toAgentId,
    environmentId: process.env.TO_ENVIRONMENT_ID,
    leaseMs: 5_000,
  }),
});
worker.worker.on('error', (error) => console.error(`worker: ${error.message}`));

console.log(`waiting for sessions of ${fromAgentId} to finish`);
process.once(
  'SIGTERM',
  () =>
    void worker
      .close()
      .then(() => redis.quit())
      .then(() => process.exit(0)),
);
