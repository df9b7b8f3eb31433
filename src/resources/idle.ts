import type {
  BetaManagedAgentsAgentCustomToolUseEvent,
  BetaManagedAgentsAgentMCPToolUseEvent,
  BetaManagedAgentsAgentToolUseEvent,
  BetaManagedAgentsSessionBudgetReached,
  BetaManagedAgentsSessionEndTurn,
  BetaManagedAgentsSessionEvent,
  BetaManagedAgentsSessionEventType,
  BetaManagedAgentsSessionRefusal,
  BetaManagedAgentsSessionRequiresAction,
  BetaManagedAgentsSessionRetriesExhausted,
  BetaManagedAgentsSessionStatusIdleEvent,
  BetaManagedAgentsSessionStatusRescheduledEvent,
  BetaManagedAgentsSessionStatusRunningEvent,
  BetaManagedAgentsSessionStatusTerminatedEvent,
  BetaManagedAgentsSessionThreadStatusIdleEvent,
  BetaManagedAgentsSessionThreadStatusRescheduledEvent,
  BetaManagedAgentsSessionThreadStatusRunningEvent,
  BetaManagedAgentsSessionThreadStatusTerminatedEvent,
} from '@anthropic-ai/sdk/resources/beta/sessions';
import type { WebhookEventOf } from '../events/types.js';
import type { FetchResourceOptions } from './client.js';
import {
  checkEventsClient,
  isSessionSubject,
  listPage,
  sessionRef,
  subjectRef,
  type SessionEventsClient,
  type SessionSubject,
} from './session-events.js';

/**
 * The webhook event types `idleReason` answers for: the session went idle (`session.status_idled`,
 * `session.idled`, `session.requires_action`) or one of its threads did (`session.thread_idled`).
 */
export type IdleWebhookEventType =
  'session.status_idled' | 'session.idled' | 'session.requires_action' | 'session.thread_idled';

/**
 * A webhook event `idleReason` takes: one of `IdleWebhookEventType`, as `unwrap` returns it
 * narrowed (in a `dispatch` handler, or after `switch (event.data.type)`).
 */
export type IdleWebhookEvent = { [T in IdleWebhookEventType]: WebhookEventOf<T> }[IdleWebhookEventType];

/**
 * A tool call the agent waits on, as the session's event list has it: a built-in tool or an MCP
 * tool waiting for `user.tool_confirmation` (or `user.tool_result`), or a custom tool waiting for
 * `user.custom_tool_result`. Answer it with its `id` as `tool_use_id` / `custom_tool_use_id`.
 */
export type PendingToolUse =
  BetaManagedAgentsAgentToolUseEvent | BetaManagedAgentsAgentMCPToolUseEvent | BetaManagedAgentsAgentCustomToolUseEvent;

/** The SDK's idle event of a session (`session.status_idle`) or of a thread (`session.thread_status_idle`). */
export type IdleStatusEvent = BetaManagedAgentsSessionStatusIdleEvent | BetaManagedAgentsSessionThreadStatusIdleEvent;

/** The idle event `I` with its `stop_reason` narrowed to `R`. */
export type IdleWith<I extends IdleStatusEvent, R> = I & { stop_reason: R };

/**
 * The agent waits on tool calls: `pending` are the `agent.tool_use`, `agent.mcp_tool_use` and
 * `agent.custom_tool_use` events named by `idle.stop_reason.event_ids`, in that order.
 * `unresolved` are the ids among them not found within the two requests (older than two pages
 * of the event list, or of an event type newer than the SDK); usually empty.
 *
 * @typeParam I - `BetaManagedAgentsSessionStatusIdleEvent` for a session,
 *   `BetaManagedAgentsSessionThreadStatusIdleEvent` for a thread.
 */
export interface IdleRequiresAction<I extends IdleStatusEvent = IdleStatusEvent> {
  readonly reason: 'requires_action';
  readonly idle: IdleWith<I, BetaManagedAgentsSessionRequiresAction>;
  readonly pending: readonly PendingToolUse[];
  readonly unresolved: readonly string[];
}

/**
 * Idle for a reason other than waiting on tool calls, each with the idle event saying so:
 * `end_turn` (the agent finished its turn; its last `agent.message` is its answer),
 * `retries_exhausted` (repeated errors used up the retry budget), `budget_reached` (the session's
 * cost budget), or `refusal` (the model's response was refused; `idle.stop_details` says why).
 *
 * @typeParam I - the idle event type, as for `IdleRequiresAction`.
 */
export type IdleStopped<I extends IdleStatusEvent = IdleStatusEvent> =
  | { readonly reason: 'end_turn'; readonly idle: IdleWith<I, BetaManagedAgentsSessionEndTurn> }
  | { readonly reason: 'retries_exhausted'; readonly idle: IdleWith<I, BetaManagedAgentsSessionRetriesExhausted> }
  | { readonly reason: 'budget_reached'; readonly idle: IdleWith<I, BetaManagedAgentsSessionBudgetReached> }
  | { readonly reason: 'refusal'; readonly idle: IdleWith<I, BetaManagedAgentsSessionRefusal> };

/**
 * The reason is not one this version knows: `idle` is the latest idle event, whose `stop_reason`
 * is newer than the SDK; or `null` when no idle event was found within the two requests.
 *
 * @typeParam I - the idle event type, as for `IdleRequiresAction`.
 */
export interface IdleUnknown<I extends IdleStatusEvent = IdleStatusEvent> {
  readonly reason: 'unknown';
  readonly idle: I | null;
}

/**
 * No longer idle: a status event newer than the latest idle event says the session (or thread)
 * is running again, retrying, or terminated — the idle state the webhook reported has passed
 * (already answered, for instance). `status` is that event.
 *
 * @typeParam S - the session's status events, or the thread's.
 */
export interface NoLongerIdle<S> {
  readonly reason: 'not_idle';
  readonly status: S;
}

/** The session no longer exists: the API answered 404. */
export interface IdleGone {
  readonly reason: 'gone';
}

/** The session's status events other than idle, for `NoLongerIdle`. */
export type SessionStatusEvent =
  | BetaManagedAgentsSessionStatusRunningEvent
  | BetaManagedAgentsSessionStatusRescheduledEvent
  | BetaManagedAgentsSessionStatusTerminatedEvent;

/** A thread's status events other than idle, for `NoLongerIdle`. */
export type ThreadStatusEvent =
  | BetaManagedAgentsSessionThreadStatusRunningEvent
  | BetaManagedAgentsSessionThreadStatusRescheduledEvent
  | BetaManagedAgentsSessionThreadStatusTerminatedEvent;

type ReasonOf<I extends IdleStatusEvent, S> =
  IdleRequiresAction<I> | IdleStopped<I> | IdleUnknown<I> | NoLongerIdle<S> | IdleGone;

/**
 * What `idleReason` resolves to for an event of type `T`; `switch (result.reason)` narrows it.
 * For `session.thread_idled` the events are the thread's (`session.thread_status_idle`, …), for
 * the session types the session's (`session.status_idle`, …).
 *
 * @example
 * ```ts
 * const why: IdleReason<'session.status_idled'> = await idleReason(client, event);
 * if (why.reason === 'requires_action') for (const call of why.pending) console.log(call.name, call.input);
 * ```
 */
export type IdleReason<T extends IdleWebhookEventType = IdleWebhookEventType> = T extends 'session.thread_idled'
  ? ReasonOf<BetaManagedAgentsSessionThreadStatusIdleEvent, ThreadStatusEvent>
  : ReasonOf<BetaManagedAgentsSessionStatusIdleEvent, SessionStatusEvent>;

const TOOL_USE_TYPES = ['agent.tool_use', 'agent.mcp_tool_use', 'agent.custom_tool_use'] as const;
const SESSION_STATUS_TYPES = [
  'session.status_idle',
  'session.status_running',
  'session.status_rescheduled',
  'session.status_terminated',
] as const;
const THREAD_STATUS_TYPES = [
  'session.thread_status_idle',
  'session.thread_status_running',
  'session.thread_status_rescheduled',
  'session.thread_status_terminated',
] as const;
const IDLE_TYPES: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'session.status_idled',
  'session.idled',
  'session.requires_action',
  'session.thread_idled',
]);

// Events per request. The latest idle event and the calls it waits on are usually among the
// newest few; a page this size leaves room for many tool calls of one turn in between.
const PAGE_SIZE = 100;
const MAX_REQUESTS = 2;

/**
 * Why a session (or one of its threads) is idle — the question every `session.status_idled` /
 * `session.thread_idled` handler asks first, since the webhook only says *that* it went idle. It
 * reads the session's latest idle event (`session.status_idle`, or the thread's
 * `session.thread_status_idle`) and, when that waits on tool calls, the tool-use events it names,
 * in at most two `client.beta.sessions.events.list` requests:
 *
 * - `{ reason: 'requires_action', idle, pending, unresolved }`: `pending` are the SDK's
 *   `agent.tool_use` / `agent.mcp_tool_use` / `agent.custom_tool_use` events to answer (with
 *   `client.beta.sessions.events.send`: `user.tool_confirmation`, `user.custom_tool_result`);
 * - `{ reason: 'end_turn' | 'retries_exhausted' | 'budget_reached' | 'refusal', idle }`;
 * - `{ reason: 'unknown', idle }`: a `stop_reason` newer than the SDK, or `idle: null` when no idle
 *   event was found;
 * - `{ reason: 'not_idle', status }`: a newer running, rescheduled or terminated status event —
 *   the idle state has passed, e.g. a re-delivered webhook after the human already answered;
 * - `{ reason: 'gone' }`: the API answered 404.
 *
 * It answers from the session's current event list, not from the moment the webhook was sent, so
 * a re-delivery or a late worker sees the state as it is now (level-triggered).
 *
 * How: the first request lists the newest events of the status and tool-use types only
 * (`order: 'desc'`, `types`, `limit: 100`); the second, only when the idle event or a call it
 * waits on is not on the first page, reads the next page. A thread's events are read from the
 * session's list too, where the platform cross-posts each child thread's status events and the
 * tool calls it waits on with their `session_thread_id`: the thread's own list
 * (`beta.sessions.threads.events.list`) is oldest-first with no `order` parameter, so its latest
 * idle event could be any number of pages away.
 *
 * The event's `workspace_id` is sent as the SDK's `workspace_id` (`anthropic-workspace-id`);
 * `options` go to each SDK call unchanged (`signal`, `timeout`, `maxRetries`, `headers`). Any
 * other API failure rejects with the SDK's own error. A client without
 * `beta.sessions.events.list`, or an event of another type or without its ids, rejects with a
 * `TypeError` before any request.
 *
 * Where no idle webhook is at hand — a `levelTriggered` handler, started by any `session.*` event
 * or a sweep hint, has the session as it is now — pass a `SessionSubject` instead of the event:
 * `idleReason(client, { sessionId, workspaceId })`, with `threadId` for a thread. The answer is the
 * same; only the ids come from elsewhere.
 *
 * @example
 * ```ts
 * import Anthropic from '@anthropic-ai/sdk';
 * import { dispatch } from 'managed-agents-webhooks';
 * import { idleReason } from 'managed-agents-webhooks/resources';
 *
 * const client = new Anthropic();
 * await dispatch(event, {
 *   'session.status_idled': async (e) => {
 *     const why = await idleReason(client, e, { timeout: 10_000 });
 *     if (why.reason !== 'requires_action') return;
 *     for (const call of why.pending) {
 *       // BetaManagedAgentsAgentToolUseEvent | …MCPToolUseEvent | …CustomToolUseEvent
 *       await askHuman(e.data.id, call.id, call.name, call.input);
 *     }
 *   },
 * });
 *
 * // In a levelTriggered session handler: the session, and the hint that led there.
 * const why = await idleReason(client, { sessionId: session.id, workspaceId: hint.data.workspace_id });
 * ```
 */
export function idleReason<E extends IdleWebhookEvent>(
  client: SessionEventsClient,
  event: E,
  options?: FetchResourceOptions,
): Promise<IdleReason<E['data']['type']>>;
export function idleReason<S extends SessionSubject>(
  client: SessionEventsClient,
  subject: S,
  options?: FetchResourceOptions,
): Promise<IdleReason<S extends { threadId: string } ? 'session.thread_idled' : 'session.status_idled'>>;
export async function idleReason(
  client: SessionEventsClient,
  input: IdleWebhookEvent | SessionSubject,
  options?: FetchResourceOptions,
): Promise<IdleReason> {
  if (isSessionSubject(input)) {
    const { sessionId, scope, threadId } = subjectRef(input, 'idleReason');
    checkEventsClient(client, 'idleReason');
    return (await read(client, sessionId, threadId, scope, options)) as IdleReason;
  }
  const { sessionId, scope, data } = sessionRef(input, 'idleReason');
  const type = data['type'];
  if (typeof type !== 'string' || !IDLE_TYPES.has(type)) {
    throw new TypeError(
      `idleReason: expected a ${[...IDLE_TYPES].join(', ')} event, got ${JSON.stringify(type)}. ` +
        'For an outcome evaluation use outcomeEvaluation.',
    );
  }
  let threadId: string | undefined;
  if (type === 'session.thread_idled') {
    const thread = data['session_thread_id'];
    if (typeof thread !== 'string' || thread === '') {
      throw new TypeError(
        'idleReason: a session.thread_idled event needs data.session_thread_id (a non-empty string).',
      );
    }
    threadId = thread;
  }
  checkEventsClient(client, 'idleReason');
  return (await read(client, sessionId, threadId, scope, options)) as IdleReason;
}

type AnyReason = ReasonOf<IdleStatusEvent, SessionStatusEvent | ThreadStatusEvent>;

async function read(
  client: SessionEventsClient,
  sessionId: string,
  threadId: string | undefined,
  scope: { workspace_id?: string },
  options: FetchResourceOptions | undefined,
): Promise<AnyReason> {
  const statusTypes: readonly BetaManagedAgentsSessionEventType[] =
    threadId === undefined ? SESSION_STATUS_TYPES : THREAD_STATUS_TYPES;
  const isStatus = (type: string): boolean => (statusTypes as readonly string[]).includes(type);
  const params = { ...scope, order: 'desc' as const, limit: PAGE_SIZE, types: [...statusTypes, ...TOOL_USE_TYPES] };
  // Tool-use events seen so far, by id: the calls an idle event names may come before or after
  // it on a page, or on the next page.
  const toolUses = new Map<string, PendingToolUse>();
  let idle: IdleStatusEvent | undefined;
  let page: string | null = null;
  for (let request = 0; request < MAX_REQUESTS; request++) {
    const answer = await listPage(client, sessionId, page === null ? params : { ...params, page }, options);
    if (answer === 'gone') return { reason: 'gone' };
    for (const item of answer.data) {
      if (isToolUse(item)) {
        toolUses.set(item.id, item);
        continue;
      }
      if (idle !== undefined || !isStatus(item.type)) continue;
      // A thread's status events share the session's list with those of the other threads.
      if (threadId !== undefined && (item as { session_thread_id?: unknown }).session_thread_id !== threadId) continue;
      if (item.type !== 'session.status_idle' && item.type !== 'session.thread_status_idle') {
        return { reason: 'not_idle', status: item as SessionStatusEvent | ThreadStatusEvent };
      }
      idle = item;
    }
    if (idle !== undefined && missing(idle, toolUses).length === 0) break;
    if (answer.next_page === null || answer.next_page === undefined || answer.next_page === '') break;
    page = answer.next_page;
  }
  if (idle === undefined) return { reason: 'unknown', idle: null };
  return classify(idle, toolUses);
}

function classify(idle: IdleStatusEvent, toolUses: ReadonlyMap<string, PendingToolUse>): AnyReason {
  // The SDK's union is closed, but a newer API may send a stop_reason it does not list.
  const stop = idle.stop_reason as { type?: unknown } | null | undefined;
  switch (stop?.type) {
    case 'requires_action': {
      const ids = eventIds(idle);
      const pending: PendingToolUse[] = [];
      const unresolved: string[] = [];
      for (const id of ids) {
        const found = toolUses.get(id);
        if (found === undefined) unresolved.push(id);
        else pending.push(found);
      }
      return {
        reason: 'requires_action',
        idle: idle as IdleWith<IdleStatusEvent, BetaManagedAgentsSessionRequiresAction>,
        pending,
        unresolved,
      };
    }
    case 'end_turn':
    case 'retries_exhausted':
    case 'budget_reached':
    case 'refusal':
      return { reason: stop.type, idle } as AnyReason;
    default:
      return { reason: 'unknown', idle };
  }
}

function missing(idle: IdleStatusEvent, toolUses: ReadonlyMap<string, PendingToolUse>): string[] {
  return eventIds(idle).filter((id) => !toolUses.has(id));
}

// Only for requires_action; anything else waits on nothing.
function eventIds(idle: IdleStatusEvent): readonly string[] {
  const stop = idle.stop_reason as { type?: unknown; event_ids?: unknown } | null | undefined;
  if (stop?.type !== 'requires_action' || !Array.isArray(stop.event_ids)) return [];
  return stop.event_ids.filter((id): id is string => typeof id === 'string');
}

function isToolUse(event: BetaManagedAgentsSessionEvent): event is PendingToolUse {
  return (TOOL_USE_TYPES as readonly string[]).includes(event.type);
}
