// outcomeEvaluation with the real @anthropic-ai/sdk client against a loopback stub serving a
// session's event log as GET /v1/sessions/{id}/events does (types[], order, limit, page).
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSampleEvent, type WebhookEventOf } from '../src/index.js';
import { outcomeEvaluation, type SessionEventsClient } from '../src/resources/index.js';
import { startSdkStub, type SdkStubServer } from './support/sdk-stub-server.js';
import { eventLog, eventLogResponder, USAGE } from './support/session-event-log.js';

const SESSION = 'sesn_011CZkZAtmR3yMPDzynEDxu7';
const WORKSPACE = 'wrkspc_011CZkZaBF1tNoB5wlCeusgy';
const OUTCOME = 'outc_011CZkZc5Qm1Q6fM3hVb7yTn';

let stub: SdkStubServer;
let client: Anthropic;

beforeAll(async () => {
  stub = await startSdkStub();
  client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: stub.url, maxRetries: 0 });
});
afterAll(async () => stub.close());
beforeEach(() => {
  stub.requests.length = 0;
});

function ended(): WebhookEventOf<'session.outcome_evaluation_ended'> {
  const event = createSampleEvent('session.outcome_evaluation_ended', { seed: 'outcome' });
  return { ...event, data: { ...event.data, id: SESSION, workspace_id: WORKSPACE } };
}

// An outcome defined, the agent working, then evaluation cycles with the given verdicts.
function evaluations(...results: string[]) {
  const log = eventLog();
  log.add({
    type: 'user.define_outcome',
    outcome_id: OUTCOME,
    description: 'A migration guide for v2 covering every breaking change.',
    rubric: { type: 'text', content: 'Lists each breaking change with a before/after example.' },
    max_iterations: 3,
  });
  log.add({ type: 'session.status_running' });
  const ends = results.map((result, iteration) => {
    log.add({ type: 'agent.message', content: [{ type: 'text', text: `Draft ${iteration + 1} written.` }] });
    const start = log.add({ type: 'span.outcome_evaluation_start', outcome_id: OUTCOME, iteration });
    log.add({ type: 'span.outcome_evaluation_ongoing', outcome_id: OUTCOME, iteration });
    return log.add({
      type: 'span.outcome_evaluation_end',
      outcome_id: OUTCOME,
      outcome_evaluation_start_id: start.id,
      iteration,
      result,
      explanation:
        result === 'satisfied'
          ? 'Every breaking change is covered with an example.'
          : 'The guide omits the removed `legacyAuth` option and has no example for the renamed `timeoutMs`.',
      usage: USAGE,
    });
  });
  log.add({ type: 'session.status_idle', stop_reason: { type: 'end_turn' }, stop_details: null });
  stub.respond = eventLogResponder({ [SESSION]: log.events });
  return ends;
}

describe('session.outcome_evaluation_ended', () => {
  it('satisfied: passed and final, with the latest evaluation, in one request', async () => {
    const [, last] = evaluations('needs_revision', 'satisfied');
    await expect(outcomeEvaluation(client, ended())).resolves.toEqual({
      status: 'ended',
      evaluation: last,
      verdict: 'satisfied',
      passed: true,
      final: true,
      feedback: 'Every breaking change is covered with an example.',
    });
    expect(stub.requests).toHaveLength(1);
    const [request] = stub.requests;
    const url = new URL(request?.url ?? '', 'http://stub');
    expect(url.pathname).toBe(`/v1/sessions/${SESSION}/events`);
    expect(url.searchParams.get('order')).toBe('desc');
    expect(url.searchParams.get('limit')).toBe('1');
    expect(url.searchParams.getAll('types[]')).toEqual(['span.outcome_evaluation_end']);
    expect(request?.headers['anthropic-workspace-id']).toBe(WORKSPACE);
    expect(request?.headers['anthropic-beta']).toBe('managed-agents-2026-04-01');
  });

  it.each([
    ['needs_revision', false],
    ['max_iterations_reached', true],
    ['failed', true],
    ['interrupted', true],
  ] as const)('%s: not passed, final %s, with the grader feedback', async (verdict, final) => {
    const [evaluation] = evaluations(verdict);
    await expect(outcomeEvaluation(client, ended())).resolves.toEqual({
      status: 'ended',
      evaluation,
      verdict,
      passed: false,
      final,
      feedback: 'The guide omits the removed `legacyAuth` option and has no example for the renamed `timeoutMs`.',
    });
  });

  it('by ids ({ sessionId, workspaceId }), where no webhook is at hand: the same answer and request', async () => {
    evaluations('failed');
    const byEvent = await outcomeEvaluation(client, ended());
    const byIds = await outcomeEvaluation(client, { sessionId: SESSION, workspaceId: WORKSPACE });
    expect(byIds).toEqual(byEvent);
    expect(byIds).toMatchObject({ status: 'ended', verdict: 'failed' });
    expect(stub.requests[1]?.url).toBe(stub.requests[0]?.url);
    expect(stub.requests[1]?.headers['anthropic-workspace-id']).toBe(WORKSPACE);
    await expect(outcomeEvaluation(client, { sessionId: '' })).rejects.toThrow(/outcomeEvaluation: expected sessionId/);
    expect(stub.requests).toHaveLength(2);
  });

  it('a verdict newer than the SDK is unknown: neither passed nor final, the raw value kept', async () => {
    const [evaluation] = evaluations('escalated_to_human');
    const result = await outcomeEvaluation(client, ended());
    expect(result).toMatchObject({ status: 'ended', verdict: 'unknown', passed: false, final: false });
    expect(result.status === 'ended' && result.evaluation).toEqual(evaluation);
    expect(evaluation?.result).toBe('escalated_to_human');
  });

  it('no evaluation-end event is not_found', async () => {
    evaluations();
    await expect(outcomeEvaluation(client, ended())).resolves.toEqual({ status: 'not_found' });
    expect(stub.requests).toHaveLength(1);
  });

  it('a 404 is gone', async () => {
    stub.respond = eventLogResponder({});
    await expect(outcomeEvaluation(client, ended())).resolves.toEqual({ status: 'gone' });
    expect(stub.requests).toHaveLength(1);
  });

  it('a 500 rejects with the SDK error; options reach the request', async () => {
    stub.respond = () => ({ status: 500, body: { type: 'error', error: { type: 'api_error', message: 'boom' } } });
    await expect(outcomeEvaluation(client, ended(), { headers: { 'x-trace-id': 't-2' } })).rejects.toBeInstanceOf(
      Anthropic.InternalServerError,
    );
    expect(stub.requests[0]?.headers['x-trace-id']).toBe('t-2');
    const controller = new AbortController();
    controller.abort();
    await expect(outcomeEvaluation(client, ended(), { signal: controller.signal })).rejects.toBeInstanceOf(
      Anthropic.APIUserAbortError,
    );
  });

  it('another event type, or a client without beta.sessions.events.list, is a TypeError before any request', async () => {
    await expect(outcomeEvaluation(client, createSampleEvent('session.status_idled') as never)).rejects.toThrow(
      /expected a session\.outcome_evaluation_ended event.*idleReason/,
    );
    await expect(outcomeEvaluation({} as SessionEventsClient, ended())).rejects.toThrow(/beta\.sessions\.events\.list/);
    expect(stub.requests).toHaveLength(0);
  });
});
