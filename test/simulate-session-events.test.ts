// Sessions' event lists and scripted agents on the stand-in, driven by the real @anthropic-ai/sdk
// client: it builds the create / list / send requests and pages through the cursors itself, so a
// shape or path it does not expect fails here. idleReason and outcomeEvaluation then read the
// same lists, which proves the stand-in writes what the helpers (and the platform) expect.
import Anthropic from '@anthropic-ai/sdk';
import type {
  BetaManagedAgentsEventParams,
  BetaManagedAgentsSession,
  BetaManagedAgentsSessionEvent,
} from '@anthropic-ai/sdk/resources/beta/sessions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEvent, WebhookEventOf } from '../src/index.js';
import { idleReason, outcomeEvaluation } from '../src/resources/index.js';
import {
  createPlatform,
  startApiServer,
  startSimulator,
  type AgentScript,
  type ApiServer,
  type Platform,
  type SendableEvent,
  type SimulatedSession,
  type SimulatedSessionEvent,
} from '../src/simulate/index.js';
import { startTestReceiver } from './support/webhook-receiver.js';

// Compile-time: what the stand-in serves and takes is what the SDK declares.
export const asSdkEvent = (event: SimulatedSessionEvent): BetaManagedAgentsSessionEvent => event;
export const asSdkParams = (event: SendableEvent): BetaManagedAgentsEventParams => event;
export const asSdkSession = (session: SimulatedSession): BetaManagedAgentsSession => session;

let platform: Platform;
let api: ApiServer;
let client: Anthropic;

beforeAll(async () => {
  platform = createPlatform({ seed: 'session-events' });
  api = await startApiServer(platform);
  client = new Anthropic({ baseURL: api.url, apiKey: 'test', maxRetries: 0 });
});
afterAll(async () => {
  await platform.settled();
  await api.close();
});

const ENV = 'env_011Csimulated000000000000';
const say = (text: string) => ({ type: 'user.message' as const, content: [{ type: 'text' as const, text }] });

async function session(script: AgentScript): Promise<string> {
  const agent = platform.createAgent(script);
  const created = await client.beta.sessions.create({ agent: agent.id, environment_id: ENV });
  return created.id;
}

async function send(id: string, ...events: BetaManagedAgentsEventParams[]) {
  const sent = await client.beta.sessions.events.send(id, { events });
  await platform.settled();
  return sent;
}

async function allEvents(id: string, params: Anthropic.Beta.Sessions.EventListParams = {}) {
  const out: BetaManagedAgentsSessionEvent[] = [];
  for await (const event of client.beta.sessions.events.list(id, params)) out.push(event);
  return out;
}

/** The session's latest webhook of a type, narrowed as unwrap would give it. */
function lastWebhook<T extends WebhookEvent['data']['type']>(id: string, type: T): WebhookEventOf<T> {
  const found = platform.events.filter((e) => e.data.id === id && e.data.type === type).at(-1);
  if (found === undefined) throw new Error(`no ${type} webhook for ${id}`);
  return found as WebhookEventOf<T>;
}

const webhookTypes = (id: string) => platform.events.filter((e) => e.data.id === id).map((e) => e.data.type);
const types = (events: readonly { type: string }[]) => events.map((e) => e.type);
const textOf = (event: BetaManagedAgentsSessionEvent | undefined) =>
  event !== undefined && 'content' in event
    ? event.content?.map((b) => ('text' in b ? b.text : '')).join('')
    : undefined;

describe('create', () => {
  it('creates a session for a scripted agent, by id or as { type: agent, id }', async () => {
    const agent = platform.createAgent({ kind: 'finish', result: 'Done.' }, { name: 'Refunds' });
    const byId = await client.beta.sessions.create({ agent: agent.id, environment_id: ENV, title: 'Refund #1' });
    expect(byId).toMatchObject({
      type: 'session',
      status: 'idle',
      environment_id: ENV,
      title: 'Refund #1',
      agent: { id: agent.id, name: 'Refunds' },
    });
    expect(await client.beta.sessions.retrieve(byId.id)).toEqual(byId);
    const byRef = await client.beta.sessions.create({
      agent: { type: 'agent', id: agent.id },
      environment_id: ENV,
      metadata: { order: '1234' },
    });
    expect(byRef).toMatchObject({ agent: { id: agent.id }, metadata: { order: '1234' } });
    expect(webhookTypes(byRef.id)).toEqual(['session.created']);
  });

  it('plays initial_events as if sent right after creation', async () => {
    const agent = platform.createAgent({ kind: 'finish', result: 'Shipped.' });
    const { id } = await client.beta.sessions.create({
      agent: agent.id,
      environment_id: ENV,
      initial_events: [say('Ship it')],
    });
    await platform.settled();
    expect(types(await allEvents(id))).toEqual([
      'user.message',
      'session.status_running',
      'agent.message',
      'session.status_idle',
    ]);
  });

  it('answers an unknown agent with NotFoundError and a bad body with BadRequestError', async () => {
    const unknown = await client.beta.sessions.create({ agent: 'agent_011Cnope', environment_id: ENV }).catch((e) => e);
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    const agent = platform.createAgent({ kind: 'finish', result: 'x' });
    const noEnv = await client.beta.sessions
      .create({ agent: agent.id } as Anthropic.Beta.Sessions.SessionCreateParams)
      .catch((e) => e);
    expect(noEnv).toBeInstanceOf(Anthropic.BadRequestError);
    expect((noEnv as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringContaining('environment_id') },
    });
  });
});

describe('finish script', () => {
  it('runs, answers with its result and goes idle end_turn, with the webhooks of each change', async () => {
    const id = await session({ kind: 'finish', result: 'Refund issued.' });
    const sent = await send(id, say('Refund order #1234'));
    expect(sent.data).toEqual([expect.objectContaining({ type: 'user.message', id: expect.stringMatching(/^sevt_/) })]);
    const events = await allEvents(id);
    expect(types(events)).toEqual(['user.message', 'session.status_running', 'agent.message', 'session.status_idle']);
    expect(textOf(events[2])).toBe('Refund issued.');
    expect(events[3]).toMatchObject({ stop_reason: { type: 'end_turn' }, stop_details: null });
    expect(webhookTypes(id)).toEqual(['session.created', 'session.status_run_started', 'session.status_idled']);
    expect((await client.beta.sessions.retrieve(id)).status).toBe('idle');
    const why = await idleReason(client, lastWebhook(id, 'session.status_idled'));
    expect(why).toMatchObject({ reason: 'end_turn', idle: { id: events[3]!.id } });
  });

  it('reacts after send returns, not inside it', () => {
    const agent = platform.createAgent({ kind: 'finish', result: 'Later.' });
    const { id } = platform.createSession({ agent: agent.id });
    platform.sendEvents(id, [say('now?')]);
    expect(types(platform.sessionEvents(id))).toEqual(['user.message']);
    expect(platform.getSession(id)?.status).toBe('idle');
  });
});

describe('approval script', () => {
  const script: AgentScript = {
    kind: 'approval',
    tool: { name: 'bash', input: { command: 'rm -rf build' } },
    result: 'Cleaned the build.',
    toolResult: 'removed 12 files',
  };

  async function waitingSession() {
    const id = await session(script);
    await send(id, say('Clean the build'));
    const why = await idleReason(client, lastWebhook(id, 'session.status_idled'));
    if (why.reason !== 'requires_action') throw new Error(`expected requires_action, got ${why.reason}`);
    return { id, why };
  }

  it('asks for confirmation: idle requires_action naming its agent.tool_use, which idleReason finds', async () => {
    const { id, why } = await waitingSession();
    expect(why.pending).toEqual([
      expect.objectContaining({
        type: 'agent.tool_use',
        name: 'bash',
        input: { command: 'rm -rf build' },
        evaluated_permission: 'ask',
      }),
    ]);
    expect(why.unresolved).toEqual([]);
    expect(why.idle.stop_reason.event_ids).toEqual([why.pending[0]!.id]);
    expect(webhookTypes(id)).toEqual(['session.created', 'session.status_run_started', 'session.status_idled']);
  });

  it('allow: runs the tool, answers with its result, idle end_turn', async () => {
    const { id, why } = await waitingSession();
    const toolUseId = why.pending[0]!.id;
    await send(id, { type: 'user.tool_confirmation', result: 'allow', tool_use_id: toolUseId });
    const events = await allEvents(id);
    expect(types(events).slice(4)).toEqual([
      'user.tool_confirmation',
      'session.status_running',
      'agent.tool_result',
      'agent.message',
      'session.status_idle',
    ]);
    expect(events[6]).toMatchObject({ tool_use_id: toolUseId, is_error: false });
    expect(textOf(events[6])).toBe('removed 12 files');
    expect(textOf(events[7])).toBe('Cleaned the build.');
    // The first idle webhook, handled late, now reads the state as it is: the turn ended.
    const first = platform.events.find((e) => e.data.id === id && e.data.type === 'session.status_idled');
    expect(await idleReason(client, first as WebhookEventOf<'session.status_idled'>)).toMatchObject({
      reason: 'end_turn',
    });
    expect(webhookTypes(id).filter((t) => t === 'session.status_idled')).toHaveLength(2);
  });

  it('deny: the tool does not run, the agent says it stopped, idle end_turn', async () => {
    const { id, why } = await waitingSession();
    await send(id, {
      type: 'user.tool_confirmation',
      result: 'deny',
      tool_use_id: why.pending[0]!.id,
      deny_message: 'Not on Fridays.',
    });
    const events = await allEvents(id, { order: 'desc', limit: 3 }).then((all) => all.slice(0, 3));
    expect(types(events)).toEqual(['session.status_idle', 'agent.message', 'agent.tool_result']);
    expect(textOf(events[1])).toBe('Stopped: bash was not run (denied).');
    expect(events[2]).toMatchObject({ is_error: true });
    expect(textOf(events[2])).toBe('Not on Fridays.');
    expect(await idleReason(client, lastWebhook(id, 'session.status_idled'))).toMatchObject({ reason: 'end_turn' });
  });

  it('refuses a confirmation that answers no waiting tool use with a 400, recording nothing', async () => {
    const { id, why } = await waitingSession();
    const before = platform.sessionEvents(id).length;
    const bad = await client.beta.sessions.events
      .send(id, { events: [{ type: 'user.tool_confirmation', result: 'allow', tool_use_id: 'sevt_011Cnothing' }] })
      .catch((e) => e);
    expect(bad).toBeInstanceOf(Anthropic.BadRequestError);
    expect((bad as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({
      error: { type: 'invalid_request_error', message: expect.stringContaining('sevt_011Cnothing') },
    });
    // The same tool use answered twice in one request: the whole request is refused.
    const confirm = {
      type: 'user.tool_confirmation' as const,
      result: 'allow' as const,
      tool_use_id: why.pending[0]!.id,
    };
    const twice = await client.beta.sessions.events.send(id, { events: [confirm, confirm] }).catch((e) => e);
    expect(twice).toBeInstanceOf(Anthropic.BadRequestError);
    expect(platform.sessionEvents(id)).toHaveLength(before);
    // Answered once, it is no longer waiting.
    await send(id, confirm);
    expect(await client.beta.sessions.events.send(id, { events: [confirm] }).catch((e) => e)).toBeInstanceOf(
      Anthropic.BadRequestError,
    );
  });
});

describe('outcome script', () => {
  it('fails the first attempts with the grader feedback, then passes; outcomeEvaluation reads each', async () => {
    const id = await session({
      kind: 'outcome',
      failures: 2,
      feedback: 'Cite the order number.',
      result: 'Order #1234 ships today.',
    });
    await send(id, {
      type: 'user.define_outcome',
      description: 'Answer the customer',
      rubric: { type: 'text', content: 'Cites the order number.' },
    });
    const [defined] = platform.sessionEvents(id);
    expect(defined).toMatchObject({ type: 'user.define_outcome', outcome_id: expect.stringMatching(/^outc_/) });
    const outcomeId = (defined as { outcome_id: string }).outcome_id;
    const verdicts: unknown[] = [];
    let message = say('Where is my order?');
    for (let attempt = 0; attempt < 3; attempt++) {
      await send(id, message);
      const result = await outcomeEvaluation(client, lastWebhook(id, 'session.outcome_evaluation_ended'));
      if (result.status !== 'ended') throw new Error(`attempt ${attempt}: ${result.status}`);
      verdicts.push([result.evaluation.iteration, result.verdict, result.passed, result.final, result.feedback]);
      expect(result.evaluation.outcome_id).toBe(outcomeId);
      message = say(result.feedback);
    }
    expect(verdicts).toEqual([
      [0, 'max_iterations_reached', false, true, 'Cite the order number.'],
      [1, 'max_iterations_reached', false, true, 'Cite the order number.'],
      [2, 'satisfied', true, true, 'Every criterion of the rubric is met.'],
    ]);
    const events = await allEvents(id);
    expect(types(events).slice(-6)).toEqual([
      'user.message',
      'session.status_running',
      'agent.message',
      'span.outcome_evaluation_start',
      'span.outcome_evaluation_end',
      'session.status_idle',
    ]);
    expect(textOf(events.at(-4))).toBe('Order #1234 ships today.');
    const [start, end] = events.slice(-3, -1);
    expect(end).toMatchObject({ outcome_evaluation_start_id: start!.id, iteration: 2 });
    expect(webhookTypes(id).filter((t) => t === 'session.outcome_evaluation_ended')).toHaveLength(3);
    expect((await client.beta.sessions.retrieve(id)).outcome_evaluations).toEqual([
      expect.objectContaining({
        outcome_id: outcomeId,
        iteration: 2,
        result: 'satisfied',
        description: 'Answer the customer',
      }),
    ]);
    expect(await idleReason(client, lastWebhook(id, 'session.status_idled'))).toMatchObject({ reason: 'end_turn' });
  });

  it('defines an outcome itself when none was sent, and can fail with needs_revision', async () => {
    const id = await session({
      kind: 'outcome',
      failures: 1,
      feedback: 'Too short.',
      result: 'ok',
      verdict: 'needs_revision',
    });
    await send(id, say('Write it'));
    const result = await outcomeEvaluation(client, lastWebhook(id, 'session.outcome_evaluation_ended'));
    expect(result).toMatchObject({ status: 'ended', verdict: 'needs_revision', passed: false, final: false });
  });
});

describe('retries_exhausted script', () => {
  it('goes idle with stop_reason retries_exhausted', async () => {
    const id = await session({ kind: 'retries_exhausted' });
    await send(id, say('Try'));
    expect(await idleReason(client, lastWebhook(id, 'session.status_idled'))).toMatchObject({
      reason: 'retries_exhausted',
    });
  });
});

describe('list', () => {
  let id: string;
  let log: SimulatedSessionEvent[];
  beforeAll(async () => {
    id = await session({ kind: 'finish', result: 'Done.' });
    for (let i = 0; i < 6; i++) await send(id, say(`message ${i}`));
    log = platform.sessionEvents(id);
  });

  it('has ids and strictly increasing processed_at', () => {
    expect(log).toHaveLength(24);
    expect(new Set(log.map((e) => e.id)).size).toBe(24);
    for (let i = 1; i < log.length; i++) expect(log[i]!.processed_at > log[i - 1]!.processed_at).toBe(true);
  });

  it('pages through more than one page, oldest first by default, newest first with order desc', async () => {
    const requests = api.requests.byRoute['GET /v1/sessions/{session_id}/events'] ?? 0;
    expect(await allEvents(id, { limit: 5 })).toEqual(log);
    expect(api.requests.byRoute['GET /v1/sessions/{session_id}/events']).toBe(requests + 5);
    expect(await allEvents(id, { limit: 7, order: 'desc' })).toEqual([...log].reverse());
    const first = await client.beta.sessions.events.list(id, { limit: 1, order: 'desc' });
    expect(first.data).toEqual([log.at(-1)]);
    expect(first.hasNextPage()).toBe(true);
  });

  it('filters by types[] and by created_at bounds on processed_at', async () => {
    const messages = await allEvents(id, { types: ['agent.message', 'session.status_idle'], limit: 4 });
    expect(messages).toEqual(log.filter((e) => e.type === 'agent.message' || e.type === 'session.status_idle'));
    const after = log[10]!.processed_at;
    expect(await allEvents(id, { 'created_at[gt]': after, limit: 100 })).toEqual(log.slice(11));
  });

  it('refuses a bad limit, order or page cursor with a 400, and an unknown session with a 404', async () => {
    for (const params of [{ limit: 0 }, { limit: 101 }, { order: 'sideways' }, { page: 'not-a-cursor' }]) {
      const error = await client.beta.sessions.events
        .list(id, params as Anthropic.Beta.Sessions.EventListParams)
        .catch((e) => e);
      expect(error, JSON.stringify(params)).toBeInstanceOf(Anthropic.BadRequestError);
    }
    expect(await client.beta.sessions.events.list('sesn_011Cnope').catch((e) => e)).toBeInstanceOf(
      Anthropic.NotFoundError,
    );
  });
});

describe('send refusals', () => {
  it('404s an unknown session as the SDK NotFoundError', async () => {
    const error = await client.beta.sessions.events.send('sesn_011Cnope', { events: [say('hi')] }).catch((e) => e);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error' },
    });
  });

  it('400s a malformed body with the field at fault, and records nothing', async () => {
    const id = await session({ kind: 'finish', result: 'x' });
    const cases: Array<[unknown, string]> = [
      [{}, 'events'],
      [{ events: [] }, 'events'],
      [{ events: [{ type: 'user.shout' }] }, 'events.0.type'],
      [{ events: [say('ok'), { type: 'user.message', content: 'text' }] }, 'events.1.content'],
      [{ events: [{ type: 'user.tool_confirmation', result: 'maybe', tool_use_id: 'x' }] }, 'events.0.result'],
    ];
    for (const [body, field] of cases) {
      const error = await client.beta.sessions.events
        .send(id, body as Anthropic.Beta.Sessions.EventSendParams)
        .catch((e) => e);
      expect(error, JSON.stringify(body)).toBeInstanceOf(Anthropic.BadRequestError);
      expect((error as InstanceType<typeof Anthropic.BadRequestError>).message).toContain(field);
    }
    const raw = await fetch(`${api.url}/v1/sessions/${id}/events`, {
      method: 'POST',
      headers: { 'x-api-key': 'test', 'content-type': 'application/json' },
      body: '{"events": [',
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(platform.sessionEvents(id)).toEqual([]);
  });

  it('400s events for a terminated session', async () => {
    const id = await session({ kind: 'finish', result: 'x' });
    platform.setSessionStatus(id, 'terminated');
    expect(await client.beta.sessions.events.send(id, { events: [say('hi')] }).catch((e) => e)).toBeInstanceOf(
      Anthropic.BadRequestError,
    );
  });
});

describe('platform', () => {
  it('refuses a bad script, bad events and a bad step with the library error, naming the fix', () => {
    const p = createPlatform({ seed: 1 });
    expect(() => p.createAgent({ kind: 'guess' } as unknown as AgentScript)).toThrow(
      expect.objectContaining({ code: 'invalid_options', message: expect.stringContaining('script.kind') }),
    );
    expect(() => p.createAgent({ kind: 'outcome', failures: -1, feedback: '', result: '' })).toThrow(/failures/);
    expect(() => p.createSession({ agent: 'agent_011Cnope' })).toThrow(/createAgent/);
    const { id } = p.createSession({ agent: p.createAgent({ kind: 'finish', result: 'x' }).id });
    expect(() => p.sendEvents(id, [{ type: 'user.message', content: [] }])).toThrow(
      expect.objectContaining({ code: 'invalid_options', message: expect.stringContaining('events.0.content') }),
    );
    expect(() => createPlatform({ agentStepMs: -1 })).toThrow(/agentStepMs/);
  });

  it('names events, agents and outcomes the same way for the same seed, and sessions as before agents existed', async () => {
    const run = async () => {
      const p = createPlatform({ seed: 'replay' });
      const plain = p.createSession().id;
      const agent = p.createAgent({ kind: 'outcome', failures: 1, feedback: 'More.', result: 'Done.' });
      const { id } = p.createSession({ agent: agent.id });
      p.sendEvents(id, [say('a')]);
      await p.settled();
      p.sendEvents(id, [say('b')]);
      await p.settled();
      return { plain, agent: agent.id, id, events: p.sessionEvents(id).map((e) => e.id) };
    };
    const [first, second] = [await run(), await run()];
    expect(second).toEqual(first);
    expect(first.events).toHaveLength(12);
    const before = createPlatform({ seed: 'replay' });
    expect([before.createSession().id, before.createSession().id]).toEqual([first.plain, first.id]);
  });
});

describe('startSimulator', () => {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const thing of open.splice(0).reverse()) await thing.close();
  });

  it("delivers the agents' webhooks through the sender, with its chaos knobs", async () => {
    const secret = 'whsec_' + Buffer.from('session-events-simulator-secret!').toString('base64');
    const receiver = await startTestReceiver(secret);
    open.push(receiver);
    const sim = await startSimulator({ target: receiver.url, secret, seed: 3, duplicateRate: 1, timeScale: 0.001 });
    open.push(sim);
    const agent = sim.platform.createAgent({ kind: 'outcome', failures: 0, feedback: '-', result: 'Done.' });
    const sdk = new Anthropic({ baseURL: sim.url, apiKey: 'test', maxRetries: 0 });
    const { id } = await sdk.beta.sessions.create({
      agent: agent.id,
      environment_id: ENV,
      initial_events: [say('Go')],
    });
    await sim.platform.settled();
    expect(await sim.sender?.drain(10_000)).toBe(true);
    const emitted = sim.platform.events.filter((e) => e.data.id === id).map((e) => e.data.type);
    expect(emitted).toEqual([
      'session.created',
      'session.status_run_started',
      'session.outcome_evaluation_ended',
      'session.status_idled',
    ]);
    const got = receiver.received.filter((r) => r.event?.data.id === id).map((r) => r.event!.data.type);
    // duplicateRate 1: every event arrives twice, each verified.
    expect([...got].sort()).toEqual([...emitted, ...emitted].sort());
    expect(receiver.received.every((r) => r.refused === undefined)).toBe(true);
  });
});
