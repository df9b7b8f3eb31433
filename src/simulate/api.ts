import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookVerificationError } from '../core/errors.js';
import { BadRequest, paginate, readBounds, readLimit } from './pagination.js';
import type { Platform } from './platform.js';
import type { SimulatedSession, SimulatedStatus } from './resources.js';
import { listSessionEvents } from './list-events.js';
import { readSendableEvents } from './send-events.js';
import { createSessionRequest } from './session-create.js';

/**
 * Options of {@link startApiServer}.
 *
 * @example
 * ```ts
 * const api = await startApiServer(platform, { port: 8787 });
 * ```
 */
export interface ApiServerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on; `127.0.0.1` by default. The stand-in checks no real key: keep it local. */
  host?: string;
}

/**
 * The sessions API of the stand-in, listening. Point `ANTHROPIC_BASE_URL` (or the SDK's
 * `baseURL`) at `url`; any `x-api-key` is accepted, a missing one is refused with 401.
 *
 * @example
 * ```ts
 * const api = await startApiServer(createPlatform());
 * const client = new Anthropic({ baseURL: api.url, apiKey: 'any' });
 * console.log(api.requests.total, api.requests.byRoute['GET /v1/sessions']);
 * await api.close();
 * ```
 */
export interface ApiServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Requests answered so far, in all and per route (`'GET /v1/sessions'`, …): what a sweep costs. */
  readonly requests: { total: number; byRoute: Record<string, number> };
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** An answer: status and JSON body. */
interface Answer {
  status: number;
  body: unknown;
}

/** One route: its name in stats, method, path pattern and handler. Add routes here. */
interface Route {
  name: string;
  method: string;
  path: RegExp;
  handle(platform: Platform, params: string[], query: URLSearchParams, body: unknown): Answer;
}

/** The most a request body may hold; the API's own limits are far above what a test sends. */
const MAX_BODY = 1024 * 1024;

const STATUSES: ReadonlySet<string> = new Set(['idle', 'running', 'rescheduling', 'terminated']);
const ID = '([^/]+)';

const ROUTES: readonly Route[] = [
  {
    name: 'GET /v1/sessions',
    method: 'GET',
    path: /^\/v1\/sessions$/,
    handle: (platform, _params, query) => ok(listSessions(platform, query)),
  },
  {
    name: 'POST /v1/sessions',
    method: 'POST',
    path: /^\/v1\/sessions$/,
    handle: (platform, _params, _query, body) => {
      const request = createSessionRequest(body);
      if (platform.getAgent(request.agent) === undefined) return notFound('agent', request.agent);
      const { initialEvents, ...create } = request;
      const session = platform.createSession(create);
      if (initialEvents.length > 0) platform.sendEvents(session.id, initialEvents);
      return ok(platform.getSession(session.id));
    },
  },
  {
    name: 'GET /v1/sessions/{session_id}/events',
    method: 'GET',
    path: new RegExp(`^/v1/sessions/${ID}/events$`),
    handle: (platform, [sessionId = ''], query) => {
      if (platform.getSession(sessionId) === undefined) return notFound('session', sessionId);
      return ok(listSessionEvents(platform.sessionEvents(sessionId), query));
    },
  },
  {
    name: 'POST /v1/sessions/{session_id}/events',
    method: 'POST',
    path: new RegExp(`^/v1/sessions/${ID}/events$`),
    handle: (platform, [sessionId = ''], _query, body) => {
      if (platform.getSession(sessionId) === undefined) return notFound('session', sessionId);
      const events = readSendableEvents(object(body)['events']);
      return ok({ data: platform.sendEvents(sessionId, events) });
    },
  },
  {
    name: 'GET /v1/sessions/{session_id}',
    method: 'GET',
    path: new RegExp(`^/v1/sessions/${ID}$`),
    handle: (platform, [sessionId = '']) => found(platform.getSession(sessionId), 'session', sessionId),
  },
  {
    name: 'GET /v1/sessions/{session_id}/threads',
    method: 'GET',
    path: new RegExp(`^/v1/sessions/${ID}/threads$`),
    handle: (platform, [sessionId = ''], query) => {
      if (platform.getSession(sessionId) === undefined) return notFound('session', sessionId);
      const statuses = readStatuses(query);
      const items = platform
        .threads(sessionId)
        .map((value, index) => ({ index, value }))
        .filter((i) => statuses === undefined || statuses.has(i.value.status));
      const { data, next_page } = paginate(items, { limit: readLimit(query), order: 'asc', page: query.get('page') });
      return ok({ data, next_page });
    },
  },
  {
    name: 'GET /v1/sessions/{session_id}/threads/{thread_id}',
    method: 'GET',
    path: new RegExp(`^/v1/sessions/${ID}/threads/${ID}$`),
    handle: (platform, [sessionId = '', threadId = '']) =>
      found(platform.getThread(sessionId, threadId), 'session thread', threadId),
  },
];

/**
 * Starts the stand-in's HTTP API over `platform`: create, retrieve and list sessions, list and
 * retrieve threads, list a session's events and send it events, exactly as `@anthropic-ai/sdk`
 * calls them, with the API's error shape.
 *
 * @example
 * ```ts
 * const platform = createPlatform();
 * const api = await startApiServer(platform, { port: 0 });
 * process.env.ANTHROPIC_BASE_URL = api.url;
 * ```
 */
export async function startApiServer(platform: Platform, options: ApiServerOptions = {}): Promise<ApiServer> {
  const requests = { total: 0, byRoute: {} as Record<string, number> };
  let counter = 0;
  const server: Server = createServer((req, res) => {
    requests.total++;
    const requestId = `req_sim${String(++counter).padStart(8, '0')}`;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const answer =
        size > MAX_BODY
          ? error(413, 'request_too_large', `request body exceeds ${MAX_BODY} bytes`)
          : route(platform, req, Buffer.concat(chunks).toString('utf8'), (name) => {
              requests.byRoute[name] = (requests.byRoute[name] ?? 0) + 1;
            });
      send(res, answer, requestId);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function route(platform: Platform, req: IncomingMessage, text: string, count: (name: string) => void): Answer {
  if (!authenticated(req)) {
    return error(401, 'authentication_error', 'x-api-key header is required');
  }
  const url = new URL(req.url ?? '/', 'http://stand-in');
  for (const r of ROUTES) {
    const match = r.path.exec(url.pathname);
    if (match === null || r.method !== req.method) continue;
    count(r.name);
    try {
      return r.handle(platform, match.slice(1).map(decodeURIComponent), url.searchParams, parseBody(text));
    } catch (err) {
      if (err instanceof BadRequest) return error(400, 'invalid_request_error', err.message);
      // The platform refuses what the API refuses (a confirmation nothing waits on, a terminated
      // session) with the library's error; the API says it as a 400.
      if (err instanceof WebhookVerificationError && err.code === 'invalid_options')
        return error(400, 'invalid_request_error', err.message);
      // A malformed %-escape in the path, or a bug: the API's answer, never a crashed process.
      if (err instanceof URIError) return error(404, 'not_found_error', 'malformed id in the path');
      return error(500, 'api_error', (err as Error).message);
    }
  }
  return error(404, 'not_found_error', `${req.method ?? ''} ${url.pathname} is not an endpoint of this stand-in`);
}

// The API takes an API key or an OAuth bearer token; the stand-in only checks one is there.
function authenticated(req: IncomingMessage): boolean {
  const key = req.headers['x-api-key'];
  if (typeof key === 'string' && key.trim() !== '') return true;
  const bearer = req.headers.authorization;
  return typeof bearer === 'string' && /^Bearer \S/.test(bearer);
}

function listSessions(platform: Platform, query: URLSearchParams): unknown {
  const limit = readLimit(query);
  const order = query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw new BadRequest("order: must be 'asc' or 'desc'");
  const statuses = readStatuses(query);
  const archived = query.get('include_archived') === 'true';
  const bounds = readBounds(query);
  const agent = query.get('agent_id');
  const items = platform
    .sessions()
    .map((value, index) => ({ index, value }))
    .filter(({ value }) => keep(value, { statuses, archived, bounds, agent }));
  return paginate(items, { limit, order, page: query.get('page') });
}

interface Filters {
  statuses: ReadonlySet<string> | undefined;
  archived: boolean;
  bounds: Array<(ms: number) => boolean>;
  agent: string | null;
}

function keep(session: SimulatedSession, filters: Filters): boolean {
  if (filters.statuses !== undefined && !filters.statuses.has(session.status)) return false;
  if (!filters.archived && session.archived_at !== null) return false;
  if (filters.agent !== null && session.agent.id !== filters.agent) return false;
  const created = Date.parse(session.created_at);
  return filters.bounds.every((inside) => inside(created));
}

// The SDK sends arrays as `statuses[]=a&statuses[]=b`; the API reference says to repeat
// `statuses`. Both are read.
function readStatuses(query: URLSearchParams): ReadonlySet<SimulatedStatus> | undefined {
  const values = [...query.getAll('statuses'), ...query.getAll('statuses[]')];
  if (values.length === 0) return undefined;
  for (const value of values) {
    if (!STATUSES.has(value)) throw new BadRequest(`statuses: unknown status "${value}"`);
  }
  return new Set(values as SimulatedStatus[]);
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequest('The request body is not valid JSON');
  }
}

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadRequest('The request body must be a JSON object');
  return body as Record<string, unknown>;
}

function ok(body: unknown): Answer {
  return { status: 200, body };
}

function found(value: unknown, what: string, id: string): Answer {
  return value === undefined ? notFound(what, id) : ok(value);
}

function notFound(what: string, id: string): Answer {
  return error(404, 'not_found_error', `No ${what} found with id ${id}`);
}

function error(status: number, type: string, message: string): Answer {
  return { status, body: { type: 'error', error: { type, message } } };
}

function send(res: ServerResponse, answer: Answer, requestId: string): void {
  const body = answer.body as { type?: string };
  const payload = body.type === 'error' ? { ...body, request_id: requestId } : body;
  res.writeHead(answer.status, { 'content-type': 'application/json', 'request-id': requestId });
  res.end(JSON.stringify(payload));
}
