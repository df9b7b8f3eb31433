import type { BetaManagedAgentsSessionEvent, EventListParams } from '@anthropic-ai/sdk/resources/beta/sessions';
import type { FetchResourceOptions } from './client.js';
import { isNotFound } from './not-found.js';
import { workspaceScope } from './workspace-scope.js';

/**
 * One page of a session's events, as `client.beta.sessions.events.list(…)` resolves to it (the
 * SDK's `PageCursor`): the events of the page and the cursor of the next one.
 */
export interface SessionEventsPage {
  readonly data: readonly BetaManagedAgentsSessionEvent[];
  readonly next_page: string | null;
}

/**
 * The part of an `@anthropic-ai/sdk` client (`new Anthropic()`) that `idleReason` and
 * `outcomeEvaluation` call: `beta.sessions.events.list`, one page per call. The result is a
 * `PromiseLike` rather than the SDK's `PagePromise` class, so a client from a second copy of the
 * SDK fits too.
 */
export interface SessionEventsClient {
  beta: {
    sessions: {
      events: {
        /** `client.beta.sessions.events.list(sessionId, params, options)`: one page of the session's events. */
        list(
          sessionId: string,
          params: EventListParams,
          options?: FetchResourceOptions,
        ): PromiseLike<SessionEventsPage>;
      };
    };
  };
}

/** The webhook event fields the helpers read: the session's id and, when present, its workspace. */
export interface SessionRef {
  readonly sessionId: string;
  readonly scope: { workspace_id?: string };
}

/**
 * The session an event is about, checked before any request; `caller` names the helper in the
 * message.
 */
export function sessionRef(event: unknown, caller: string): SessionRef & { readonly data: Record<string, unknown> } {
  const data = typeof event === 'object' && event !== null ? (event as { data?: unknown }).data : undefined;
  if (typeof data !== 'object' || data === null) {
    throw new TypeError(`${caller}: expected a webhook event (from unwrap) with a data object.`);
  }
  const fields = data as Record<string, unknown>;
  const id = fields['id'];
  if (typeof id !== 'string' || id === '') {
    throw new TypeError(`${caller}: expected event.data.id to be the session's id (a non-empty string).`);
  }
  return { sessionId: id, scope: workspaceScope(fields), data: fields };
}

/**
 * A session, or one of its threads, named by its ids: what `idleReason` and `outcomeEvaluation`
 * take where no webhook event of their type is at hand — in a `levelTriggered` handler, which any
 * `session.*` event or a sweep hint may have started, or in a script.
 *
 * @example
 * ```ts
 * const subject: SessionSubject = { sessionId: session.id, workspaceId: event.data.workspace_id };
 * ```
 */
export interface SessionSubject {
  /** The session's id (`sesn_…`). */
  readonly sessionId: string;
  /** A thread's id (`sthr_…`): `idleReason` then answers for that thread. */
  readonly threadId?: string | undefined;
  /** Sent as the SDK's `workspace_id`, for a key that can act on several Workspaces. */
  readonly workspaceId?: string | undefined;
}

/** Whether the helpers were given a `SessionSubject` rather than a webhook event. */
export function isSessionSubject(input: unknown): input is SessionSubject {
  return typeof input === 'object' && input !== null && 'sessionId' in input && !('data' in input);
}

/**
 * A `SessionSubject`'s ids, checked before any request the way `sessionRef` checks an event's;
 * `caller` names the helper in the message.
 */
export function subjectRef(subject: SessionSubject, caller: string): SessionRef & { readonly threadId?: string } {
  const { sessionId, threadId, workspaceId } = subject;
  if (typeof sessionId !== 'string' || sessionId === '') {
    throw new TypeError(`${caller}: expected sessionId to be the session's id (a non-empty string).`);
  }
  if (threadId !== undefined && (typeof threadId !== 'string' || threadId === '')) {
    throw new TypeError(`${caller}: expected threadId to be a thread's id (a non-empty string) or left out.`);
  }
  const scope = workspaceScope({ workspace_id: workspaceId });
  return threadId === undefined ? { sessionId, scope } : { sessionId, scope, threadId };
}

/**
 * Fails before any request when the client has no `beta.sessions.events.list` (not an SDK
 * client, or one too old for Managed Agents), rather than with a TypeError from deep inside.
 */
export function checkEventsClient(client: unknown, caller: string): void {
  const list = (client as { beta?: { sessions?: { events?: { list?: unknown } } } } | null | undefined)?.beta?.sessions
    ?.events?.list;
  if (typeof list !== 'function') {
    throw new TypeError(
      `${caller}: the client has no beta.sessions.events.list. Pass an @anthropic-ai/sdk client ` +
        '(new Anthropic()) of a version with Managed Agents sessions: >=1.12 <2.',
    );
  }
}

/** One page, or `'gone'` when the API answers 404 (the session was deleted). */
export async function listPage(
  client: SessionEventsClient,
  sessionId: string,
  params: EventListParams,
  options: FetchResourceOptions | undefined,
): Promise<SessionEventsPage | 'gone'> {
  try {
    return await client.beta.sessions.events.list(sessionId, params, options);
  } catch (err) {
    if (isNotFound(err)) return 'gone';
    throw err;
  }
}
