import type { UnknownWebhookEvent } from '../events/dispatch.js';
import type { WebhookEvent, WebhookEventOf } from '../events/types.js';
import { EVENT_RESOURCES, resourceKindOf } from '../resources/table.js';
import { resourceVersion } from './version.js';

type Table = typeof EVENT_RESOURCES;

/** Every event type about a session (`session.status_idled`, `session.updated`, …), from `EVENT_RESOURCES`. */
export type SessionEventType = { [T in keyof Table]: Table[T] extends 'session' ? T : never }[keyof Table];

/** Every event type about a session thread (`session.thread_created`, …), from `EVENT_RESOURCES`. */
export type ThreadEventType = { [T in keyof Table]: Table[T] extends 'session_thread' ? T : never }[keyof Table];

/** The event types saying a session is gone (`session.deleted`), from `EVENT_RESOURCES`. */
export type SessionGoneEventType = {
  [T in keyof Table]: Table[T] extends 'gone' ? (T extends `session.${string}` ? T : never) : never;
}[keyof Table];

const typesOf = <T extends keyof Table>(test: (type: keyof Table) => boolean): readonly T[] =>
  Object.freeze((Object.keys(EVENT_RESOURCES) as Array<keyof Table>).filter(test) as T[]);

/**
 * The event types `levelTriggered` routes to the session handler.
 *
 * @example
 * ```ts
 * SESSION_EVENT_TYPES.includes('session.status_idled'); // true
 * ```
 */
export const SESSION_EVENT_TYPES: readonly SessionEventType[] = /* @__PURE__ */ typesOf<SessionEventType>(
  (type) => EVENT_RESOURCES[type] === 'session',
);
/**
 * The event types `levelTriggered` routes to the thread handler.
 *
 * @example
 * ```ts
 * THREAD_EVENT_TYPES; // ['session.thread_created', 'session.thread_idled', 'session.thread_terminated']
 * ```
 */
export const THREAD_EVENT_TYPES: readonly ThreadEventType[] = /* @__PURE__ */ typesOf<ThreadEventType>(
  (type) => EVENT_RESOURCES[type] === 'session_thread',
);
/**
 * The event types `levelTriggered` treats as "the session is gone".
 *
 * @example
 * ```ts
 * SESSION_GONE_EVENT_TYPES; // ['session.deleted']
 * ```
 */
export const SESSION_GONE_EVENT_TYPES: readonly SessionGoneEventType[] = /* @__PURE__ */ typesOf<SessionGoneEventType>(
  (type) => EVENT_RESOURCES[type] === 'gone' && type.startsWith('session.'),
);

/**
 * The `data.reconcile` value that marks an event the sweep made rather than Anthropic sent.
 *
 * @example
 * ```ts
 * const fromSweep = (event.data as { reconcile?: string }).reconcile === SWEEP_MARKER;
 * ```
 */
export const SWEEP_MARKER = 'sweep';

/** A hint the sweep enqueued for a session: a `session.updated` event marked `reconcile: 'sweep'`. */
export type SessionSweepHint = WebhookEventOf<'session.updated'> & { data: { reconcile: typeof SWEEP_MARKER } };

/** A hint the sweep enqueued for a thread: a `session.thread_*` event marked `reconcile: 'sweep'`. */
export type ThreadSweepHint = WebhookEventOf<ThreadEventType> & { data: { reconcile: typeof SWEEP_MARKER } };

/** What the sweep enqueues: an event the level-triggered handlers treat like any other hint. */
export type SweepHint = SessionSweepHint | ThreadSweepHint;

/** The fields of a listed session the sweep reads. */
export interface ListedSession {
  id: string;
  updated_at: string;
}

/** The fields of a listed thread the sweep reads. */
export interface ListedThread {
  id: string;
  session_id: string;
  updated_at: string;
  status: string;
}

/**
 * The hint the sweep enqueues for a session that changed: a `session.updated` event whose id,
 * `sweep_session_<id>_<version>`, is the same for every sweep that sees this version — so the
 * queue keeps one job per (session, version) however many sweeps run before a worker takes it.
 * `created_at` is the session's `updated_at`; `organization_id` is empty (the list does not say);
 * `workspace_id` is the one the sweep lists with, or empty.
 *
 * @example
 * ```ts
 * const hint = sessionHint({ id: 'sesn_1', updated_at: '2026-04-01T12:00:00.123456Z' });
 * hint.id; // 'sweep_session_sesn_1_1775044800123456'
 * ```
 */
export function sessionHint(session: ListedSession, workspaceId = ''): SessionSweepHint {
  return {
    type: 'event',
    id: `sweep_session_${session.id}_${resourceVersion(session.updated_at)}`,
    created_at: session.updated_at,
    data: {
      type: 'session.updated',
      id: session.id,
      organization_id: '',
      workspace_id: workspaceId,
      reconcile: SWEEP_MARKER,
    },
  };
}

/**
 * The hint the sweep enqueues for a thread that changed, id `sweep_thread_<session>_<thread>_<version>`.
 * Its type follows the thread's status (`idle` → `session.thread_idled`, `terminated` →
 * `session.thread_terminated`, else `session.thread_created`); level-triggered handlers read
 * the thread itself, so the type only routes the hint.
 *
 * @example
 * ```ts
 * const hint = threadHint({ id: 'sthr_1', session_id: 'sesn_1', status: 'idle', updated_at: '2026-04-01T12:00:00Z' });
 * hint.data.type; // 'session.thread_idled'
 * ```
 */
export function threadHint(thread: ListedThread, workspaceId = ''): ThreadSweepHint {
  const type: ThreadEventType =
    thread.status === 'idle'
      ? 'session.thread_idled'
      : thread.status === 'terminated'
        ? 'session.thread_terminated'
        : 'session.thread_created';
  return {
    type: 'event',
    id: `sweep_thread_${thread.session_id}_${thread.id}_${resourceVersion(thread.updated_at)}`,
    created_at: thread.updated_at,
    data: {
      type,
      id: thread.session_id,
      session_thread_id: thread.id,
      organization_id: '',
      workspace_id: workspaceId,
      reconcile: SWEEP_MARKER,
    },
  };
}

/**
 * Whether an event is a hint the sweep enqueued (`data.reconcile === 'sweep'`) rather than a
 * delivery from Anthropic. A delivery cannot pass for one: the receiver's events are verified,
 * and Anthropic's data has no `reconcile` field.
 *
 * @example
 * ```ts
 * if (isSweepHint(event)) metrics.increment('reconciled');
 * ```
 */
export function isSweepHint(event: WebhookEvent | UnknownWebhookEvent): boolean {
  return (event.data as { reconcile?: unknown }).reconcile === SWEEP_MARKER;
}

/** The store key of the resource an event is about, or undefined when it is not a session or thread. */
export function resourceKey(event: WebhookEvent | UnknownWebhookEvent): string | undefined {
  const data = event.data as { type: string; id: unknown; session_thread_id?: unknown };
  if (typeof data.id !== 'string' || data.id === '') return undefined;
  const kind = resourceKindOf(data.type);
  if (kind === 'session' || (kind === 'gone' && data.type.startsWith('session.'))) return sessionKey(data.id);
  if (kind === 'session_thread' && typeof data.session_thread_id === 'string' && data.session_thread_id !== '') {
    return threadKey(data.id, data.session_thread_id);
  }
  return undefined;
}

/** The store key of a session. */
export function sessionKey(sessionId: string): string {
  return `session:${sessionId}`;
}

/** The store key of a thread. */
export function threadKey(sessionId: string, threadId: string): string {
  return `session_thread:${sessionId}:${threadId}`;
}
