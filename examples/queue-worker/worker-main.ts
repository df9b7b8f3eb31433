// The worker process: REDIS_URL=redis://127.0.0.1:6379 ANTHROPIC_API_KEY=sk-ant-… node worker-main.ts
// Run as many as you like, on any machines that reach the same Redis.
import Anthropic from '@anthropic-ai/sdk';
import { startWorker } from './worker.ts';

const worker = startWorker({
  connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  client: new Anthropic(),
  log: console.log,
});
console.log('waiting for events');
// close() lets running handlers finish; a killed worker's job is retried by another after its lock lapses.
process.once('SIGTERM', () => void worker.close());
