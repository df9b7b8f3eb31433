/** The instrumentation scope: the tracer's and the meter's name. */
export const SCOPE = 'managed-agents-webhooks';

// Span names: a contract (docs/guide/observability.md), like the SDK's `anthropic.<resource>.<method>`.
export const RECEIVE_SPAN = 'anthropic.webhook.receive';
export const ENQUEUE_SPAN = 'anthropic.webhook.enqueue';
export const PROCESS_SPAN = 'anthropic.webhook.process';
export const FETCH_RESOURCE_SPAN = 'anthropic.webhook.fetch_resource';
export const SWEEP_SPAN = 'anthropic.webhook.sweep';

// Metric names: a contract too.
export const DELIVERIES = 'anthropic.webhook.deliveries';
export const RECEIVE_DURATION = 'anthropic.webhook.receive.duration';
export const PROCESS_DURATION = 'anthropic.webhook.process.duration';
export const DEAD_LETTERS = 'anthropic.webhook.dead_letters';
export const RECONCILED = 'anthropic.webhook.reconciled';

// Attributes: the SDK's `anthropic.*` ids, OpenTelemetry's `error.type` and `messaging.*`, and ours.
export const ATTR_WEBHOOK_ID = 'anthropic.webhook.id';
export const ATTR_EVENT_ID = 'anthropic.webhook.event.id';
export const ATTR_EVENT_TYPE = 'anthropic.webhook.event.type';
export const ATTR_SESSION_ID = 'anthropic.session.id';
export const ATTR_SESSION_THREAD_ID = 'anthropic.session.thread.id';
export const ATTR_ADAPTER = 'anthropic.webhook.adapter';
export const ATTR_OUTCOME = 'anthropic.webhook.outcome';
export const ATTR_ATTEMPT = 'anthropic.webhook.attempt';
export const ATTR_RESOURCE_KIND = 'anthropic.webhook.resource.kind';
export const ATTR_SWEEP_LISTED = 'anthropic.webhook.sweep.listed';
export const ATTR_SWEEP_ENQUEUED = 'anthropic.webhook.sweep.enqueued';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_DESTINATION = 'messaging.destination.name';
export const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
/** The metrics' own outcome attribute, named as the issue fixed it. */
export const ATTR_METRIC_OUTCOME = 'outcome';
