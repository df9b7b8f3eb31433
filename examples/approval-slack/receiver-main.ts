// The receiving process: webhooks in (verify, enqueue, 204) and reviewers' answers in (check the
// signed link, send user.tool_confirmation once).
//   PORT=3000 REDIS_URL=redis://127.0.0.1:6379 ANTHROPIC_WEBHOOK_SIGNING_KEY=whsec_… \
//   ANTHROPIC_API_KEY=sk-ant-… APPROVAL_SIGNING_SECRET=… PUBLIC_URL=https://approvals.example.com node receiver-main.ts
import Anthropic from '@anthropic-ai/sdk';
import { Redis } from 'ioredis';
import { createEventQueue } from 'managed-agents-webhooks/queue';
import { createAnswerHandler } from './answer.ts';
import { checkLinks } from './links.ts';
import { createReceiver } from './receiver.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const port = Number(process.env.PORT ?? 3000);
const links = {
  baseUrl: process.env.PUBLIC_URL ?? `http://127.0.0.1:${port}`,
  secret: process.env.APPROVAL_SIGNING_SECRET ?? '',
  ttlSeconds: Number(process.env.APPROVAL_TTL_SECONDS ?? 86_400),
};
checkLinks(links);

const queue = createEventQueue({ connection: { url } });
queue.queue.on('error', (error) => console.error(`queue: ${error.message}`));
const redis = new Redis(url);
redis.on('error', (error) => console.error(`answers: ${error.message}`));
const answer = createAnswerHandler({
  client: new Anthropic(),
  redis,
  secret: links.secret,
  ttlSeconds: links.ttlSeconds,
});

const server = createReceiver({ queue, answer });
server.listen(port, '127.0.0.1', () => console.log(`POST deliveries to http://127.0.0.1:${port}/webhooks`));
process.once('SIGTERM', () => server.close(() => void Promise.all([queue.close(), redis.quit()])));
