// examples/outcome-retry end to end: the platform stand-in's `outcome` agent fails its outcome
// evaluation n times and passes after feedback; its webhooks reach the example's receiver
// duplicated (same id), reordered, and emitted a second time under a fresh id (a re-emission the
// queue cannot collapse); the worker (real BullMQ, a real redis-server, the real SDK against the
// stand-in) sends the grader's feedback and POSTs to a loopback alert stand-in. One feedback per
// failed evaluation, at most N per session, then one alert — across late hints and a worker
// restart. The same runs with the handlers built without the dedupe send the feedback (and the
// alert) more than once. The pipeline is test/support/recipe-pipeline.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomeRetryHandlers } from '../examples/outcome-retry/handlers.ts';
import { createReceiver } from '../examples/outcome-retry/receiver.ts';
import type { WebhookEventOf } from '../src/index.js';
import type { SimulatedSessionEvent } from '../src/simulate/index.js';
import { startCaptureServer, type CaptureServer } from './support/capture-server.js';
import { startRecipePipeline, type RecipePipeline } from './support/recipe-pipeline.js';
import { until } from './support/redis-process.js';
import { redisServerVersion } from './support/redis-server.js';

const FEEDBACK = 'The summary does not cite the order number.';
const RESULT = 'Order #1234 ships today.';
const ASK = 'Summarize order #1234 for the customer.';
const MAX = 3;

interface AlertBody {
  session_id: string;
  feedback_sent: number;
  feedback: string;
  verdict: string;
}

interface Alert {
  body: AlertBody;
  key: string | undefined;
}

interface Pipeline extends RecipePipeline<undefined> {
  alerts: CaptureServer<AlertBody>;
}

/** The stand-in, the example's receiver and worker on a fresh redis-server, and an alert stand-in. */
async function startPipeline(dedupe: boolean, seed: number): Promise<Pipeline> {
  const alerts = await startCaptureServer<AlertBody>();
  const pipeline = await startRecipePipeline({
    seed,
    // An attempt takes the agent a few hundred milliseconds, as a real one takes minutes: hints
    // about one failed evaluation keep arriving while the next attempt runs. Without the dedupe,
    // a slower agent keeps that window open for a second or more, so the repeat the dedupe-off
    // tests show does not hang on how busy the machine is.
    agentStepMs: dedupe ? 100 : 400,
    receiver: ({ queue, secret }) => createReceiver({ queue, secret }),
    handlers: ({ client, redis }) =>
      outcomeRetryHandlers({
        client,
        redis,
        alertWebhookUrl: `${alerts.url}/alerts`,
        maxFeedback: MAX,
        leaseMs: 5_000,
        dedupe,
        log: () => {},
      }),
  });
  return {
    ...pipeline,
    alerts,
    async stop() {
      await pipeline.stop();
      await alerts.close();
    },
  };
}

async function startSession(pipeline: Pipeline, failures: number): Promise<string> {
  const agent = pipeline.platform.createAgent({ kind: 'outcome', failures, feedback: FEEDBACK, result: RESULT });
  const session = await pipeline.client.beta.sessions.create({
    agent: agent.id,
    environment_id: 'env_outcome_retry',
    initial_events: [{ type: 'user.message', content: [{ type: 'text', text: ASK }] }],
  });
  return session.id;
}

type Of<T extends SimulatedSessionEvent['type']> = Extract<SimulatedSessionEvent, { type: T }>;

function eventsOf<T extends SimulatedSessionEvent['type']>(pipeline: Pipeline, sessionId: string, type: T): Of<T>[] {
  return pipeline.platform.sessionEvents(sessionId).filter((e): e is Of<T> => e.type === type);
}

/** The user.messages after the first (the request): the feedback the worker sent. */
function feedbackSent(pipeline: Pipeline, sessionId: string): string[] {
  return eventsOf(pipeline, sessionId, 'user.message')
    .slice(1)
    .map((e) => e.content.map((block) => (block.type === 'text' ? block.text : '')).join(''));
}

function alertsFor(pipeline: Pipeline, sessionId: string): Alert[] {
  return pipeline.alerts.posts
    .filter((post) => post.body.session_id === sessionId)
    .map(({ body, headers }) => {
      const key = headers['idempotency-key'];
      return { body, key: typeof key === 'string' ? key : undefined };
    });
}

function passed(pipeline: Pipeline, sessionId: string): boolean {
  const ends = eventsOf(pipeline, sessionId, 'span.outcome_evaluation_end');
  return ends.at(-1)?.result === 'satisfied' && pipeline.platform.getSession(sessionId)?.status === 'idle';
}

const hasRedis = redisServerVersion() !== undefined;

describe.skipIf(!hasRedis)('examples/outcome-retry', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await startPipeline(true, 31);
  });
  afterAll(async () => pipeline?.stop());

  it('fails once, gets the grader feedback exactly once, then passes; no alert', async () => {
    const sessionId = await startSession(pipeline, 1);
    await until(() => passed(pipeline, sessionId), 15_000, 'the outcome to pass');
    await pipeline.quiet();
    await pipeline.moreHints(sessionId, 'late');
    await pipeline.quiet();
    expect(feedbackSent(pipeline, sessionId)).toEqual([FEEDBACK]);
    expect(eventsOf(pipeline, sessionId, 'span.outcome_evaluation_end').map((e) => e.result)).toEqual([
      'max_iterations_reached',
      'satisfied',
    ]);
    expect(alertsFor(pipeline, sessionId)).toEqual([]);
  });

  it('fails more than N times: exactly N feedback messages, then exactly one alert — across late hints and a worker restart', async () => {
    const sessionId = await startSession(pipeline, 5);
    await until(() => alertsFor(pipeline, sessionId).length >= 1, 20_000, 'the alert');
    await pipeline.quiet();
    await pipeline.moreHints(sessionId, 'late');
    await pipeline.quiet();
    // A new worker process: the count and the records are in Redis, not in the handlers.
    await pipeline.restartWorker();
    await pipeline.moreHints(sessionId, 'restarted');
    await pipeline.quiet();

    expect(feedbackSent(pipeline, sessionId)).toEqual(Array.from({ length: MAX }, () => FEEDBACK));
    // The request and N feedback messages: N + 1 attempts, all failed; the last one is alerted.
    expect(eventsOf(pipeline, sessionId, 'span.outcome_evaluation_end')).toHaveLength(MAX + 1);
    const alerts = alertsFor(pipeline, sessionId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      key: `outcome-retry-alert-${sessionId}`,
      body: { feedback_sent: MAX, feedback: FEEDBACK, verdict: 'max_iterations_reached' },
    });
    expect(await pipeline.redis.hget(`outcome-retry:${sessionId}`, 'sent')).toBe(String(MAX));
  });

  it('a worker killed between claiming a feedback and recording it: the next run sends it once if it never arrived, not again if it did', async () => {
    await pipeline.stopWorker();
    const lost = await startSession(pipeline, 1);
    const arrived = await startSession(pipeline, 1);
    for (const id of [lost, arrived]) {
      await until(
        () => eventsOf(pipeline, id, 'span.outcome_evaluation_end').length === 1,
        10_000,
        'the first failure',
      );
    }
    await pipeline.platform.settled();
    // What a killed worker leaves: the evaluation claimed and counted; for `arrived` the message
    // reached the session before the kill.
    for (const id of [lost, arrived]) {
      const evaluation = eventsOf(pipeline, id, 'span.outcome_evaluation_end')[0]!;
      await pipeline.redis.hset(`outcome-retry:${id}`, 'sent', '1', `eval:${evaluation.id}`, 'claimed');
    }
    await pipeline.client.beta.sessions.events.send(arrived, {
      events: [{ type: 'user.message', content: [{ type: 'text', text: FEEDBACK }] }],
    });
    // Run at once, while the agent is still on its next attempt (its evaluation is ≥ 300 ms away),
    // so the latest evaluation is the claimed one and only the event list tells it was answered.
    const evaluated = pipeline.platform.events.find(
      (e) => e.data.type === 'session.outcome_evaluation_ended' && e.data.id === arrived,
    ) as WebhookEventOf<'session.outcome_evaluation_ended'>;
    const handlers = outcomeRetryHandlers({
      client: pipeline.client,
      redis: pipeline.redis,
      alertWebhookUrl: 'http://127.0.0.1:9/unused',
      maxFeedback: MAX,
      log: () => {},
    });
    await handlers['session.outcome_evaluation_ended']!(evaluated);
    const first = eventsOf(pipeline, arrived, 'span.outcome_evaluation_end')[0]!;
    expect(eventsOf(pipeline, arrived, 'span.outcome_evaluation_end')).toHaveLength(1);
    expect(await pipeline.redis.hget(`outcome-retry:${arrived}`, `eval:${first.id}`)).toBe('sent');
    expect(feedbackSent(pipeline, arrived)).toEqual([FEEDBACK]);

    pipeline.startWorker();
    for (const id of [lost, arrived]) {
      await until(() => passed(pipeline, id), 15_000, `session ${id} to pass`);
      await pipeline.moreHints(id, 'after-crash');
    }
    await pipeline.quiet();
    expect(feedbackSent(pipeline, lost)).toEqual([FEEDBACK]);
    expect(feedbackSent(pipeline, arrived)).toEqual([FEEDBACK]);
  });
});

describe.skipIf(!hasRedis)(
  'examples/outcome-retry without the dedupe (outcomeRetryHandlers({ dedupe: false }))',
  () => {
    let pipeline: Pipeline;
    beforeAll(async () => {
      pipeline = await startPipeline(false, 32);
    });
    afterAll(async () => pipeline?.stop());

    it('sends the feedback for one failed evaluation more than once: what "exactly once" above catches', async () => {
      const sessionId = await startSession(pipeline, 1);
      await until(() => passed(pipeline, sessionId), 15_000, 'the outcome to pass');
      await pipeline.quiet();
      expect(feedbackSent(pipeline, sessionId).length).toBeGreaterThan(1);
    });

    it('alerts more than once past N: what "exactly one alert" above catches', async () => {
      const sessionId = await startSession(pipeline, 5);
      await until(() => alertsFor(pipeline, sessionId).length >= 1, 20_000, 'the alert');
      await pipeline.quiet();
      await pipeline.moreHints(sessionId, 'late');
      await pipeline.quiet();
      expect(alertsFor(pipeline, sessionId).length).toBeGreaterThan(1);
    });
  },
);
