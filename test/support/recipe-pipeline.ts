// The pipeline every recipe test (examples/approval-slack, outcome-retry, agent-chain) runs end
// to end: a fresh redis-server; the platform stand-in (state + sessions API); two senders, one
// delivering every webhook duplicated (same id) and reordered, the other emitting each again
// under a fresh id (a re-emission the queue cannot collapse); the real SDK pointed at the
// stand-in; the example's receiver on a loopback port; and a real BullMQ worker running the
// example's handlers, which the test can stop, start and restart as a deploy or a crash would.
import type { Server } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import type { WebhookEvent } from '../../src/index.js';
import {
  createEventQueue,
  createEventWorker,
  type EventQueue,
  type EventWorker,
  type WorkerHandlers,
} from '../../src/queue/index.js';
import { sessionHint } from '../../src/reconcile/index.js';
import {
  createPlatform,
  createSender,
  startApiServer,
  type ApiServer,
  type Platform,
  type Sender,
  type SenderOptions,
} from '../../src/simulate/index.js';
import { close } from './http.js';
import { freePort } from './ports.js';
import { until } from './redis-process.js';
import { startRedis } from './redis-server.js';

/** The senders' chaos and retry pacing. */
export type Chaos = Omit<SenderOptions, 'target' | 'secret' | 'seed'>;

/** What the example's receiver and handlers are built from. */
export interface RecipeDeps<A> {
  platform: Platform;
  client: Anthropic;
  queue: EventQueue;
  redis: Redis;
  /** The endpoint secret the senders sign with. */
  secret: string;
  /** The receiver's base URL (links in outgoing messages point here). */
  receiverUrl: string;
  /** What `agents` returned. */
  agents: A;
}

export interface RecipePipelineOptions<A> {
  /** Seeds the stand-in's ids and the first sender's chaos (the second sender uses seed + 1000). */
  seed: number;
  /** Milliseconds between two steps of a scripted agent's turn; the platform's default (1) when left out. */
  agentStepMs?: number;
  /** The senders' chaos; by default half the deliveries doubled, reordered within 150 ms, retries at 1/100 speed. */
  chaos?: Chaos;
  /** Creates the agents the handlers need, before the worker starts. */
  agents?: (platform: Platform) => A;
  /** The example's receiver (not yet listening): it must take POST /webhooks. */
  receiver: (deps: RecipeDeps<A>) => Server;
  /** The example's handlers; called at every worker start, so a restart gets fresh ones. */
  handlers: (deps: RecipeDeps<A>) => WorkerHandlers;
}

export interface RecipePipeline<A> extends RecipeDeps<A> {
  api: ApiServer;
  senders: Sender[];
  startWorker(): void;
  stopWorker(): Promise<void>;
  /** Stops the worker and starts a fresh one (new handlers, same Redis): a deploy or a crash. */
  restartWorker(): Promise<void>;
  /** Every delivery answered, every turn played and every job handled, none failed: no hint is on its way. */
  quiet(): Promise<void>;
  /**
   * Late hints about a session's current state: a sweep hint, and every webhook about it again
   * under a fresh id (`<id>_<round>`), as after the queue's retention lapsed.
   */
  moreHints(sessionId: string, round: string): Promise<void>;
  stop(): Promise<void>;
}

const CHAOS: Chaos = { duplicateRate: 0.5, reorderMs: 150, timeScale: 0.01 };
const WAIT_MS = 10_000;

/**
 * Starts the whole pipeline with the worker running; `stop()` tears it down.
 *
 * @example
 * ```ts
 * const pipeline = await startRecipePipeline({
 *   seed: 41,
 *   receiver: ({ queue, secret }) => createReceiver({ queue, secret }),
 *   handlers: ({ client, redis }) => myHandlers({ client, redis }),
 * });
 * await pipeline.quiet();
 * await pipeline.stop();
 * ```
 */
export async function startRecipePipeline<A = undefined>(
  options: RecipePipelineOptions<A>,
): Promise<RecipePipeline<A>> {
  const { seed, chaos = CHAOS } = options;
  const redisServer = await startRedis();
  const platform = createPlatform({
    seed,
    ...(options.agentStepMs === undefined ? {} : { agentStepMs: options.agentStepMs }),
  });
  const agents = options.agents?.(platform) as A;
  const api = await startApiServer(platform);
  const port = await freePort();
  const receiverUrl = `http://127.0.0.1:${port}`;
  const target = `${receiverUrl}/webhooks`;
  const sender = createSender({ target, ...chaos, seed });
  const again = createSender({ target, secret: sender.secret, ...chaos, seed: seed + 1000 });
  const senders = [sender, again];
  const unsubscribe = platform.onEvent((event) => {
    sender.send(event);
    again.send({ ...event, id: `${event.id}_again` });
  });
  const client = new Anthropic({ baseURL: api.url, apiKey: 'sk-ant-recipe-test' });
  const connection = { url: redisServer.url };
  const queue = createEventQueue({ connection });
  const redis = new Redis(redisServer.url);
  const deps: RecipeDeps<A> = { platform, client, queue, redis, secret: sender.secret, receiverUrl, agents };
  let worker: EventWorker | undefined;
  const startWorker = (): void => {
    worker = createEventWorker({ connection, concurrency: 4, handlers: options.handlers(deps) });
  };
  const stopWorker = async (): Promise<void> => {
    await worker?.close();
    worker = undefined;
  };
  // Everything but the receiver, in an order where nothing is left talking to a closed part.
  const release = async (): Promise<void> => {
    unsubscribe();
    await Promise.all(senders.map((s) => s.close()));
    await api.close();
    await stopWorker();
    await queue.close();
    await redis.quit();
    await redisServer.stop();
  };
  const receiver = options.receiver(deps);
  try {
    await new Promise<void>((resolve, reject) => {
      receiver.once('error', reject);
      receiver.listen(port, '127.0.0.1', resolve);
    });
  } catch (error) {
    // The port was taken meanwhile: no afterAll will see this pipeline, so nothing may outlive it.
    await release();
    throw error;
  }
  startWorker();

  return {
    ...deps,
    api,
    senders,
    startWorker,
    stopWorker,
    async restartWorker() {
      await stopWorker();
      startWorker();
    },
    async quiet() {
      for (const s of senders) expect(await s.drain(WAIT_MS), 'the senders to drain').toBe(true);
      await within(platform.settled(), WAIT_MS, "the agents' turns to settle");
      await until(
        async () => {
          const counts = await queue.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
          expect(counts['failed'], 'failed jobs').toBe(0);
          return (
            counts['waiting'] === 0 && counts['active'] === 0 && counts['delayed'] === 0 && counts['prioritized'] === 0
          );
        },
        WAIT_MS,
        'the queue to drain',
      );
    },
    async moreHints(sessionId, round) {
      await queue.enqueue(sessionHint(await client.beta.sessions.retrieve(sessionId)));
      const about = platform.events.filter((e: WebhookEvent) => e.data.id === sessionId);
      for (const event of about) await queue.enqueue({ ...event, id: `${event.id}_${round}` });
    },
    async stop() {
      await close(receiver);
      await release();
    },
  };
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
