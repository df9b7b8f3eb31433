// examples/agent-chain end to end: sessions of the stand-in's `finish` agent A end their turn with
// a result; their webhooks reach the example's receiver duplicated (same id), reordered, and
// emitted a second time under a fresh id (a re-emission the queue cannot collapse); the worker
// (real BullMQ, a real redis-server, the real SDK against the stand-in) starts a session of agent
// B with A's final message. One B per A session — across late hints, A's later turns, and a worker
// killed between claiming and recording. The same run with the handlers built without the dedupe
// starts B more than once. The pipeline is test/support/recipe-pipeline.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentChainHandlers, CHAINED_FROM } from '../examples/agent-chain/handlers.ts';
import { createReceiver } from '../examples/agent-chain/receiver.ts';
import type { SimulatedSession, SimulatedSessionEvent } from '../src/simulate/index.js';
import { startRecipePipeline, type RecipePipeline } from './support/recipe-pipeline.js';
import { until } from './support/redis-process.js';
import { redisServerVersion } from './support/redis-server.js';

const ASK = 'Draft the release notes for v2.';
const A_RESULT = 'Release notes v2: faster sync, a new CLI, two fixes.';
const B_RESULT = 'Translated and published.';
const CREATES = 'POST /v1/sessions';

type Pipeline = RecipePipeline<{ fromAgentId: string; toAgentId: string }>;

/** The stand-in with agents A and B, the example's receiver and worker on a fresh redis-server. */
function startPipeline(dedupe: boolean, seed: number): Promise<Pipeline> {
  return startRecipePipeline({
    seed,
    agentStepMs: 50,
    agents: (platform) => ({
      fromAgentId: platform.createAgent({ kind: 'finish', result: A_RESULT }, { name: 'Writer' }).id,
      toAgentId: platform.createAgent({ kind: 'finish', result: B_RESULT }, { name: 'Publisher' }).id,
    }),
    receiver: ({ queue, secret }) => createReceiver({ queue, secret }),
    handlers: ({ client, redis, agents }) =>
      agentChainHandlers({ client, redis, ...agents, leaseMs: 5_000, dedupe, log: () => {} }),
  });
}

async function startA(pipeline: Pipeline): Promise<string> {
  const session = await pipeline.client.beta.sessions.create({
    agent: pipeline.agents.fromAgentId,
    environment_id: 'env_agent_chain',
    initial_events: [{ type: 'user.message', content: [{ type: 'text', text: ASK }] }],
  });
  return session.id;
}

/** Agent B's sessions that continue `aSessionId`, by the link the example puts on them. */
function chained(pipeline: Pipeline, aSessionId: string): SimulatedSession[] {
  return pipeline.platform
    .sessions()
    .filter((s) => s.agent.id === pipeline.agents.toAgentId && s.metadata[CHAINED_FROM] === aSessionId);
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
    await pipeline.quiet();
    for (const a of sessions) await pipeline.moreHints(a, 'late');
    // A finishes a second turn: still the one B.
    const [first] = sessions as [string];
    await pipeline.client.beta.sessions.events.send(first, {
      events: [{ type: 'user.message', content: [{ type: 'text', text: 'Shorter, please.' }] }],
    });
    await until(() => texts(pipeline, first, 'agent.message').length === 2, 10_000, "A's second turn");
    await pipeline.quiet();
    await pipeline.moreHints(first, 'second-turn');
    await pipeline.quiet();

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
    const bSessions = pipeline.platform.sessions().filter((s) => s.agent.id === pipeline.agents.toAgentId);
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
      agent: pipeline.agents.toAgentId,
      environment_id: 'env_agent_chain',
      metadata: { [CHAINED_FROM]: created },
      initial_events: [{ type: 'user.message', content: [{ type: 'text', text: A_RESULT }] }],
    });
    pipeline.startWorker();
    await chainDone(pipeline, claimedOnly);
    await pipeline.quiet();
    for (const a of [created, claimedOnly]) await pipeline.moreHints(a, 'after-crash');
    await pipeline.quiet();

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
    await pipeline.quiet();
    await pipeline.moreHints(a, 'late');
    await pipeline.quiet();
    expect(chained(pipeline, a).length).toBeGreaterThan(1);
  });
});
