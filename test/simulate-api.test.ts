// The stand-in's sessions API, read by the real @anthropic-ai/sdk client: the SDK builds the
// paths, query strings (statuses[], created_at[gt], page) and follows the cursors itself, so a
// shape it does not expect fails here.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, startApiServer, type ApiServer, type Platform } from '../src/simulate/index.js';

let clock = Date.UTC(2026, 0, 1);
let platform: Platform;
let api: ApiServer;
let client: Anthropic;

beforeAll(async () => {
  // A clock the test moves, so created_at values are known and distinct.
  platform = createPlatform({ seed: 'api-test', now: () => clock });
  api = await startApiServer(platform);
  client = new Anthropic({ baseURL: api.url, apiKey: 'test', maxRetries: 0 });
});
afterAll(async () => {
  await api.close();
});

function createAt(ms: number): string {
  clock = ms;
  return platform.createSession().id;
}

describe('retrieve', () => {
  it('returns the session as the platform holds it', async () => {
    const id = createAt(Date.UTC(2026, 0, 1, 0, 0, 0));
    platform.setSessionStatus(id, 'running');
    const session = await client.beta.sessions.retrieve(id);
    expect(session).toEqual(platform.getSession(id));
    expect(session).toMatchObject({ id, type: 'session', status: 'running' });
    expect(session.id).toMatch(/^sesn_011C[0-9A-Za-z]{20}$/);
    expect(session.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('answers 404 with the API error shape for an unknown id', async () => {
    const error = await client.beta.sessions.retrieve('sesn_011Cunknown').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error' },
    });
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).requestID).toMatch(/^req_/);
  });

  it('answers 401 without an x-api-key, like the API', async () => {
    const id = platform.sessions()[0]!.id;
    const bare = await fetch(`${api.url}/v1/sessions/${id}`);
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const keyed = await fetch(`${api.url}/v1/sessions/${id}`, { headers: { 'x-api-key': 'anything' } });
    expect(keyed.status).toBe(200);
  });
});

describe('list', () => {
  const ids: string[] = [];
  const base = Date.UTC(2026, 1, 1);
  beforeAll(() => {
    // 25 sessions a second apart, after everything the other blocks create.
    for (let i = 0; i < 25; i++) ids.push(createAt(base + i * 1000));
  });
  const recent = { 'created_at[gte]': new Date(base).toISOString() };

  it('auto-paginates across pages with limit, newest first by default', async () => {
    const before = api.requests.byRoute['GET /v1/sessions'] ?? 0;
    const seen: string[] = [];
    for await (const session of client.beta.sessions.list({ ...recent, limit: 10 })) seen.push(session.id);
    expect(seen).toEqual([...ids].reverse());
    expect((api.requests.byRoute['GET /v1/sessions'] ?? 0) - before).toBe(3);
  });

  it("order: 'asc' lists oldest first, and prev_page leads back to the previous page", async () => {
    const first = await client.beta.sessions.list({ ...recent, limit: 10, order: 'asc' });
    expect(first.data.map((s) => s.id)).toEqual(ids.slice(0, 10));
    expect(first.prev_page).toBeNull();
    const second = await first.getNextPage();
    expect(second.data.map((s) => s.id)).toEqual(ids.slice(10, 20));
    expect(second.prev_page).not.toBeNull();
    const back = await client.beta.sessions.list({ ...recent, limit: 10, order: 'asc', page: second.prev_page });
    expect(back.data.map((s) => s.id)).toEqual(ids.slice(0, 10));
    const last = await second.getNextPage();
    expect(last.data.map((s) => s.id)).toEqual(ids.slice(20));
    expect(last.next_page).toBeNull();
    expect(last.hasNextPage()).toBe(false);
  });

  it('filters by statuses (any of several) and by created_at bounds', async () => {
    platform.setSessionStatus(ids[3]!, 'running');
    platform.setSessionStatus(ids[4]!, 'running');
    platform.setSessionStatus(ids[4]!, 'terminated');
    platform.setSessionStatus(ids[5]!, 'running');
    platform.setSessionStatus(ids[5]!, 'rescheduling');
    const collect = async (params: Anthropic.Beta.Sessions.SessionListParams): Promise<string[]> => {
      const out: string[] = [];
      for await (const s of client.beta.sessions.list({ ...recent, order: 'asc', limit: 2, ...params })) out.push(s.id);
      return out;
    };
    expect(await collect({ statuses: ['running', 'terminated'] })).toEqual([ids[3], ids[4]]);
    expect(await collect({ statuses: ['rescheduling'] })).toEqual([ids[5]]);
    expect((await collect({ statuses: ['idle'] })).length).toBe(22);
    const at = (i: number): string => new Date(base + i * 1000).toISOString();
    expect(await collect({ 'created_at[gt]': at(20) })).toEqual(ids.slice(21));
    expect(await collect({ 'created_at[gte]': at(20), 'created_at[lt]': at(22) })).toEqual(ids.slice(20, 22));
    expect(await collect({ 'created_at[gt]': at(1), 'created_at[lte]': at(3) })).toEqual(ids.slice(2, 4));
  });

  it('leaves archived sessions out unless include_archived', async () => {
    const archived = createAt(base + 100_000);
    platform.archiveSession(archived);
    const from = { 'created_at[gte]': new Date(base + 100_000).toISOString() };
    expect((await client.beta.sessions.list(from)).data).toEqual([]);
    const page = await client.beta.sessions.list({ ...from, include_archived: true });
    expect(page.data.map((s) => [s.id, s.archived_at !== null])).toEqual([[archived, true]]);
  });

  it('refuses a limit over 100 and a cursor it did not issue with 400', async () => {
    await expect(client.beta.sessions.list({ limit: 101 })).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(client.beta.sessions.list({ page: 'page_bogus' })).rejects.toBeInstanceOf(Anthropic.BadRequestError);
  });
});

describe('threads', () => {
  it('lists a session’s threads page by page and retrieves one', async () => {
    const id = createAt(Date.UTC(2026, 2, 1));
    const threads = Array.from({ length: 5 }, () => platform.createThread(id).id);
    platform.setThreadStatus(id, threads[1]!, 'idle');
    const seen: string[] = [];
    for await (const t of client.beta.sessions.threads.list(id, { limit: 2 })) seen.push(t.id);
    expect(seen).toEqual(threads);
    const idle: string[] = [];
    for await (const t of client.beta.sessions.threads.list(id, { statuses: ['idle'] })) idle.push(t.id);
    expect(idle).toEqual([threads[1]]);
    const one = await client.beta.sessions.threads.retrieve(threads[1]!, { session_id: id });
    expect(one).toEqual(platform.getThread(id, threads[1]!));
    expect(one).toMatchObject({ type: 'session_thread', session_id: id, status: 'idle' });
    expect(one.id).toMatch(/^sthr_/);
  });

  it('answers 404 for an unknown thread or session', async () => {
    const id = platform.sessions()[0]!.id;
    await expect(client.beta.sessions.threads.retrieve('sthr_x', { session_id: id })).rejects.toBeInstanceOf(
      Anthropic.NotFoundError,
    );
    await expect(client.beta.sessions.threads.list('sesn_x').then((p) => p.data)).rejects.toBeInstanceOf(
      Anthropic.NotFoundError,
    );
  });
});
