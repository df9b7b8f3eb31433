// Delivery-to-handler latency of the never-miss pipeline on loopback: a state change on the
// platform stand-in → signed POST → unwrapNodeRequest → enqueue (BullMQ on a real redis-server) →
// worker → levelTriggered (lease, fetch with the real SDK, version check) → the session handler.
// Measured from the session's updated_at to the handler's start, one change at a time on distinct
// sessions so no run waits on another.
import Anthropic from '@anthropic-ai/sdk';
import { Redis } from 'ioredis';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
// By name, so it measures the built package (dist/), as users get it.
import { unwrapNodeRequest } from 'managed-agents-webhooks/node';
import { createEventQueue, createEventWorker } from 'managed-agents-webhooks/queue';
import { levelTriggered, redisStateStore } from 'managed-agents-webhooks/reconcile';
import { startSimulator } from 'managed-agents-webhooks/simulate';
import { startRedis } from '../test/support/redis-server.js';

const CHANGES = 200;

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export async function latencyBench(): Promise<void> {
  const redis = await startRedis();
  const connection = { url: redis.url };
  const name = `latency${process.pid}`;
  const queue = createEventQueue({ connection, name });
  const receiver = createServer((req, res) => {
    unwrapNodeRequest(req, { secret: sim.secret })
      .then((event) => queue.enqueue(event))
      .then(
        () => res.writeHead(204).end(),
        () => res.writeHead(400).end(),
      );
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  const sim = await startSimulator({ target: `http://127.0.0.1:${port}/webhooks`, seed: 1 });
  const io = new Redis(redis.url);
  const samples: number[] = [];
  const seen = new Set<string>();
  const client = new Anthropic({ apiKey: 'sk-ant-bench', baseURL: sim.url, maxRetries: 0 });
  const worker = createEventWorker({
    connection,
    name,
    concurrency: 4,
    handlers: levelTriggered({
      client,
      store: redisStateStore(io, { prefix: `latency${process.pid}:` }),
      session: async (session) => {
        if (session.status !== 'running' || seen.has(session.id)) return;
        seen.add(session.id);
        samples.push(Date.now() - Date.parse(session.updated_at));
      },
    }),
  });
  try {
    const ids = Array.from({ length: CHANGES }, () => sim.platform.createSession().id);
    const deadline = Date.now() + 60_000;
    for (const id of ids) {
      sim.platform.setSessionStatus(id, 'running');
      const target = samples.length + 1;
      // One change in flight at a time, bounded in time.
      while (samples.length < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    }
    const sorted = [...samples].sort((a, b) => a - b);
    console.log(
      `\nnever-miss pipeline on loopback (redis-server ${redis.version}): state change → handler, ${sorted.length} changes\n`,
    );
    console.log('| p50 | p99 | max |');
    console.log('|--:|--:|--:|');
    console.log(`| ${percentile(sorted, 50)} ms | ${percentile(sorted, 99)} ms | ${sorted.at(-1) ?? NaN} ms |`);
  } finally {
    await worker.close();
    await queue.close();
    io.disconnect();
    await sim.close();
    receiver.close();
    await redis.stop();
  }
}
