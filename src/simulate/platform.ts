import { fail } from '../core/errors.js';
import { clockOption, durationOption, type Clock } from '../core/options.js';
import type { WebhookEvent, WebhookEventType } from '../events/types.js';
import { scriptReactions, type AgentScript, type NewEvent, type Turn, type TurnContext } from './agents.js';
import { nextStamp } from './clock.js';
import { makeId } from './ids.js';
import { BadRequest } from './pagination.js';
import { randomSeed, seededRandom, type Seed } from './prng.js';
import {
  simulatedAgent,
  type SimulatedAgent,
  type SimulatedSession,
  type SimulatedStatus,
  type SimulatedThread,
} from './resources.js';
import { readSendableEvents } from './send-events.js';
import type { SendableEvent, SimulatedSessionEvent, SimulatedStopReason } from './session-events.js';

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
  /**
   * The clock: a `Date`, ms since the epoch, or a function giving either, as every `now` option
   * takes; the system clock when left out. A fixed one still gives strictly increasing stamps.
   */
  now?: Clock;
  /**
   * Whether a thread's creation or status change also moves its session's `updated_at` (without
   * a session event), as a session's usage and stats follow its threads; default true. A sweep
   * that lists only the threads of sessions whose `updated_at` moved relies on it.
   */
  threadsTouchSession?: boolean;
  /** Milliseconds between two steps of a scripted agent's turn; 1 by default. */
  agentStepMs?: number;
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
  /** The agent it runs: an id from `createAgent`; the platform's unscripted agent when left out. */
  agent?: string;
  /** Its `environment_id`; the platform's one when left out. */
  environmentId?: string;
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
  /**
   * Registers an agent that follows `script` in every session created with its id (see
   * `AgentScript`), and returns it as sessions report it.
   */
  createAgent(script: AgentScript, options?: { name?: string }): SimulatedAgent;
  /** An agent (scripted, or the platform's unscripted one), or undefined for an unknown id. */
  getAgent(agentId: string): SimulatedAgent | undefined;
  /** A session's event list, oldest first (what `events.list` pages through); empty for an unknown session. */
  sessionEvents(sessionId: string): SimulatedSessionEvent[];
  /**
   * Records events in a session's list as `client.beta.sessions.events.send` does, and returns
   * them with their ids. Its scripted agent reacts shortly after, one turn at a time. Throws
   * for an unknown, archived or terminated session, and for a `user.tool_confirmation` whose
   * `tool_use_id` names no tool use the session waits on; then nothing is recorded.
   */
  sendEvents(sessionId: string, events: readonly SendableEvent[]): SimulatedSessionEvent[];
  /** Resolves once every scripted agent has played every turn it was given so far. */
  settled(): Promise<void>;
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
  log: SimulatedSessionEvent[];
  /** Tool uses the session waits on (named by its last requires_action idle, not yet answered). */
  waiting: Set<string>;
  react: ((event: SimulatedSessionEvent) => Turn | undefined) | undefined;
  /** The turns played so far, in order: each starts after the one before ends. */
  turns: Promise<void>;
}

const STATUS_EVENTS = {
  running: 'session.status_running',
  idle: 'session.status_idle',
  rescheduling: 'session.status_rescheduled',
  terminated: 'session.status_terminated',
} as const;

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
  const now = clockOption(options.now, 'createPlatform: now');
  const organizationId = options.organizationId ?? makeId('org_', ids);
  const workspaceId = options.workspaceId ?? makeId('wrkspc_', ids);
  const agentId = makeId('agent_', ids);
  const environmentId = makeId('env_', ids);
  // Streams of their own, so sessions' ids stay what they were for a seed before agents existed.
  const eventIds = seededRandom(seed, 'session-events');
  const agentIds = seededRandom(seed, 'agents');
  const stepMs = durationOption(options.agentStepMs, 'createPlatform: agentStepMs', {
    unit: 'ms',
    fallback: 1,
    kind: 'offset',
  });
  const agents = new Map<string, { agent: SimulatedAgent; script: AgentScript | undefined }>([
    [agentId, { agent: simulatedAgent(agentId), script: undefined }],
  ]);
  let playing: Promise<void> = Promise.resolve();
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

  const append = <E extends NewEvent>(found: Entry, event: E): E & { id: string; processed_at: string } => {
    const last = found.log[found.log.length - 1];
    const full = { id: makeId('sevt_', eventIds), processed_at: nextStamp(last?.processed_at, now()), ...event };
    found.log.push(full as unknown as SimulatedSessionEvent);
    return full;
  };

  // Every status change writes its event to the session's list as well as its webhook, so a
  // client reading the list (idleReason) sees what the webhook announced.
  const changeStatus = (sessionId: string, to: SimulatedStatus, stop: SimulatedStopReason): SimulatedSession => {
    const found = entry(sessionId);
    const { session } = found;
    if (session.status === to) return structuredClone(session);
    if (session.status === 'terminated')
      fail('invalid_options', `Session ${sessionId} is terminated; it cannot change.`);
    session.status = to;
    session.updated_at = nextStamp(session.updated_at, now());
    if (to === 'idle') {
      found.waiting = new Set(stop.type === 'requires_action' ? stop.event_ids : []);
      append(found, { type: 'session.status_idle', stop_reason: structuredClone(stop), stop_details: null });
    } else {
      append(found, { type: STATUS_EVENTS[to] });
    }
    emit(SESSION_EVENTS[to], sessionId, session.updated_at);
    return structuredClone(session);
  };

  const play = (sessionId: string, found: Entry, event: SimulatedSessionEvent): void => {
    const react = found.react;
    if (react === undefined) return;
    const ctx: TurnContext = {
      append: (next) => append(found, next),
      setStatus: (to, stop = { type: 'end_turn' }) => void changeStatus(sessionId, to, stop),
      outcomeEnded: (evaluation) => {
        const { session } = found;
        const others = session.outcome_evaluations.filter((e) => e.outcome_id !== evaluation.outcome_id);
        session.outcome_evaluations = [...others, structuredClone(evaluation)];
        session.updated_at = nextStamp(session.updated_at, now());
        emit('session.outcome_evaluation_ended', sessionId, session.updated_at);
      },
      newId: (prefix) => makeId(prefix, eventIds),
    };
    found.turns = found.turns.then(async () => {
      const turn = react(event) ?? [];
      for (const step of turn) {
        await new Promise((resolve) => setTimeout(resolve, stepMs));
        // An archived or terminated session stops its agent mid-turn, as on the platform.
        if (found.session.archived_at !== null || found.session.status === 'terminated') return;
        step(ctx);
      }
    });
    // A failing step ends its turn, never the ones after it nor the process.
    found.turns = found.turns.catch(() => {});
    playing = Promise.all([playing, found.turns]).then(() => {});
  };

  return {
    organizationId,
    workspaceId,
    events,
    createSession(create = {}) {
      const agent =
        agents.get(create.agent ?? agentId) ??
        fail(
          'invalid_options',
          `createSession: no agent "${String(create.agent)}"; register it with createAgent first.`,
        );
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
        agent: { ...structuredClone(agent.agent), multiagent: null },
        budget: null,
        environment_id: create.environmentId ?? environmentId,
        metadata: { ...create.metadata },
        outcome_evaluations: [],
        resources: [],
        stats: { active_seconds: 0, duration_seconds: 0 },
        title: create.title ?? null,
        usage: { input_tokens: 0, output_tokens: 0 },
        vault_ids: [],
        deployment_id: null,
      };
      entries.set(session.id, {
        session,
        threads: new Map(),
        log: [],
        waiting: new Set(),
        react: agent.script === undefined ? undefined : scriptReactions(agent.script),
        turns: Promise.resolve(),
      });
      emit('session.created', session.id, at);
      return structuredClone(session);
    },
    setSessionStatus(sessionId, next) {
      return changeStatus(sessionId, status(next, 'setSessionStatus: status'), { type: 'end_turn' });
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
    createAgent(script, create = {}) {
      checkScript(script);
      const agent = simulatedAgent(makeId('agent_', agentIds), create.name ?? `Scripted agent (${script.kind})`);
      agents.set(agent.id, { agent, script: structuredClone(script) });
      return structuredClone(agent);
    },
    getAgent(id) {
      const found = agents.get(id);
      return found === undefined ? undefined : structuredClone(found.agent);
    },
    sessionEvents(sessionId) {
      return structuredClone(entries.get(sessionId)?.log ?? []);
    },
    sendEvents(sessionId, unchecked) {
      const found = entry(sessionId);
      const sent = checkEvents(unchecked);
      if (found.session.archived_at !== null)
        fail('invalid_options', `Session ${sessionId} is archived; it takes no more events.`);
      if (found.session.status === 'terminated')
        fail('invalid_options', `Session ${sessionId} is terminated; it takes no more events.`);
      // Checked in full before anything is recorded: a request is taken whole or not at all.
      const waiting = new Set(found.waiting);
      sent.forEach((event, i) => {
        if (event.type !== 'user.tool_confirmation') return;
        if (!waiting.delete(event.tool_use_id))
          fail(
            'invalid_options',
            `events.${i}.tool_use_id: ${event.tool_use_id} is not a tool use session ${sessionId} waits on; ` +
              'answer the ids in the latest session.status_idle stop_reason.event_ids.',
          );
      });
      found.waiting = waiting;
      const recorded = sent.map((event) => {
        const copy = structuredClone(event) as NewEvent;
        if (copy.type === 'user.define_outcome') {
          const { max_iterations, ...rest } = copy as SendableEvent & { type: 'user.define_outcome' };
          return append(found, {
            ...rest,
            outcome_id: makeId('outc_', eventIds),
            max_iterations: max_iterations ?? null,
          });
        }
        return append(found, copy);
      });
      for (const event of recorded) play(sessionId, found, event);
      return structuredClone(recorded);
    },
    settled() {
      // Turns queued while waiting are waited for too.
      const waitFor = async (seen: Promise<void>): Promise<void> => {
        await seen;
        if (playing !== seen) await waitFor(playing);
      };
      return waitFor(playing);
    },
  };
}

// nextStamp moves strictly past its argument; creation times only need to not go back.
function minus1(stamp: string): string {
  return new Date(Date.parse(stamp) - 1).toISOString();
}

const KINDS: ReadonlySet<string> = new Set(['approval', 'outcome', 'finish', 'retries_exhausted']);

function checkScript(script: AgentScript): void {
  const kind = (script as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !KINDS.has(kind))
    fail('invalid_options', "createAgent: script.kind must be 'approval', 'outcome', 'finish' or 'retries_exhausted'.");
  if (script.kind === 'outcome' && !(Number.isInteger(script.failures) && script.failures >= 0))
    fail('invalid_options', 'createAgent: an outcome script needs failures, a whole number from 0.');
}

// The API route checked them already; a direct caller gets the same checks, as the library's error.
function checkEvents(events: readonly SendableEvent[]): SendableEvent[] {
  try {
    return readSendableEvents(events);
  } catch (error) {
    if (error instanceof BadRequest) fail('invalid_options', `sendEvents: ${error.message}`);
    throw error;
  }
}
