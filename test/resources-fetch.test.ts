// fetchResource with the real @anthropic-ai/sdk client pointed (baseURL) at a loopback stub of
// the API that records each request: the SDK builds the path and headers, we check what it sent.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_TYPES, createSampleEvent, type WebhookEventType } from '../src/index.js';
import { EVENT_RESOURCES, fetchResource, type ResourceClient } from '../src/resources/index.js';
import { startSdkStub, type SdkStubServer } from './support/sdk-stub-server.js';

const MANAGED_AGENTS = 'managed-agents-2026-04-01';
const AGENT_MEMORY = 'agent-memory-2026-07-22';
const EXTERNAL_STORAGE = 'efs-2026-10-01';

interface Expected {
  path: string;
  /** The anthropic-beta header the SDK sends for this call; undefined for GA endpoints. */
  beta: string | undefined;
}

// Written from the SDK 1.16.0 sources (resources/**/*.js: the path template and beta header of
// each retrieve), independently of src/resources, so a wrong mapping there fails here.
function expected(type: WebhookEventType, d: Record<string, string>): Expected {
  const family = type.slice(0, type.indexOf('.'));
  if (type.startsWith('session.thread_'))
    return { path: `/v1/sessions/${d['id']}/threads/${d['session_thread_id']}`, beta: MANAGED_AGENTS };
  switch (family) {
    case 'agent':
      return { path: `/v1/agents/${d['id']}`, beta: MANAGED_AGENTS };
    case 'deployment':
      return { path: `/v1/deployments/${d['id']}`, beta: MANAGED_AGENTS };
    case 'deployment_run':
      return { path: `/v1/deployment_runs/${d['id']}`, beta: MANAGED_AGENTS };
    case 'environment':
      return { path: `/v1/environments/${d['id']}`, beta: MANAGED_AGENTS };
    case 'external_key':
      return { path: `/v1/organizations/external_keys/${d['id']}`, beta: undefined };
    case 'external_storage':
      return { path: `/v1/organizations/external_storage/${d['id']}`, beta: EXTERNAL_STORAGE };
    case 'memory_store':
      return { path: `/v1/memory_stores/${d['id']}`, beta: AGENT_MEMORY };
    case 'session':
      return { path: `/v1/sessions/${d['id']}`, beta: MANAGED_AGENTS };
    case 'user_profile':
      // The GA endpoint: without a user-profiles beta header it returns programs and enforcement_actions.
      return { path: `/v1/user_profiles/${d['id']}`, beta: undefined };
    case 'vault':
      return { path: `/v1/vaults/${d['id']}`, beta: MANAGED_AGENTS };
    case 'vault_credential':
      return { path: `/v1/vaults/${d['vault_id']}/credentials/${d['id']}`, beta: MANAGED_AGENTS };
    default:
      throw new Error(`no expectation written for ${type}`);
  }
}

let stub: SdkStubServer;
let client: Anthropic;
let served = 0;

beforeAll(async () => {
  stub = await startSdkStub();
  client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: stub.url, maxRetries: 0 });
});
afterAll(async () => stub.close());
beforeEach(() => {
  stub.requests.length = 0;
  // A body no other request gets, so the test sees this answer come back and not another.
  stub.respond = (request) => ({
    status: 200,
    body: { id: `served_${++served}`, path: request.url, nested: { n: 1 } },
  });
});

const notFound = { status: 404, body: { type: 'error', error: { type: 'not_found_error', message: 'Not found' } } };

describe('the table', () => {
  it('has one entry per catalogue type and nothing else', () => {
    expect(Object.keys(EVENT_RESOURCES).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('says gone for exactly the *.deleted types, and unsupported for none of the known ones', () => {
    for (const type of EVENT_TYPES) {
      const entry: string = EVENT_RESOURCES[type];
      expect(entry === 'gone', type).toBe(type.endsWith('.deleted'));
      expect(entry, type).not.toBe('unsupported');
    }
  });
});

describe.each(EVENT_TYPES)('%s', (type) => {
  it(
    type.endsWith('.deleted')
      ? 'is gone without a request'
      : 'retrieves the resource the SDK way and returns the server JSON',
    async () => {
      const event = createSampleEvent(type, { seed: 'resources' });
      const data = event.data as unknown as Record<string, string>;
      const result = await fetchResource(client, event);
      if (type.endsWith('.deleted')) {
        expect(result).toEqual({ status: 'gone' });
        expect(stub.requests).toHaveLength(0);
        return;
      }
      const want = expected(type, data);
      expect(stub.requests).toHaveLength(1);
      const [request] = stub.requests;
      expect(request?.method).toBe('GET');
      expect(request?.url).toBe(want.path);
      expect(request?.headers['anthropic-beta']).toBe(want.beta);
      expect(request?.headers['anthropic-workspace-id']).toBe(data['workspace_id']);
      expect(result).toEqual({
        status: 'found',
        resource: { id: `served_${served}`, path: want.path, nested: { n: 1 } },
      });
    },
  );
});

describe('answers from the API', () => {
  it.each([
    'session.status_idled',
    'session.thread_created',
    'vault_credential.refresh_failed',
    'external_key.failed',
    'external_storage.recovered',
  ] as const)('a 404 for %s is gone', async (type) => {
    stub.respond = () => notFound;
    await expect(fetchResource(client, createSampleEvent(type))).resolves.toEqual({ status: 'gone' });
    expect(stub.requests).toHaveLength(1);
  });

  it('a 500 rejects with the SDK error, after one request with maxRetries 0', async () => {
    stub.respond = () => ({ status: 500, body: { type: 'error', error: { type: 'api_error', message: 'boom' } } });
    const failure = fetchResource(client, createSampleEvent('agent.updated'));
    await expect(failure).rejects.toBeInstanceOf(Anthropic.InternalServerError);
    await expect(failure).rejects.toMatchObject({ status: 500 });
    expect(stub.requests).toHaveLength(1);
  });

  it('other API errors propagate as the SDK errors (403, 429)', async () => {
    stub.respond = () => ({ status: 403, body: { type: 'error', error: { type: 'permission_error', message: 'no' } } });
    await expect(fetchResource(client, createSampleEvent('vault.created'))).rejects.toBeInstanceOf(
      Anthropic.PermissionDeniedError,
    );
    stub.respond = () => ({
      status: 429,
      body: { type: 'error', error: { type: 'rate_limit_error', message: 'slow' } },
    });
    await expect(fetchResource(client, createSampleEvent('vault.created'))).rejects.toBeInstanceOf(
      Anthropic.RateLimitError,
    );
  });

  it('a 404 thrown by another copy of the SDK (no shared class) is gone too', async () => {
    // Only the shape matters: an error object with status 404, as any SDK copy's NotFoundError has.
    const foreign = Object.assign(new Error('404 not found'), { status: 404 });
    const other = {
      ...client,
      beta: { ...client.beta, sessions: { ...client.beta.sessions, retrieve: () => Promise.reject(foreign) } },
    } as unknown as ResourceClient;
    await expect(fetchResource(other, createSampleEvent('session.created'))).resolves.toEqual({ status: 'gone' });
    const status500 = Object.assign(new Error('500'), { status: 500 });
    const failing = {
      ...other,
      beta: { ...client.beta, sessions: { ...client.beta.sessions, retrieve: () => Promise.reject(status500) } },
    } as unknown as ResourceClient;
    await expect(fetchResource(failing, createSampleEvent('session.created'))).rejects.toBe(status500);
  });
});

describe('events it cannot fetch', () => {
  it('a type newer than this version is unsupported, without a request', async () => {
    for (const type of ['session.teleported', 'widget.created', 'constructor', '__proto__', 'toString']) {
      const event = {
        type: 'event' as const,
        id: 'evt_1',
        created_at: '2026-01-01T00:00:00Z',
        data: { type, id: 'x_1' },
      };
      await expect(fetchResource(client, event)).resolves.toEqual({ status: 'unsupported' });
    }
    expect(stub.requests).toHaveLength(0);
  });

  it('an event missing an id it needs rejects with a TypeError, without a request', async () => {
    const thread = createSampleEvent('session.thread_idled');
    const noThread = { ...thread, data: { ...thread.data, session_thread_id: '' } };
    await expect(fetchResource(client, noThread)).rejects.toThrow(/data\.session_thread_id/);
    const credential = createSampleEvent('vault_credential.created');
    const { vault_id: _, ...noVault } = credential.data;
    await expect(fetchResource(client, { ...credential, data: noVault } as never)).rejects.toThrow(/data\.vault_id/);
    await expect(fetchResource(client, { data: { type: 'session.created' } } as never)).rejects.toThrow(TypeError);
    await expect(fetchResource(client, null as never)).rejects.toThrow(TypeError);
    expect(stub.requests).toHaveLength(0);
  });

  it('ids stay one path segment: the SDK escapes them', async () => {
    const event = createSampleEvent('session.created');
    await fetchResource(client, { ...event, data: { ...event.data, id: 'sesn_a/b?c=d#e' } });
    expect(stub.requests[0]?.url).toBe('/v1/sessions/sesn_a%2Fb%3Fc=d%23e');
  });
});

describe('External Storage (SDK 1.13+)', () => {
  it.each(['external_storage.failed', 'external_storage.recovered'] as const)(
    '%s retrieves /v1/organizations/external_storage/{estrg_ id} with the efs beta header',
    async (type) => {
      const event = createSampleEvent(type, { seed: 'storage' });
      expect(event.data.id).toMatch(/^estrg_/);
      expect(event.data).not.toHaveProperty('workspace_id');
      stub.respond = () => ({ status: 200, body: { id: event.data.id, type: 'external_storage' } });
      const result = await fetchResource(client, event, { headers: { 'x-trace-id': 't' } });
      expect(result).toEqual({ status: 'found', resource: { id: event.data.id, type: 'external_storage' } });
      expect(stub.requests).toHaveLength(1);
      expect(stub.requests[0]?.url).toBe(`/v1/organizations/external_storage/${event.data.id}`);
      expect(stub.requests[0]?.headers['anthropic-beta']).toBe(EXTERNAL_STORAGE);
      expect(stub.requests[0]?.headers['anthropic-workspace-id']).toBeUndefined();
      // Request options reach the request, not the SDK's params argument.
      expect(stub.requests[0]?.headers['x-trace-id']).toBe('t');
    },
  );

  // A client of @anthropic-ai/sdk 1.12 (the bottom of the peer range) has no
  // beta.organization.externalStorage; the rest of the client works as before.
  function olderClient(organization: 'absent' | 'without externalStorage'): ResourceClient {
    const beta = Object.create(client.beta) as Record<string, unknown>;
    if (organization === 'absent') beta['organization'] = undefined;
    else beta['organization'] = Object.assign(Object.create(client.beta.organization), { externalStorage: undefined });
    return Object.assign(Object.create(client), { beta }) as ResourceClient;
  }

  it.each(['absent', 'without externalStorage'] as const)(
    'a client whose beta.organization is %s answers unsupported, without a request',
    async (organization) => {
      const old = olderClient(organization);
      for (const type of ['external_storage.failed', 'external_storage.recovered'] as const) {
        await expect(fetchResource(old, createSampleEvent(type))).resolves.toEqual({ status: 'unsupported' });
      }
      expect(stub.requests).toHaveLength(0);
      // The same client still retrieves what it can.
      await expect(fetchResource(old, createSampleEvent('session.created'))).resolves.toMatchObject({
        status: 'found',
      });
      expect(stub.requests).toHaveLength(1);
    },
  );
});

describe('a client that is not an SDK client', () => {
  it.each([
    ['null', null, /got null/],
    ['undefined', undefined, /got undefined/],
    ['an API key string', 'sk-ant-test', /got string/],
    ['client.beta instead of the client', 'beta', /got what looks like client\.beta/],
    ['a plain object', {}, /got an object without a beta property/],
  ] as const)('%s rejects with a TypeError naming the fix, without a request', async (_, value, got) => {
    const given = value === 'beta' ? client.beta : value;
    for (const type of ['session.created', 'agent.deleted', 'session.teleported'] as const) {
      const event = {
        type: 'event' as const,
        id: 'evt_1',
        created_at: '2026-01-01T00:00:00Z',
        data: { type, id: 'x_1' },
      };
      const failure = fetchResource(given as unknown as ResourceClient, event);
      await expect(failure).rejects.toThrow(TypeError);
      await expect(failure).rejects.toThrow(/must be an @anthropic-ai\/sdk client \(const client = new Anthropic\(\)/);
      await expect(failure).rejects.toThrow(got);
    }
    expect(stub.requests).toHaveLength(0);
  });

  it('a client lacking the method an event needs names that method', async () => {
    const partial = { beta: {}, organization: {} } as unknown as ResourceClient;
    await expect(fetchResource(partial, createSampleEvent('session.thread_idled'))).rejects.toThrow(
      /the client has no beta\.sessions\.threads\.retrieve\(\) for session\.thread_idled events/,
    );
    await expect(fetchResource(partial, createSampleEvent('external_key.failed'))).rejects.toThrow(
      /no organization\.externalKeys\.retrieve\(\)/,
    );
    // Only External Storage may be missing from a real client of the peer range.
    await expect(fetchResource(partial, createSampleEvent('external_storage.failed'))).resolves.toEqual({
      status: 'unsupported',
    });
    expect(stub.requests).toHaveLength(0);
  });
});

describe('options pass through to the SDK call', () => {
  it('an already aborted signal rejects with the SDK abort error', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      fetchResource(client, createSampleEvent('session.created'), { signal: controller.signal }),
    ).rejects.toBeInstanceOf(Anthropic.APIUserAbortError);
  });

  it('aborting while the request is in flight rejects it', async () => {
    stub.respond = () => ({ status: 200, body: {}, delayMs: 10_000 });
    const controller = new AbortController();
    const started = Date.now();
    const pending = fetchResource(client, createSampleEvent('session.created'), { signal: controller.signal });
    for (let i = 0; i < 200 && stub.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(stub.requests).toHaveLength(1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(Anthropic.APIUserAbortError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('timeout applies to the request', async () => {
    stub.respond = () => ({ status: 200, body: {}, delayMs: 10_000 });
    await expect(
      fetchResource(client, createSampleEvent('deployment.paused'), { timeout: 200 }),
    ).rejects.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
  });

  it('maxRetries and headers reach the request', async () => {
    const retrying = new Anthropic({ apiKey: 'sk-ant-test', baseURL: stub.url, maxRetries: 2 });
    stub.respond = () => ({ status: 500, body: { type: 'error', error: { type: 'api_error', message: 'boom' } } });
    await expect(
      fetchResource(retrying, createSampleEvent('environment.created'), {
        maxRetries: 0,
        headers: { 'x-trace-id': 'trace-1' },
      }),
    ).rejects.toBeInstanceOf(Anthropic.InternalServerError);
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]?.headers['x-trace-id']).toBe('trace-1');
    // The beta header is the SDK's, merged with ours, not replaced.
    expect(stub.requests[0]?.headers['anthropic-beta']).toBe(MANAGED_AGENTS);
  });
});
