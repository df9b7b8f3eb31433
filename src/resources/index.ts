export { fetchResource } from './fetch.js';
export type { FetchResult, FoundResource, GoneResource, UnsupportedResource } from './fetch.js';
export { EVENT_RESOURCES } from './table.js';
export type { FetchResourceOptions, ResourceClient, ResourceKind, ResourceTypes } from './client.js';
export { idleReason } from './idle.js';
export type {
  IdleGone,
  IdleReason,
  IdleRequiresAction,
  IdleStatusEvent,
  IdleStopped,
  IdleUnknown,
  IdleWebhookEvent,
  IdleWebhookEventType,
  IdleWith,
  NoLongerIdle,
  PendingToolUse,
  SessionStatusEvent,
  ThreadStatusEvent,
} from './idle.js';
export { outcomeEvaluation } from './outcome.js';
export type {
  OutcomeEvaluation,
  OutcomeEvaluationEnded,
  OutcomeEvaluationGone,
  OutcomeEvaluationNotFound,
  OutcomeVerdict,
} from './outcome.js';
export type { SessionEventsClient, SessionEventsPage, SessionSubject } from './session-events.js';
