// examples/agent-chain end to end: sessions of the stand-in's `finish` agent A end their turn with
// a result; their webhooks reach the example's receiver duplicated (same id), reordered, and
// emitted a second time under a fresh id (a re-emission the queue cannot collapse); the worker
// (real BullMQ, a real redis-server, the real SDK against the stand-in) starts a session of agent
// B with A's final message. One B per A session — across late hints, A's later turns, and a worker
// killed between claiming and recording. The same run with the handlers built without the dedupe
// starts B more than once.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentChainHandlers, CHAINED_FROM } from '../examples/agent-chain/handlers.ts';
import { createReceiver } from '../examples/agent-chain/receiver.ts';
import type { WebhookEvent } from '../src/index.js';
import { createEventQueue, createEventWorker, type EventQueue, type EventWorker } from '../src/queue/index.js';
import { sessionHint } from '../src/reconcile/index.js';
import {
  createPlatform,
  createSender,
  startApiServer,
  type ApiServer,
  type Platform,
  type Sender,
  type SimulatedSession,
  type SimulatedSessionEvent,
} from '../src/simulate/index.js';
import { freePort, until } from './support/redis-process.js';
import { redisServerVersion, startRedis, type RedisServer } from './support/redis-server.js';

const ASK = 'Draft the release notes for v2.';
const A_RESULT = 'Release notes v2: faster sync, a new CLI, two fixes.';
const B_RESULT = 'Translated and published.';
const CREATES = 'POST /v1/sessions';

interface Pipeline {
  platform: Platform;
  api: ApiServer;
  client: Anthropic;
  queue: EventQueue;
  redis: Redis;
  fromAgentId: string;
  toAgentId: string;
  senders: Sender[];
  startWorker(): void;
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

async function listen(server: Server, port: number): Promise<void> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  expect((server.address() as AddressInfo).port).toBe(port);
}

/** The stand-in with agents A and B, the example's receiver and worker on a fresh redis-server. */
async function startPipeline(dedupe: boolean, seed: number): Promise<Pipeline> {
  const redisServer: RedisServer = await startRedis();
  const platform = createPlatform({ seed, agentStepMs: 50 });
  const fromAgentId = platform.createAgent({ kind: 'finish', result: A_RESULT }, { name: 'Writer' }).id;
  const toAgentId = platform.createAgent({ kind: 'finish', result: B_RESULT }, { name: 'Publisher' }).id;
  const api = await startApiServer(platform);
  const port = await freePort();
  const target = `http://127.0.0.1:${port}/webhooks`;
  const chaos = { duplicateRate: 0.5, reorderMs: 150, timeScale: 0.01 };
  const sender = createSender({ target, ...chaos, seed });
  const again = createSender({ target, secret: sender.secret, ...chaos, seed: seed + 1000 });
  platform.onEvent((event) => {
    sender.send(event);
    again.send({ ...event, id: `${event.id}_again` });
  });
  const client = new Anthropic({ baseURL: api.url, apiKey: 'sk-ant-agent-chain' });
  const connection = { url: redisServer.url };
  const queue = createEventQueue({ connection });
  const redis = new Redis(redisServer.url);
  const receiver = createReceiver({ queue, secret: sender.secret });
  await listen(receiver, port);
  let worker: EventWorker | undefined;
  const startWorker = (): void => {
    worker = createEventWorker({
      connection,
      concurrency: 4,
      handlers: agentChainHandlers({ client, redis, fromAgentId, toAgentId, leaseMs: 5_000, dedupe, log: () => {} }),
    });
  };
  const stopWorker = async (): Promise<void> => {
    await worker?.close();
    worker = undefined;
  };
  startWorker();
  return {
    platform,
    api,
    client,
    queue,
    redis,
    fromAgentId,
    toAgentId,
    senders: [sender, again],
    startWorker,
    stopWorker,
    async stop() {
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
      await Promise.all([sender.close(), again.close()]);
      await api.close();
      await stopWorker();
      await queue.close();
      await redis.quit();
      await redisServer.stop();
    },
  };
}

/** Every delivery answered, every turn played and every job handled: no hint is on its way. */
async function quiet(pipeline: Pipeline): Promise<void> {
  for (const sender of pipeline.senders) expect(await sender.drain(10_000)).toBe(true);
  await pipeline.platform.settled();
  await until(
    async () => {
      const counts = await pipeline.queue.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
      expect(counts['failed']).toBe(0);
      return (
        counts['waiting'] === 0 && counts['active'] === 0 && counts['delayed'] === 0 && counts['prioritized'] === 0
      );
    },
    10_000,
    'the queue to drain',
  );
}

/** Late hints about the session's current state: a sweep hint, and every webhook again under a fresh id. */
async function moreHints(pipeline: Pipeline, sessionId: string, round: string): Promise<void> {
  await pipeline.queue.enqueue(sessionHint(await pipeline.client.beta.sessions.retrieve(sessionId)));
  const about = pipeline.platform.events.filter((e: WebhookEvent) => e.data.id === sessionId);
  for (const event of about) await pipeline.queue.enqueue({ ...event, id: `${event.id}_${round}` });
}

async function startA(pipeline: Pipeline): Promise<string> {
  const session = await pipeline.client.beta.sessions.create({
    agent: pipeline.fromAgentId,
    environment_id: 'env_agent_chain',
    initial_events: [{ type: 'user.message', content: [{ type: 'text', text: ASK }] }],
  });
  return session.id;
}

/** Agent B's sessions that continue `aSessionId`, by the link the example puts on them. */
function chained(pipeline: Pipeline, aSessionId: string): SimulatedSession[] {
  return pipeline.platform
    .sessions()
    .filter((s) => s.agent.id === pipeline.toAgentId && s.metadata[CHAINED_FROM] === aSessionId);
}

function texts(pipeline: Pipeline, sessionId: string, type: 'user.message' | 'agent.message'): string[] {
  return pipeline.platform
    .sessionEvents(sessionId)
    .filter((e): e is Extract<SimulatedSessionEvent, { type: typeof type }> => e.type === type)
    .map((e) => e.content.map((block) => (block.type === 'text' ? block.text : '')).join(''));
}

function finished(pipeline: Pipeline, sessionId: string): boolean {
  const last = pipeline.platform.sessionEvents(sessionId).at(-1);
  return last?.type === 'session.status_idle' && last.stop_reason.type === 'end_turn';
}

/** B started for A and done: its first message is A's result and it ended its turn. */
async function chainDone(pipeline: Pipeline, aSessionId: string): Promise<void> {
  await until(
    () => chained(pipeline, aSessionId).some((b) => finished(pipeline, b.id)),
    15_000,
    `agent B's session for ${aSessionId}`,
  );
}

const hasRedis = redisServerVersion() !== undefined;

describe.skipIf(!hasRedis)('examples/agent-chain', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await startPipeline(true, 41);
  });
  afterAll(async () => pipeline?.stop());

  it("starts B exactly once per A session, with A's final message — across late hints and A's later turns", async () => {
    const sessions = [await startA(pipeline), await startA(pipeline), await startA(pipeline)];
    for (const a of sessions) await chainDone(pipeline, a);
    await quiet(pipeline);
    for (const a of sessions) await moreHints(pipeline, a, 'late');
    // A finishes a second turn: still the one B.
    const [first] = sessions as [string];
    await pipeline.client.beta.sessions.events.send(first, {
      events: [{ type: 'user.message', content: [{ type: 'text', text: 'Shorter, please.' }] }],
    });
    await until(() => texts(pipeline, first, 'agent.message').length === 2, 10_000, "A's second turn");
    await quiet(pipeline);
    await moreHints(pipeline, first, 'second-turn');
    await quiet(pipeline);

    for (const a of sessions) {
      const bs = chained(pipeline, a);
      expect(bs, `B sessions for ${a}`).toHaveLength(1);
      const b = bs[0]!;
      expect(b.environment_id).toBe('env_agent_chain');
      expect(texts(pipeline, b.id, 'user.message')).toEqual([A_RESULT]);
      expect(texts(pipeline, b.id, 'agent.message')).toEqual([B_RESULT]);
      expect(await pipeline.redis.hgetall(`agent-chain:${a}`)).toMatchObject({ state: 'started', b_session: b.id });
    }
    // Nothing else was created: B's own finished sessions start nothing.
    const bSessions = pipeline.platform.sessions().filter((s) => s.agent.id === pipeline.toAgentId);
    expect(bSessions).toHaveLength(sessions.length);
    expect(pipeline.api.requests.byRoute[CREATES]).toBe(2 * sessions.length); // the test's As, the worker's Bs
  });

  it('a worker killed after creating B but before recording it: the next run finds B instead of creating another', async () => {
    await pipeline.stopWorker();
    const created = await startA(pipeline); // killed after the create request
    const claimedOnly = await startA(pipeline); // killed before its create request went out
    for (const a of [created, claimedOnly]) await until(() => finished(pipeline, a), 10_000, `A ${a} to finish`);
    const now = String(Date.now());
    for (const a of [created, claimedOnly]) {
      await pipeline.redis.hset(`agent-chain:${a}`, 'state', 'creating', 'claimed_at', now);
    }
    const earlier = await pipeline.client.beta.sessions.create({
      agent: pipeline.toAgentId,
      environment_id: 'env_agent_chain',
      metadata: { [CHAINED_FROM]: created },
      initial_events: [{ type: 'user.message', content: [{ type: 'text', text: A_RESULT }] }],
    });
    pipeline.startWorker();
    await chainDone(pipeline, claimedOnly);
    await quiet(pipeline);
    for (const a of [created, claimedOnly]) await moreHints(pipeline, a, 'after-crash');
    await quiet(pipeline);

    expect(chained(pipeline, created).map((b) => b.id)).toEqual([earlier.id]);
    expect(await pipeline.redis.hgetall(`agent-chain:${created}`)).toMatchObject({
      state: 'started',
      b_session: earlier.id,
    });
    const [b] = chained(pipeline, claimedOnly);
    expect(chained(pipeline, claimedOnly)).toHaveLength(1);
    expect(texts(pipeline, b!.id, 'user.message')).toEqual([A_RESULT]);
  });
});

describe.skipIf(!hasRedis)('examples/agent-chain without the dedupe (agentChainHandlers({ dedupe: false }))', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await startPipeline(false, 42);
  });
  afterAll(async () => pipeline?.stop());

  it('starts B more than once for one A session: what "exactly once" above catches', async () => {
    const a = await startA(pipeline);
    await chainDone(pipeline, a);
    await quiet(pipeline);
    await moreHints(pipeline, a, 'late');
    await quiet(pipeline);
    expect(chained(pipeline, a).length).toBeGreaterThan(1);
  });
});
