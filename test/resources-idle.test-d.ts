// Type-level tests for idleReason and outcomeEvaluation, checked by `tsc -p tsconfig.test.json`
// (npm run typecheck): narrowing on the result's discriminant gives the SDK's own event types,
// a thread event gives the thread's, and an event the helper does not answer for does not compile.
import Anthropic from '@anthropic-ai/sdk';
import type {
  BetaManagedAgentsAgentCustomToolUseEvent,
  BetaManagedAgentsAgentMCPToolUseEvent,
  BetaManagedAgentsAgentToolUseEvent,
  BetaManagedAgentsSessionEndTurn,
  BetaManagedAgentsSessionRefusal,
  BetaManagedAgentsSessionRequiresAction,
  BetaManagedAgentsSessionStatusIdleEvent,
  BetaManagedAgentsSessionStatusRunningEvent,
  BetaManagedAgentsSessionThreadStatusIdleEvent,
  BetaManagedAgentsSpanOutcomeEvaluationEndEvent,
} from '@anthropic-ai/sdk/resources/beta/sessions';
import { dispatch, type WebhookEvent, type WebhookEventOf } from '../src/index.js';
import {
  idleReason,
  outcomeEvaluation,
  type IdleReason,
  type NoLongerIdle,
  type OutcomeEvaluation,
  type PendingToolUse,
  type SessionStatusEvent,
  type ThreadStatusEvent,
} from '../src/resources/index.js';

type Check<T extends true> = T;
// Exact equality (not mere assignability), the usual conditional-type trick.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Extends<A, B> = [A] extends [B] ? true : false;

// The real client class of the SDK fits the structural client the helpers take.
declare const client: Anthropic;
declare const event: WebhookEvent;
declare const idled: WebhookEventOf<'session.status_idled'>;
declare const threadIdled: WebhookEventOf<'session.thread_idled'>;
declare const evaluated: WebhookEventOf<'session.outcome_evaluation_ended'>;

export type PendingIsTheSdkToolUses = Check<
  Equal<
    PendingToolUse,
    | BetaManagedAgentsAgentToolUseEvent
    | BetaManagedAgentsAgentMCPToolUseEvent
    | BetaManagedAgentsAgentCustomToolUseEvent
  >
>;

// In a dispatch handler: each discriminant narrows to the SDK's types.
export function inHandler(): unknown {
  return dispatch(event, {
    'session.status_idled': async (e) => {
      const why = await idleReason(client, e, { timeout: 10_000 });
      switch (why.reason) {
        case 'requires_action': {
          type Pending = Check<Equal<(typeof why.pending)[number], PendingToolUse>>;
          type Ids = Check<Equal<typeof why.idle.stop_reason, BetaManagedAgentsSessionRequiresAction>>;
          type IsSessionIdle = Check<Extends<typeof why.idle, BetaManagedAgentsSessionStatusIdleEvent>>;
          const ids: string[] = why.idle.stop_reason.event_ids;
          for (const call of why.pending) {
            if (call.type === 'agent.mcp_tool_use') {
              type Mcp = Check<Equal<typeof call, BetaManagedAgentsAgentMCPToolUseEvent>>;
              return call.mcp_server_name;
            }
            if (call.type === 'agent.custom_tool_use') {
              type Custom = Check<Equal<typeof call, BetaManagedAgentsAgentCustomToolUseEvent>>;
              // @ts-expect-error a custom tool has no permission evaluation
              return call.evaluated_permission;
            }
            type Builtin = Check<Equal<typeof call, BetaManagedAgentsAgentToolUseEvent>>;
          }
          const unresolved: readonly string[] = why.unresolved;
          return [ids, unresolved];
        }
        case 'end_turn': {
          type EndTurn = Check<Equal<typeof why.idle.stop_reason, BetaManagedAgentsSessionEndTurn>>;
          // @ts-expect-error only requires_action has pending calls
          return why.pending;
        }
        case 'refusal': {
          type Refusal = Check<Equal<typeof why.idle.stop_reason, BetaManagedAgentsSessionRefusal>>;
          return why.idle.stop_details?.category;
        }
        case 'retries_exhausted':
        case 'budget_reached':
          return why.idle.processed_at;
        case 'unknown': {
          type MaybeIdle = Check<Equal<typeof why.idle, BetaManagedAgentsSessionStatusIdleEvent | null>>;
          return why.idle?.stop_reason;
        }
        case 'not_idle': {
          type Status = Check<Equal<typeof why.status, SessionStatusEvent>>;
          type HasRunning = Check<Extends<BetaManagedAgentsSessionStatusRunningEvent, typeof why.status>>;
          return why.status.type;
        }
        case 'gone': {
          // @ts-expect-error gone carries nothing
          return why.idle;
        }
        default: {
          // Every reason is handled above.
          const never: never = why;
          return never;
        }
      }
    },
  });
}

// A thread event gives the thread's idle and status events.
export async function thread(): Promise<unknown> {
  const why = await idleReason(client, threadIdled);
  type IsThreadReason = Check<Equal<typeof why, IdleReason<'session.thread_idled'>>>;
  if (why.reason === 'requires_action') {
    type ThreadIdle = Check<Extends<typeof why.idle, BetaManagedAgentsSessionThreadStatusIdleEvent>>;
    return why.idle.session_thread_id;
  }
  if (why.reason === 'not_idle') {
    type Status = Check<Equal<typeof why, NoLongerIdle<ThreadStatusEvent>>>;
    return why.status.session_thread_id;
  }
  return why.reason;
}

// A session event's idle event has no thread id.
export async function session(): Promise<unknown> {
  const why = await idleReason(client, idled);
  type IsSessionReason = Check<Equal<typeof why, IdleReason<'session.status_idled'>>>;
  if (why.reason !== 'end_turn') return undefined;
  // @ts-expect-error a session's idle event is not a thread's
  return why.idle.session_thread_id;
}

// Only the idle webhook types compile; a plain WebhookEvent must be narrowed first.
export function refusesOtherEvents(created: WebhookEventOf<'session.created'>): unknown {
  // @ts-expect-error session.created is not an idle event
  void idleReason(client, created);
  // @ts-expect-error an outcome evaluation has its own helper
  void idleReason(client, evaluated);
  // @ts-expect-error a WebhookEvent may be any type: narrow it (dispatch, switch) first
  void idleReason(client, event);
  // @ts-expect-error outcomeEvaluation takes only session.outcome_evaluation_ended
  void outcomeEvaluation(client, idled);
  // @ts-expect-error timeout is a number of milliseconds
  void idleReason(client, idled, { timeout: '10s' });
  return idleReason(client, idled, { signal: AbortSignal.timeout(1000), maxRetries: 0, headers: { 'x-a': 'b' } });
}

export async function outcome(): Promise<unknown> {
  const result = await outcomeEvaluation(client, evaluated);
  type IsOutcome = Check<Equal<typeof result, OutcomeEvaluation>>;
  if (result.status === 'ended') {
    type Evaluation = Check<Equal<typeof result.evaluation, BetaManagedAgentsSpanOutcomeEvaluationEndEvent>>;
    const feedback: string = result.feedback;
    const passed: boolean = result.passed;
    return [feedback, passed, result.verdict === 'needs_revision', result.evaluation.iteration];
  }
  // @ts-expect-error only an ended evaluation has feedback
  return result.feedback;
}

// By ids (a levelTriggered handler): a session subject answers as a session event, a thread
// subject as a thread event.
export async function bySubject(sessionId: string, threadId: string): Promise<unknown> {
  const session = await idleReason(client, { sessionId, workspaceId: 'wrkspc_1' });
  type SessionReason = Check<Equal<typeof session, IdleReason<'session.status_idled'>>>;
  const thread = await idleReason(client, { sessionId, threadId });
  type ThreadReason = Check<Equal<typeof thread, IdleReason<'session.thread_idled'>>>;
  const outcome = await outcomeEvaluation(client, { sessionId });
  type Outcome = Check<Equal<typeof outcome, OutcomeEvaluation>>;
  // @ts-expect-error the session's id is required
  void idleReason(client, { threadId });
  return [session, thread, outcome];
}
