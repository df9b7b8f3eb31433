// idleReason with the real @anthropic-ai/sdk client pointed (baseURL) at a loopback stub that
// serves a session's event log the way the API documents GET /v1/sessions/{id}/events (types[],
// order, limit, page cursor), and counts the requests.
import Anthropic from '@anthropic-ai/sdk';
import type { BetaManagedAgentsSessionEvent } from '@anthropic-ai/sdk/resources/beta/sessions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSampleEvent, type WebhookEventOf } from '../src/index.js';
import { idleReason, type SessionEventsClient } from '../src/resources/index.js';
import { startSdkStub, type SdkStubServer } from './support/sdk-stub-server.js';
import { eventLog, eventLogResponder } from './support/session-event-log.js';

const SESSION = 'sesn_011CZkZAtmR3yMPDzynEDxu7';
const THREAD = 'sthr_011CZkZVWa6oJjw1rgXZpnBt';
const OTHER_THREAD = 'sthr_011CZkZVWa6oJjw1rgXZzzzz';
const WORKSPACE = 'wrkspc_011CZkZaBF1tNoB5wlCeusgy';

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

function idled(): WebhookEventOf<'session.status_idled'> {
  const event = createSampleEvent('session.status_idled', { seed: 'idle' });
  return { ...event, data: { ...event.data, id: SESSION, workspace_id: WORKSPACE } };
}

function threadIdled(): WebhookEventOf<'session.thread_idled'> {
  const event = createSampleEvent('session.thread_idled', { seed: 'idle' });
  return { ...event, data: { ...event.data, id: SESSION, session_thread_id: THREAD, workspace_id: WORKSPACE } };
}

function serve(events: readonly BetaManagedAgentsSessionEvent[], pageSize?: number): void {
  stub.respond = eventLogResponder({ [SESSION]: events }, pageSize === undefined ? {} : { pageSize });
}

// A turn as the platform records it: the user's message, the agent running, a built-in tool that
// ran on its own (always_allow), then the calls that wait for the client.
function turn() {
  const log = eventLog();
  log.add({ type: 'user.message', content: [{ type: 'text', text: 'Deploy the fix to staging.' }] });
  log.add({ type: 'session.status_running' });
  log.add({ type: 'agent.message', content: [{ type: 'text', text: 'Running the tests first.' }] });
  const ran = log.add({
    type: 'agent.tool_use',
    name: 'bash',
    input: { command: 'npm test' },
    evaluated_permission: 'allow',
    evaluation: { type: 'always_allow' },
  });
  log.add({ type: 'agent.tool_result', tool_use_id: ran.id, content: [{ type: 'text', text: '42 passed' }] });
  return log;
}

describe('session.status_idled', () => {
  it('requires_action: the pending tool-use events it names, typed and whole, in one request', async () => {
    const log = turn();
    const ask = log.add({
      type: 'agent.tool_use',
      name: 'bash',
      input: { command: 'kubectl rollout restart deploy/api -n staging' },
      evaluated_permission: 'ask',
      evaluation: { type: 'always_ask' },
    });
    const custom = log.add({ type: 'agent.custom_tool_use', name: 'open_ticket', input: { title: 'Deploy' } });
    const idle = log.add({
      type: 'session.status_idle',
      stop_reason: { type: 'requires_action', event_ids: [ask.id, custom.id] },
      stop_details: null,
    });
    serve(log.events);

    const why = await idleReason(client, idled());
    expect(why).toEqual({ reason: 'requires_action', idle, pending: [ask, custom], unresolved: [] });
    expect(stub.requests).toHaveLength(1);

    const [request] = stub.requests;
    const url = new URL(request?.url ?? '', 'http://stub');
    expect(url.pathname).toBe(`/v1/sessions/${SESSION}/events`);
    expect(url.searchParams.get('order')).toBe('desc');
    expect(url.searchParams.get('limit')).toBe('100');
    expect(url.searchParams.getAll('types[]').sort()).toEqual(
      [
        'agent.custom_tool_use',
        'agent.mcp_tool_use',
        'agent.tool_use',
        'session.status_idle',
        'session.status_rescheduled',
        'session.status_running',
        'session.status_terminated',
      ].sort(),
    );
    expect(request?.headers['anthropic-workspace-id']).toBe(WORKSPACE);
    expect(request?.headers['anthropic-beta']).toBe('managed-agents-2026-04-01');
  });

  it('requires_action on an MCP tool', async () => {
    const log = turn();
    const mcp = log.add({
      type: 'agent.mcp_tool_use',
      name: 'create_issue',
      mcp_server_name: 'github',
      input: { repo: 'acme/api', title: 'Flaky test' },
      evaluated_permission: 'ask',
    });
    const idle = log.add({
      type: 'session.status_idle',
      stop_reason: { type: 'requires_action', event_ids: [mcp.id] },
      stop_details: null,
    });
    serve(log.events);
    await expect(idleReason(client, idled())).resolves.toEqual({
      reason: 'requires_action',
      idle,
      pending: [mcp],
      unresolved: [],
    });
    expect(stub.requests).toHaveLength(1);
  });

  it('answers from the latest idle event: a re-emitted one with the remaining call', async () => {
    const log = turn();
    const first = log.add({ type: 'agent.tool_use', name: 'write', input: { path: 'a' }, evaluated_permission: 'ask' });
    const second = log.add({
      type: 'agent.tool_use',
      name: 'write',
      input: { path: 'b' },
      evaluated_permission: 'ask',
    });
    log.add({
      type: 'session.status_idle',
      stop_reason: { type: 'requires_action', event_ids: [first.id, second.id] },
      stop_details: null,
    });
    log.add({ type: 'user.tool_confirmation', tool_use_id: first.id, result: 'allow' });
    const latest = log.add({
      type: 'session.status_idle',
      stop_reason: { type: 'requires_action', event_ids: [second.id] },
      stop_details: null,
    });
    serve(log.events);
    await expect(idleReason(client, idled())).resolves.toEqual({
      reason: 'requires_action',
      idle: latest,
      pending: [second],
      unresolved: [],
    });
  });

  it.each([
    ['end_turn', { type: 'end_turn' }, null],
    ['retries_exhausted', { type: 'retries_exhausted' }, null],
    ['budget_reached', { type: 'budget_reached' }, null],
    ['refusal', { type: 'refusal' }, { type: 'refusal', category: 'cyber', explanation: 'Declined.' }],
  ] as const)('%s, in one request', async (reason, stop_reason, stop_details) => {
    const log = turn();
    log.add({ type: 'agent.message', content: [{ type: 'text', text: 'Done.' }] });
    const idle = log.add({ type: 'session.status_idle', stop_reason, stop_details });
    serve(log.events);
    await expect(idleReason(client, idled())).resolves.toEqual({ reason, idle });
    expect(stub.requests).toHaveLength(1);
  });

  it('a stop_reason newer than the SDK is unknown, with the idle event', async () => {
    const log = turn();
    const idle = log.add({
      type: 'session.status_idle',
      stop_reason: { type: 'paused_for_review', review_id: 'rev_1' } as never,
      stop_details: null,
    });
    serve(log.events);
    await expect(idleReason(client, idled())).resolves.toEqual({ reason: 'unknown', idle });
    expect(stub.requests).toHaveLength(1);
  });

  it('no idle event at all is unknown with idle null, in one request when there is no next page', async () => {
    const log = eventLog();
    log.add({ type: 'user.message', content: [{ type: 'text', text: 'Hello' }] });
    log.add({ type: 'agent.custom_tool_use', name: 'lookup', input: {} });
    serve(log.events);
    await expect(idleReason(client, idled())).resolves.toEqual({ reason: 'unknown', idle: null });
    expect(stub.requests).toHaveLength(1);
  });

  it('a newer status event than the idle one is not_idle: the state the webhook reported has passed', async () => {
    const log = turn();
    const ask = log.add({ type: 'agent.tool_use', name: 'bash', input: { command: 'rm -rf build' } });
    log.add({
      type: 'session.status_idle',
      stop_reason: { type: 'requires_action', event_ids: [ask.id] },
      stop_details: null,
    });
    log.add({ type: 'user.tool_confirmation', tool_use_id: ask.id, result: 'allow' });
    const running = log.add({ type: 'session.status_running' });
    serve(log.events);
    await expect(idleReason(client, idled())).resolves.toEqual({ reason: 'not_idle', status: running });
    expect(stub.requests).toHaveLength(1);
  });

  it('session.requires_action and session.idled are answered the same way', async () => {
    const log = turn();
    const idle = log.add({ type: 'session.status_idle', stop_reason: { type: 'end_turn' }, stop_details: null });
    serve(log.events);
    const requiresAction = createSampleEvent('session.requires_action');
    const sessionIdled = createSampleEvent('session.idled');
    for (const event of [
      { ...requiresAction, data: { ...requiresAction.data, id: SESSION } },
      { ...sessionIdled, data: { ...sessionIdled.data, id: SESSION } },
    ]) {
      await expect(idleReason(client, event)).resolves.toEqual({ reason: 'end_turn', idle });
    }
    expect(stub.requests).toHaveLength(2);
  });
});

describe('two requests at most', () => {
  // Many calls that ran on their own between the one waiting and the idle event: with the server
  // returning 3 events a page, the waiting call is on the second page.
  function busyTurn(autoCalls: number) {
    const log = turn();
    const ask = log.add({
      type: 'agent.tool_use',
      name: 'bash',
      input: { command: 'terraform apply' },
      evaluated_permission: 'ask',
      evaluation: { type: 'always_ask' },
    });
    for (let i = 0; i < autoCalls; i++) {
      const call = log.add({ type: 'agent.tool_use', name: 'read', input: { path: `src/${i}.ts` } });
      log.add({ type: 'agent.tool_result', tool_use_id: call.id, content: [] });
    }
    const idle = log.add({
      type: 'session.status_idle',
      stop_reason: { type: 'requires_action', event_ids: [ask.id] },
      stop_details: null,
    });
    return { log, ask, idle };
  }

  it('the pending call on the next page: a second request with the cursor finds it', async () => {
    const { log, ask, idle } = busyTurn(4);
    serve(log.events, 3);
    const answered: Array<{ next_page?: string | null }> = [];
    const respond = stub.respond;
    stub.respond = (request) => {
      const answer = respond(request);
      answered.push(answer.body as { next_page?: string | null });
      return answer;
    };
    await expect(idleReason(client, idled())).resolves.toEqual({
      reason: 'requires_action',
      idle,
      pending: [ask],
      unresolved: [],
    });
    expect(stub.requests).toHaveLength(2);
    const second = new URL(stub.requests[1]?.url ?? '', 'http://stub');
    // The cursor the first answer gave, passed back as it came.
    expect(answered[0]?.next_page).toEqual(expect.any(String));
    expect(second.searchParams.get('page')).toBe(answered[0]?.next_page);
    expect(second.searchParams.get('order')).toBe('desc');
    expect(second.searchParams.getAll('types[]')).toHaveLength(7);
    expect(stub.requests[1]?.headers['anthropic-workspace-id']).toBe(WORKSPACE);
  });

  it('a pending call further back than two pages stays unresolved, after exactly two requests', async () => {
    const { log, ask, idle } = busyTurn(10);
    serve(log.events, 3);
    await expect(idleReason(client, idled())).resolves.toEqual({
      reason: 'requires_action',
      idle,
      pending: [],
      unresolved: [ask.id],
    });
    expect(stub.requests).toHaveLength(2);
  });

  it('an idle event only on the second page is found there', async () => {
    const log = turn();
    const idle = log.add({
      type: 'session.thread_status_idle',
      session_thread_id: THREAD,
      agent_name: 'reviewer',
      stop_reason: { type: 'end_turn' },
      stop_details: null,
    });
    // Another thread, busy since: its events are newer.
    for (let i = 0; i < 3; i++) {
      log.add({ type: 'session.thread_status_running', session_thread_id: OTHER_THREAD, agent_name: 'tester' });
      log.add({
        type: 'agent.tool_use',
        name: 'bash',
        input: { command: `npm test -- ${i}` },
        evaluated_permission: 'ask',
        session_thread_id: OTHER_THREAD,
      });
    }
    serve(log.events, 4);
    await expect(idleReason(client, threadIdled())).resolves.toEqual({ reason: 'end_turn', idle });
    expect(stub.requests).toHaveLength(2);
  });

  it('never a third request, even with pages left and nothing found', async () => {
    const log = eventLog();
    for (let i = 0; i < 50; i++) log.add({ type: 'agent.tool_use', name: 'read', input: { path: `${i}` } });
    serve(log.events, 5);
    await expect(idleReason(client, idled())).resolves.toEqual({ reason: 'unknown', idle: null });
    expect(stub.requests).toHaveLength(2);
  });
});

describe('session.thread_idled', () => {
  it("reads the thread's status events and the calls cross-posted from it, from the session's list", async () => {
    const log = turn();
    log.add({
      type: 'session.thread_created',
      session_thread_id: THREAD,
      agent_name: 'deployer',
      workflow_run_id: null,
    });
    log.add({ type: 'session.thread_status_running', session_thread_id: THREAD, agent_name: 'deployer' });
    const ask = log.add({
      type: 'agent.tool_use',
      name: 'bash',
      input: { command: 'helm upgrade api ./chart' },
      evaluated_permission: 'ask',
      evaluation: { type: 'always_ask' },
      session_thread_id: THREAD,
    });
    const idle = log.add({
      type: 'session.thread_status_idle',
      session_thread_id: THREAD,
      agent_name: 'deployer',
      stop_reason: { type: 'requires_action', event_ids: [ask.id] },
      stop_details: null,
    });
    // Newer events of another thread and of the session must not be taken for this thread's.
    log.add({ type: 'session.thread_status_running', session_thread_id: OTHER_THREAD, agent_name: 'tester' });
    log.add({
      type: 'session.thread_status_idle',
      session_thread_id: OTHER_THREAD,
      agent_name: 'tester',
      stop_reason: { type: 'end_turn' },
      stop_details: null,
    });
    log.add({ type: 'session.status_running' });
    serve(log.events);

    const why = await idleReason(client, threadIdled());
    expect(why).toEqual({ reason: 'requires_action', idle, pending: [ask], unresolved: [] });
    expect(stub.requests).toHaveLength(1);
    const url = new URL(stub.requests[0]?.url ?? '', 'http://stub');
    expect(url.pathname).toBe(`/v1/sessions/${SESSION}/events`);
    expect(url.searchParams.getAll('types[]').sort()).toEqual(
      [
        'agent.custom_tool_use',
        'agent.mcp_tool_use',
        'agent.tool_use',
        'session.thread_status_idle',
        'session.thread_status_rescheduled',
        'session.thread_status_running',
        'session.thread_status_terminated',
      ].sort(),
    );
  });

  it("the thread's newer running event is not_idle", async () => {
    const log = turn();
    log.add({
      type: 'session.thread_status_idle',
      session_thread_id: THREAD,
      agent_name: 'deployer',
      stop_reason: { type: 'end_turn' },
      stop_details: null,
    });
    const running = log.add({
      type: 'session.thread_status_running',
      session_thread_id: THREAD,
      agent_name: 'deployer',
    });
    serve(log.events);
    await expect(idleReason(client, threadIdled())).resolves.toEqual({ reason: 'not_idle', status: running });
  });
});

describe('by ids, without an idle webhook (a levelTriggered handler)', () => {
  it('a session subject gets the same answer and the same request as its idle event', async () => {
    const log = turn();
    const ask = log.add({ type: 'agent.tool_use', name: 'bash', input: { command: 'make deploy' } });
    log.add({
      type: 'session.status_idle',
      stop_reason: { type: 'requires_action', event_ids: [ask.id] },
      stop_details: null,
    });
    serve(log.events);
    const byEvent = await idleReason(client, idled());
    const byIds = await idleReason(client, { sessionId: SESSION, workspaceId: WORKSPACE });
    expect(byIds).toEqual(byEvent);
    expect(byIds.reason === 'requires_action' && byIds.pending).toEqual([ask]);
    expect(stub.requests.map((r) => [r.url, r.headers['anthropic-workspace-id']])).toEqual([
      [stub.requests[0]?.url, WORKSPACE],
      [stub.requests[0]?.url, WORKSPACE],
    ]);
  });

  it("a thread subject reads the thread's idle event; no workspaceId sends no workspace header", async () => {
    const log = turn();
    log.add({
      type: 'session.thread_status_idle',
      session_thread_id: OTHER_THREAD,
      agent_name: 'tester',
      stop_reason: { type: 'requires_action', event_ids: [] },
      stop_details: null,
    });
    const idle = log.add({
      type: 'session.thread_status_idle',
      session_thread_id: THREAD,
      agent_name: 'deployer',
      stop_reason: { type: 'end_turn' },
      stop_details: null,
    });
    log.add({ type: 'session.status_idle', stop_reason: { type: 'retries_exhausted' }, stop_details: null });
    serve(log.events);
    await expect(idleReason(client, { sessionId: SESSION, threadId: THREAD })).resolves.toEqual({
      reason: 'end_turn',
      idle,
    });
    await expect(idleReason(client, { sessionId: SESSION })).resolves.toMatchObject({ reason: 'retries_exhausted' });
    expect(stub.requests[0]?.headers['anthropic-workspace-id']).toBeUndefined();
  });

  it('an empty sessionId or threadId is a TypeError before any request', async () => {
    await expect(idleReason(client, { sessionId: '' })).rejects.toThrow(/idleReason: expected sessionId/);
    await expect(idleReason(client, { sessionId: SESSION, threadId: '' })).rejects.toThrow(/threadId/);
    expect(stub.requests).toHaveLength(0);
  });
});

describe('answers from the API', () => {
  it('a 404 is gone (session and thread)', async () => {
    stub.respond = eventLogResponder({}); // no such session
    await expect(idleReason(client, idled())).resolves.toEqual({ reason: 'gone' });
    await expect(idleReason(client, threadIdled())).resolves.toEqual({ reason: 'gone' });
    expect(stub.requests).toHaveLength(2);
  });

  it('a 404 on the second request is gone too', async () => {
    const log = turn();
    const ask = log.add({ type: 'agent.tool_use', name: 'bash', input: {} });
    for (let i = 0; i < 4; i++) log.add({ type: 'agent.tool_use', name: 'read', input: { i } });
    log.add({
      type: 'session.status_idle',
      stop_reason: { type: 'requires_action', event_ids: [ask.id] },
      stop_details: null,
    });
    const serveLog = eventLogResponder({ [SESSION]: log.events }, { pageSize: 3 });
    // Deleted between the two requests.
    stub.respond = (request) =>
      stub.requests.length > 1
        ? { status: 404, body: { type: 'error', error: { type: 'not_found_error', message: 'Not found' } } }
        : serveLog(request);
    await expect(idleReason(client, idled())).resolves.toEqual({ reason: 'gone' });
    expect(stub.requests).toHaveLength(2);
  });

  it('a 500 rejects with the SDK error', async () => {
    stub.respond = () => ({ status: 500, body: { type: 'error', error: { type: 'api_error', message: 'boom' } } });
    await expect(idleReason(client, idled())).rejects.toBeInstanceOf(Anthropic.InternalServerError);
    expect(stub.requests).toHaveLength(1);
  });

  it('an event without workspace_id sends no workspace header', async () => {
    serve(turn().events);
    const event = idled();
    const { workspace_id: _, ...data } = event.data;
    await idleReason(client, { ...event, data } as never);
    expect(stub.requests[0]?.headers['anthropic-workspace-id']).toBeUndefined();
  });
});

describe('options pass through to the SDK call', () => {
  it('timeout, maxRetries and headers reach the request', async () => {
    stub.respond = () => ({ status: 200, body: { data: [], next_page: null }, delayMs: 10_000 });
    await expect(idleReason(client, idled(), { timeout: 200 })).rejects.toBeInstanceOf(
      Anthropic.APIConnectionTimeoutError,
    );
    const retrying = new Anthropic({ apiKey: 'sk-ant-test', baseURL: stub.url, maxRetries: 2 });
    stub.requests.length = 0;
    stub.respond = () => ({ status: 500, body: { type: 'error', error: { type: 'api_error', message: 'boom' } } });
    await expect(
      idleReason(retrying, idled(), { maxRetries: 0, headers: { 'x-trace-id': 'trace-1' } }),
    ).rejects.toBeInstanceOf(Anthropic.InternalServerError);
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]?.headers['x-trace-id']).toBe('trace-1');
  });

  it('an aborted signal rejects with the SDK abort error', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(idleReason(client, idled(), { signal: controller.signal })).rejects.toBeInstanceOf(
      Anthropic.APIUserAbortError,
    );
  });
});

describe('refusals before any request', () => {
  it('an event of another type, or without its ids, is a TypeError', async () => {
    await expect(idleReason(client, createSampleEvent('session.created') as never)).rejects.toThrow(
      /expected a session\.status_idled, session\.idled, session\.requires_action, session\.thread_idled event/,
    );
    const thread = threadIdled();
    await expect(idleReason(client, { ...thread, data: { ...thread.data, session_thread_id: '' } })).rejects.toThrow(
      /data\.session_thread_id/,
    );
    const session = idled();
    await expect(idleReason(client, { ...session, data: { ...session.data, id: '' } })).rejects.toThrow(TypeError);
    await expect(idleReason(client, null as never)).rejects.toThrow(TypeError);
    expect(stub.requests).toHaveLength(0);
  });

  it('a client without beta.sessions.events.list (not an SDK client, or too old) is a TypeError naming it', async () => {
    const old = { beta: { sessions: { retrieve: () => Promise.resolve({}) } } } as unknown as SessionEventsClient;
    await expect(idleReason(old, idled())).rejects.toThrow(/beta\.sessions\.events\.list.*@anthropic-ai\/sdk/);
    await expect(idleReason({} as SessionEventsClient, idled())).rejects.toThrow(TypeError);
    expect(stub.requests).toHaveLength(0);
  });
});
