// The worker's handlers: when a session's outcome evaluation fails, send the agent the grader's
// feedback as a user.message — at most `maxFeedback` times per session — then alert, once.
import type Anthropic from '@anthropic-ai/sdk';
import type { BetaManagedAgentsSpanOutcomeEvaluationEndEvent } from '@anthropic-ai/sdk/resources/beta/sessions';
import type { Redis } from 'ioredis';
import type { UnknownWebhookEvent, WebhookEvent } from 'managed-agents-webhooks';
import {
  levelTriggered,
  redisStateStore,
  SESSION_EVENT_TYPES,
  type LevelTriggeredHandlers,
} from 'managed-agents-webhooks/reconcile';
import { outcomeEvaluation, type OutcomeEvaluationEnded } from 'managed-agents-webhooks/resources';
import { outcomeAlert, postAlert } from './alert.ts';
import { countOnlyLedger, redisLedger, type Ledger } from './ledger.ts';

export const DEFAULT_MAX_FEEDBACK = 3;

export interface OutcomeRetryOptions {
  /** `new Anthropic()`: retrieves sessions, lists their events, sends the feedback. */
  client: Anthropic;
  /** The Redis the queue uses: handled versions, leases and the per-session ledger live there. */
  redis: Redis;
  /** ALERT_WEBHOOK_URL: where the alert is POSTed once a session has had its feedback and still fails. */
  alertWebhookUrl: string;
  /** Feedback messages per session before alerting instead (MAX_FEEDBACK); default 3. */
  maxFeedback?: number;
  /** `levelTriggered`'s lease; keep it below the worker's `lockDuration`. Default 10,000. */
  leaseMs?: number;
  /**
   * Default true. `false` builds the same handler without `levelTriggered` and without the
   * ledger's claims (it still counts, so `maxFeedback` still caps): every hint about a session
   * runs it, the way hand-written glue does. Only for showing what the dedupe prevents
   * (test/recipe-outcome-retry.test.ts); never deploy it.
   */
  dedupe?: boolean;
  log?: (line: string) => void;
}

/**
 * Handlers for `createEventWorker`: every `session.*` event (and sweep hint) is a hint to look at
 * the session's latest outcome evaluation (`outcomeEvaluation`). When it ended failed and final
 * (`failed` or `max_iterations_reached`: no other cycle follows on its own), the grader's feedback
 * goes to the agent as a `user.message`; once the session has had `maxFeedback` of them, the next
 * failure POSTs one alert instead.
 *
 * Once per evaluation, however many hints point at it: `levelTriggered` runs one handler at a
 * time per session, and the ledger claims each evaluation (by its event id) and counts in one
 * Redis script before anything is sent. A worker killed between the claim and recording the send
 * leaves the claim; the next run looks at the session's events and sends only if no
 * `user.message` (or newer evaluation) follows the failed one. The alert carries an
 * `idempotency-key`; a worker killed right after POSTing it posts it again with the same key.
 */
export function outcomeRetryHandlers(options: OutcomeRetryOptions): LevelTriggeredHandlers {
  const { client, redis, alertWebhookUrl, dedupe = true } = options;
  const max = options.maxFeedback ?? DEFAULT_MAX_FEEDBACK;
  if (!Number.isInteger(max) || max < 0) throw new Error(`maxFeedback must be a whole number ≥ 0; got ${max}.`);
  const log = options.log ?? ((line: string) => console.log(line));
  const ledger: Ledger = dedupe ? redisLedger(redis) : countOnlyLedger(redis);

  const converge = async (
    sessionId: string,
    hint: WebhookEvent | UnknownWebhookEvent,
    signal?: AbortSignal,
  ): Promise<void> => {
    const subject = { sessionId, workspaceId: workspaceOf(hint) };
    const result = await outcomeEvaluation(client, subject, signal === undefined ? {} : { signal });
    if (result.status !== 'ended' || !needsRetry(result)) return;
    const claim = await ledger.claimFeedback(sessionId, result.evaluation.id, max);
    if (claim.state === 'sent') return;
    if (claim.state === 'over') return alertOnce(sessionId, result, signal);
    // `claimed`: an earlier run stopped after claiming; send only if its message never arrived.
    if (claim.state === 'new' || !(await answered(client, sessionId, result.evaluation, signal))) {
      await client.beta.sessions.events.send(
        sessionId,
        { events: [{ type: 'user.message', content: [{ type: 'text', text: result.feedback }] }] },
        // No automatic retry: one the API had applied would send the feedback twice.
        { maxRetries: 0, ...(signal === undefined ? {} : { signal }) },
      );
      log(`feedback ${claim.sent}/${max} sent: session ${sessionId}, evaluation ${result.evaluation.id}`);
    }
    await ledger.feedbackSent(sessionId, result.evaluation.id);
  };

  const alertOnce = async (sessionId: string, result: OutcomeEvaluationEnded, signal?: AbortSignal): Promise<void> => {
    if ((await ledger.claimAlert(sessionId)) === 'sent') return;
    await postAlert(alertWebhookUrl, outcomeAlert(sessionId, result, max), `outcome-retry-alert-${sessionId}`, signal);
    await ledger.alertSent(sessionId);
    log(`alert sent: session ${sessionId} still fails after ${max} feedback message(s)`);
  };

  if (dedupe) {
    return levelTriggered({
      client,
      store: redisStateStore(redis),
      ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
      session: async (session, { event, signal }) => {
        if (session.status !== 'terminated') await converge(session.id, event, signal);
      },
    });
  }
  const handlers: Record<string, (event: WebhookEvent | UnknownWebhookEvent) => Promise<void>> = {};
  for (const type of SESSION_EVENT_TYPES) handlers[type] = (event) => converge(event.data.id as string, event);
  return handlers as LevelTriggeredHandlers;
}

/**
 * A failure worth feedback: the grader's verdict is final (no cycle follows on its own) and not a
 * pass; `interrupted` means a user stopped it, which is no reason to push the agent again.
 */
function needsRetry(result: OutcomeEvaluationEnded): boolean {
  return result.final && !result.passed && result.verdict !== 'interrupted';
}

/** Whether the session got a message (or ran a newer evaluation) after this one ended. */
async function answered(
  client: Anthropic,
  sessionId: string,
  evaluation: BetaManagedAgentsSpanOutcomeEvaluationEndEvent,
  signal?: AbortSignal,
): Promise<boolean> {
  const page = await client.beta.sessions.events.list(
    sessionId,
    { order: 'desc', limit: 1, types: ['user.message', 'span.outcome_evaluation_end'] },
    signal === undefined ? {} : { signal },
  );
  const latest = page.data[0];
  return latest !== undefined && latest.id !== evaluation.id;
}

// The hint (any session.* event or a sweep hint) carries the session's workspace.
function workspaceOf(hint: WebhookEvent | UnknownWebhookEvent): string | undefined {
  const { workspace_id } = hint.data as { workspace_id?: unknown };
  return typeof workspace_id === 'string' ? workspace_id : undefined;
}
