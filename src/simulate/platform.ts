import { fail } from '../core/errors.js';
import type { WebhookEvent, WebhookEventType } from '../events/types.js';
import { nextStamp } from './clock.js';
import { makeId } from './ids.js';
import { randomSeed, seededRandom, type Seed } from './prng.js';
import { simulatedAgent, type SimulatedSession, type SimulatedStatus, type SimulatedThread } from './resources.js';

/**
 * Options of {@link createPlatform}.
 *
 * @example
 * ```ts
 * const options: PlatformOptions = { seed: 1, now: () => Date.UTC(2026, 0, 1) };
 * ```
 */
export interface PlatformOptions {
  /** Names every id the same way on every run with this seed; random when left out. */
  seed?: Seed;
  /** `data.organization_id` of every event; made up when left out. */
  organizationId?: string;
  /** `data.workspace_id` of every event; made up when left out. */
  workspaceId?: string;
  /** The clock, in milliseconds since the epoch; `Date.now` when left out. */
  now?: () => number;
  /**
   * Whether a thread's creation or status change also moves its session's `updated_at` (without
   * a session event), as a session's usage and stats follow its threads; default true. A sweep
   * that lists only the threads of sessions whose `updated_at` moved relies on it.
   */
  threadsTouchSession?: boolean;
}

/**
 * How a session starts, as `createSession` takes it.
 *
 * @example
 * ```ts
 * platform.createSession({ status: 'running', title: 'Refund #1234' });
 * ```
 */
export interface CreateSessionOptions {
  /** Its status at creation; `'idle'` when left out. */
  status?: SimulatedStatus;
  title?: string;
  metadata?: Record<string, string>;
}

/**
 * Called with every webhook event the platform emits, in the order the changes happened.
 *
 * @example
 * ```ts
 * const log: EventListener = (event) => console.log(event.data.type, event.data.id);
 * platform.onEvent(log);
 * ```
 */
export type EventListener = (event: WebhookEvent) => void;

/**
 * The platform's state: sessions and their threads in memory, changed only through these
 * methods. Each change bumps the resource's `updated_at` strictly monotonically (its version) and
 * emits the webhook event Anthropic sends for it. What it returns are copies: change them freely.
 *
 * @example
 * ```ts
 * const platform = createPlatform({ seed: 1 });
 * platform.onEvent((event) => console.log(event.data.type));
 * const session = platform.createSession(); // session.created
 * platform.setSessionStatus(session.id, 'running'); // session.status_run_started
 * platform.setSessionStatus(session.id, 'idle'); // session.status_idled
 * ```
 */
export interface Platform {
  readonly organizationId: string;
  readonly workspaceId: string;
  /** Every event emitted so far, oldest first. */
  readonly events: readonly WebhookEvent[];
  /** Creates a session and emits `session.created`. */
  createSession(options?: CreateSessionOptions): SimulatedSession;
  /**
   * Moves a session to a status and emits `session.status_run_started` (running),
   * `session.status_idled`, `session.status_rescheduled` or `session.status_terminated`. The same
   * status again changes nothing and emits nothing; a terminated session cannot change.
   */
  setSessionStatus(sessionId: string, status: SimulatedStatus): SimulatedSession;
  /** Sets `archived_at` and emits `session.archived`; list leaves it out unless `include_archived`. */
  archiveSession(sessionId: string): SimulatedSession;
  /** Creates a running thread in a session and emits `session.thread_created`. */
  createThread(sessionId: string, options?: { parentThreadId?: string }): SimulatedThread;
  /**
   * Moves a thread to a status; emits `session.thread_idled` or `session.thread_terminated`
   * (the API has no webhook for a thread that starts running or reschedules, but its
   * `updated_at` moves all the same).
   */
  setThreadStatus(sessionId: string, threadId: string, status: SimulatedStatus): SimulatedThread;
  /** A session as it is now, or undefined for an unknown id. */
  getSession(sessionId: string): SimulatedSession | undefined;
  /** A thread as it is now, or undefined for an unknown session or thread. */
  getThread(sessionId: string, threadId: string): SimulatedThread | undefined;
  /** Every session, in creation order (archived ones too). */
  sessions(): SimulatedSession[];
  /** A session's threads in creation order; empty for an unknown session. */
  threads(sessionId: string): SimulatedThread[];
  /** Subscribes to every event from now on; returns the unsubscribe function. */
  onEvent(listener: EventListener): () => void;
}

const SESSION_EVENTS: Record<SimulatedStatus, WebhookEventType> = {
  running: 'session.status_run_started',
  idle: 'session.status_idled',
  rescheduling: 'session.status_rescheduled',
  terminated: 'session.status_terminated',
};

const THREAD_EVENTS: Partial<Record<SimulatedStatus, WebhookEventType>> = {
  idle: 'session.thread_idled',
  terminated: 'session.thread_terminated',
};

const STATUSES: ReadonlySet<string> = new Set(['idle', 'running', 'rescheduling', 'terminated']);

interface Entry {
  session: SimulatedSession;
  threads: Map<string, SimulatedThread>;
}

/**
 * Creates an empty platform: the in-memory state machine behind the stand-in's API and sender.
 *
 * @example
 * ```ts
 * const platform = createPlatform({ seed: 'rehearsal' });
 * const { id } = platform.createSession();
 * const thread = platform.createThread(id);
 * platform.setThreadStatus(id, thread.id, 'idle'); // session.thread_idled
 * ```
 */
export function createPlatform(options: PlatformOptions = {}): Platform {
  const seed = options.seed ?? randomSeed();
  const ids = seededRandom(seed, 'ids');
  const now = options.now ?? Date.now;
  const organizationId = options.organizationId ?? makeId('org_', ids);
  const workspaceId = options.workspaceId ?? makeId('wrkspc_', ids);
  const agentId = makeId('agent_', ids);
  const environmentId = makeId('env_', ids);
  const entries = new Map<string, Entry>();
  const events: WebhookEvent[] = [];
  const listeners = new Set<EventListener>();
  const touch = options.threadsTouchSession ?? true;
  let lastCreated: string | undefined;

  const emit = (type: WebhookEventType, id: string, at: string, threadId?: string): void => {
    const data: Record<string, string> = { type, id, organization_id: organizationId, workspace_id: workspaceId };
    if (threadId !== undefined) data.session_thread_id = threadId;
    const event = { type: 'event', id: makeId('evt_', ids), created_at: at, data } as WebhookEvent;
    events.push(event);
    // A throwing listener must not leave the platform half-changed: the change has happened.
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {}
    }
  };

  const entry = (sessionId: string): Entry =>
    entries.get(sessionId) ?? fail('invalid_options', `No simulated session "${sessionId}"; create it first.`);

  const status = (value: unknown, what: string): SimulatedStatus => {
    if (typeof value === 'string' && STATUSES.has(value)) return value as SimulatedStatus;
    return fail('invalid_options', `${what} must be 'idle', 'running', 'rescheduling' or 'terminated'.`);
  };

  return {
    organizationId,
    workspaceId,
    events,
    createSession(create = {}) {
      // Non-decreasing across sessions, so creation order and created_at order agree.
      const at = nextStamp(lastCreated === undefined ? undefined : minus1(lastCreated), now());
      lastCreated = at;
      const session: SimulatedSession = {
        id: makeId('sesn_', ids),
        type: 'session',
        status: status(create.status ?? 'idle', 'createSession: status'),
        created_at: at,
        updated_at: at,
        archived_at: null,
        agent: { ...simulatedAgent(agentId), multiagent: null },
        budget: null,
        environment_id: environmentId,
        metadata: { ...create.metadata },
        outcome_evaluations: [],
        resources: [],
        stats: { active_seconds: 0, duration_seconds: 0 },
        title: create.title ?? null,
        usage: { input_tokens: 0, output_tokens: 0 },
        vault_ids: [],
        deployment_id: null,
      };
      entries.set(session.id, { session, threads: new Map() });
      emit('session.created', session.id, at);
      return structuredClone(session);
    },
    setSessionStatus(sessionId, next) {
      const { session } = entry(sessionId);
      const to = status(next, 'setSessionStatus: status');
      if (session.status === to) return structuredClone(session);
      if (session.status === 'terminated')
        fail('invalid_options', `Session ${sessionId} is terminated; it cannot change.`);
      session.status = to;
      session.updated_at = nextStamp(session.updated_at, now());
      emit(SESSION_EVENTS[to], sessionId, session.updated_at);
      return structuredClone(session);
    },
    archiveSession(sessionId) {
      const { session } = entry(sessionId);
      if (session.archived_at !== null) return structuredClone(session);
      session.updated_at = nextStamp(session.updated_at, now());
      session.archived_at = session.updated_at;
      emit('session.archived', sessionId, session.updated_at);
      return structuredClone(session);
    },
    createThread(sessionId, create = {}) {
      const { session, threads } = entry(sessionId);
      const at = nextStamp(undefined, now());
      if (touch) session.updated_at = nextStamp(session.updated_at, now());
      const thread: SimulatedThread = {
        id: makeId('sthr_', ids),
        type: 'session_thread',
        session_id: sessionId,
        status: 'running',
        created_at: at,
        updated_at: at,
        archived_at: null,
        agent: simulatedAgent(agentId),
        parent_thread_id: create.parentThreadId ?? null,
        stats: null,
        usage: null,
        workflow_run_id: null,
      };
      threads.set(thread.id, thread);
      emit('session.thread_created', sessionId, at, thread.id);
      return structuredClone(thread);
    },
    setThreadStatus(sessionId, threadId, next) {
      const { session, threads } = entry(sessionId);
      const thread =
        threads.get(threadId) ??
        fail('invalid_options', `No thread "${threadId}" in simulated session ${sessionId}; create it first.`);
      const to = status(next, 'setThreadStatus: status');
      if (thread.status === to) return structuredClone(thread);
      if (thread.status === 'terminated')
        fail('invalid_options', `Thread ${threadId} is terminated; it cannot change.`);
      thread.status = to;
      thread.updated_at = nextStamp(thread.updated_at, now());
      if (touch) session.updated_at = nextStamp(session.updated_at, now());
      const type = THREAD_EVENTS[to];
      if (type !== undefined) emit(type, sessionId, thread.updated_at, threadId);
      return structuredClone(thread);
    },
    getSession(sessionId) {
      const found = entries.get(sessionId);
      return found === undefined ? undefined : structuredClone(found.session);
    },
    getThread(sessionId, threadId) {
      const found = entries.get(sessionId)?.threads.get(threadId);
      return found === undefined ? undefined : structuredClone(found);
    },
    sessions() {
      return [...entries.values()].map((e) => structuredClone(e.session));
    },
    threads(sessionId) {
      return [...(entries.get(sessionId)?.threads.values() ?? [])].map((t) => structuredClone(t));
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

// nextStamp moves strictly past its argument; creation times only need to not go back.
function minus1(stamp: string): string {
  return new Date(Date.parse(stamp) - 1).toISOString();
}
