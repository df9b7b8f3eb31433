// A loopback stand-in for the sessions API as the SDK calls it, over a map the test changes:
// retrieve a session or thread, list sessions (ordered by created_at, `limit`, `page` cursor,
// `order`, `data`/`next_page`/`prev_page`) and list a session's threads. Built on startSdkStub, so
// every request is recorded. Small on purpose: the full platform stand-in lives in src/simulate.
import { startSdkStub, type RecordedRequest, type SdkStubServer, type StubAnswer } from './sdk-stub-server.js';

export interface StubSession {
  id: string;
  type: 'session';
  status: 'rescheduling' | 'running' | 'idle' | 'terminated';
  created_at: string;
  updated_at: string;
}

export interface StubThread {
  id: string;
  type: 'session_thread';
  session_id: string;
  status: 'rescheduling' | 'running' | 'idle' | 'terminated';
  created_at: string;
  updated_at: string;
}

export interface SessionsApi {
  url: string;
  stub: SdkStubServer;
  sessions: Map<string, StubSession>;
  threads: Map<string, StubThread[]>;
  /** Adds or changes a session: its updated_at becomes `at` (default: now, microsecond text). */
  put(id: string, status?: StubSession['status'], at?: string): StubSession;
  /** Adds or changes a thread of a session (the session's updated_at moves too, as a change does). */
  putThread(sessionId: string, id: string, status?: StubThread['status'], at?: string): StubThread;
  /** Requests whose path starts with `prefix` (and, when given, has `limit`), counted. */
  count(prefix: string): number;
  close(): Promise<void>;
}

let clock = 0;
/** A strictly increasing RFC 3339 time with microseconds, a few µs apart even within one ms. */
export function micros(): string {
  const nowUs = Math.max(Date.now() * 1000, clock + 1);
  clock = nowUs;
  const ms = Math.floor(nowUs / 1000);
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(nowUs % 1_000_000).padStart(6, '0')}Z`;
}

export async function startSessionsApi(): Promise<SessionsApi> {
  const stub = await startSdkStub();
  const sessions = new Map<string, StubSession>();
  const threads = new Map<string, StubThread[]>();
  stub.respond = (request: RecordedRequest): StubAnswer => answer(request, sessions, threads);
  return {
    url: stub.url,
    stub,
    sessions,
    threads,
    put(id, status = 'running', at = micros()) {
      const existing = sessions.get(id);
      const session: StubSession = existing ?? { id, type: 'session', status, created_at: at, updated_at: at };
      session.status = status;
      session.updated_at = at;
      sessions.set(id, session);
      return session;
    },
    putThread(sessionId, id, status = 'running', at = micros()) {
      const list = threads.get(sessionId) ?? [];
      threads.set(sessionId, list);
      let thread = list.find((t) => t.id === id);
      if (thread === undefined) {
        thread = { id, type: 'session_thread', session_id: sessionId, status, created_at: at, updated_at: at };
        list.push(thread);
      }
      thread.status = status;
      thread.updated_at = at;
      const session = sessions.get(sessionId);
      if (session !== undefined) session.updated_at = at;
      return thread;
    },
    count: (prefix) => stub.requests.filter((r) => r.url.startsWith(prefix)).length,
    close: () => stub.close(),
  };
}

function answer(
  request: RecordedRequest,
  sessions: Map<string, StubSession>,
  threads: Map<string, StubThread[]>,
): StubAnswer {
  const url = new URL(request.url, 'http://stub');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent); // v1 sessions [id] [threads] [tid]
  if (request.method !== 'GET' || parts[0] !== 'v1' || parts[1] !== 'sessions') return notFound();
  const [, , sessionId, sub, threadId] = parts;
  if (sessionId === undefined) {
    const order = url.searchParams.get('order') ?? 'desc';
    const all = [...sessions.values()].sort((a, b) =>
      order === 'asc' ? a.created_at.localeCompare(b.created_at) : b.created_at.localeCompare(a.created_at),
    );
    return page(all, url);
  }
  if (sub === undefined) {
    const session = sessions.get(sessionId);
    return session === undefined ? notFound() : { status: 200, body: session };
  }
  if (sub !== 'threads') return notFound();
  const list = threads.get(sessionId) ?? [];
  if (threadId === undefined) return page(list, url);
  const thread = list.find((t) => t.id === threadId);
  return thread === undefined ? notFound() : { status: 200, body: thread };
}

function page(items: unknown[], url: URL): StubAnswer {
  const limit = Number(url.searchParams.get('limit') ?? 20);
  const start = Number(url.searchParams.get('page') ?? 0);
  const data = items.slice(start, start + limit);
  const next = start + limit < items.length ? String(start + limit) : null;
  return {
    status: 200,
    body: { data, next_page: next, prev_page: start > 0 ? String(Math.max(0, start - limit)) : null },
  };
}

function notFound(): StubAnswer {
  return { status: 404, body: { type: 'error', error: { type: 'not_found_error', message: 'not found' } } };
}
