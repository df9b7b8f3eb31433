import type { BetaManagedAgentsSpanOutcomeEvaluationEndEvent } from '@anthropic-ai/sdk/resources/beta/sessions';
import type { WebhookEventOf } from '../events/types.js';
import type { FetchResourceOptions } from './client.js';
import {
  checkEventsClient,
  isSessionSubject,
  listPage,
  sessionRef,
  subjectRef,
  type SessionEventsClient,
  type SessionRef,
  type SessionSubject,
} from './session-events.js';

/**
 * The grader's verdicts the SDK documents for `span.outcome_evaluation_end`: `satisfied` (the
 * criteria are met), `needs_revision` (not met; the platform runs another revision cycle on its
 * own), `max_iterations_reached` (still not met and no evaluation follows), `failed` (the rubric
 * does not apply to the deliverables), `interrupted` (a user interrupt stopped the evaluation).
 */
export type OutcomeVerdict = 'satisfied' | 'needs_revision' | 'max_iterations_reached' | 'failed' | 'interrupted';

/**
 * The latest outcome evaluation of the session ended.
 *
 * - `evaluation`: the SDK's `span.outcome_evaluation_end` event (`outcome_id`, `iteration`,
 *   `result`, `explanation`, `usage`);
 * - `verdict`: `evaluation.result` when it is an `OutcomeVerdict`, else `'unknown'` (a verdict
 *   newer than the SDK; the raw value stays in `evaluation.result`);
 * - `passed`: the verdict is `satisfied`;
 * - `final`: no further evaluation cycle follows on its own — every known verdict but
 *   `needs_revision`. An unknown verdict is not final: act on it only once you know what it means;
 * - `feedback`: the grader's explanation (for `needs_revision`, which criteria failed and why) —
 *   what to send the agent to try again.
 */
export interface OutcomeEvaluationEnded {
  readonly status: 'ended';
  readonly evaluation: BetaManagedAgentsSpanOutcomeEvaluationEndEvent;
  readonly verdict: OutcomeVerdict | 'unknown';
  readonly passed: boolean;
  readonly final: boolean;
  readonly feedback: string;
}

/** The session has no `span.outcome_evaluation_end` event (yet). */
export interface OutcomeEvaluationNotFound {
  readonly status: 'not_found';
}

/** The session no longer exists: the API answered 404. */
export interface OutcomeEvaluationGone {
  readonly status: 'gone';
}

/**
 * What `outcomeEvaluation` resolves to; `switch (result.status)` narrows it.
 *
 * @example
 * ```ts
 * const result: OutcomeEvaluation = await outcomeEvaluation(client, event);
 * if (result.status === 'ended' && !result.passed) console.log(result.feedback);
 * ```
 */
export type OutcomeEvaluation = OutcomeEvaluationEnded | OutcomeEvaluationNotFound | OutcomeEvaluationGone;

const VERDICTS: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'satisfied',
  'needs_revision',
  'max_iterations_reached',
  'failed',
  'interrupted',
]);

/**
 * The outcome evaluation a `session.outcome_evaluation_ended` webhook is about — the session's
 * latest `span.outcome_evaluation_end` event, whether it passed, and the grader's feedback — in
 * one `client.beta.sessions.events.list` request (`order: 'desc'`, `types`, `limit: 1`):
 *
 * - `{ status: 'ended', evaluation, verdict, passed, final, feedback }` (see
 *   `OutcomeEvaluationEnded`);
 * - `{ status: 'not_found' }`: the session has no evaluation-end event;
 * - `{ status: 'gone' }`: the API answered 404.
 *
 * It answers from the session's current event list: when a newer evaluation has ended since the
 * webhook was sent, that one is returned (dedupe on `evaluation.outcome_id` and
 * `evaluation.iteration`, not on the webhook). The event's `workspace_id` is sent as the SDK's
 * `workspace_id`; `options` go to the SDK call unchanged. Any other API failure rejects with the
 * SDK's own error; a client without `beta.sessions.events.list`, or an event of another type,
 * rejects with a `TypeError` before any request. Where no such webhook is at hand (a
 * `levelTriggered` handler), pass a `SessionSubject` instead: `{ sessionId, workspaceId }`.
 *
 * @example
 * ```ts
 * import Anthropic from '@anthropic-ai/sdk';
 * import { dispatch } from 'managed-agents-webhooks';
 * import { outcomeEvaluation } from 'managed-agents-webhooks/resources';
 *
 * const client = new Anthropic();
 * await dispatch(event, {
 *   'session.outcome_evaluation_ended': async (e) => {
 *     const result = await outcomeEvaluation(client, e);
 *     if (result.status !== 'ended' || result.passed || !result.final) return;
 *     await client.beta.sessions.events.send(e.data.id, {
 *       events: [{ type: 'user.message', content: [{ type: 'text', text: result.feedback }] }],
 *     });
 *   },
 * });
 * ```
 */
export async function outcomeEvaluation(
  client: SessionEventsClient,
  input: WebhookEventOf<'session.outcome_evaluation_ended'> | SessionSubject,
  options?: FetchResourceOptions,
): Promise<OutcomeEvaluation> {
  const { sessionId, scope } = isSessionSubject(input) ? subjectRef(input, 'outcomeEvaluation') : eventRef(input);
  checkEventsClient(client, 'outcomeEvaluation');
  const page = await listPage(
    client,
    sessionId,
    { ...scope, order: 'desc', limit: 1, types: ['span.outcome_evaluation_end'] },
    options,
  );
  if (page === 'gone') return { status: 'gone' };
  const evaluation = page.data.find(
    (item): item is BetaManagedAgentsSpanOutcomeEvaluationEndEvent => item.type === 'span.outcome_evaluation_end',
  );
  if (evaluation === undefined) return { status: 'not_found' };
  const verdict = VERDICTS.has(evaluation.result) ? (evaluation.result as OutcomeVerdict) : 'unknown';
  return {
    status: 'ended',
    evaluation,
    verdict,
    passed: verdict === 'satisfied',
    final: verdict !== 'needs_revision' && verdict !== 'unknown',
    feedback: evaluation.explanation,
  };
}

function eventRef(event: WebhookEventOf<'session.outcome_evaluation_ended'>): SessionRef {
  const { sessionId, scope, data } = sessionRef(event, 'outcomeEvaluation');
  if (data['type'] !== 'session.outcome_evaluation_ended') {
    throw new TypeError(
      `outcomeEvaluation: expected a session.outcome_evaluation_ended event, got ${JSON.stringify(data['type'])}. ` +
        'For an idle session use idleReason.',
    );
  }
  return { sessionId, scope };
}
