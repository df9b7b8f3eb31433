// The alert when a session has had its feedback messages and still fails: a JSON POST that a
// Slack incoming webhook (it reads `text`) or any alerting endpoint takes.
import type { OutcomeEvaluationEnded } from 'managed-agents-webhooks/resources';

export interface OutcomeAlert {
  text: string;
  session_id: string;
  outcome_id: string;
  iteration: number;
  verdict: string;
  feedback: string;
  /** How many feedback messages the session got before this alert. */
  feedback_sent: number;
}

export function outcomeAlert(sessionId: string, result: OutcomeEvaluationEnded, feedbackSent: number): OutcomeAlert {
  return {
    text: `Session ${sessionId} still fails its outcome (${result.verdict}) after ${feedbackSent} feedback message(s): ${result.feedback}`,
    session_id: sessionId,
    outcome_id: result.evaluation.outcome_id,
    iteration: result.evaluation.iteration,
    verdict: result.verdict,
    feedback: result.feedback,
    feedback_sent: feedbackSent,
  };
}

/**
 * POSTs the alert; throws on a non-2xx, so the job fails and BullMQ retries it. The
 * `idempotency-key` header is the same on every attempt for a session: a worker killed after the
 * POST but before recording it posts again, and an endpoint that honours the key shows one alert.
 */
export async function postAlert(
  url: string,
  alert: OutcomeAlert,
  idempotencyKey: string,
  signal?: AbortSignal,
): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify(alert),
    ...(signal === undefined ? {} : { signal }),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`The alert webhook answered ${response.status} (${text.slice(0, 200)}): check ALERT_WEBHOOK_URL.`);
}
