export { WebhookVerificationError, isWebhookVerificationError } from './core/errors.js';
export type { WebhookErrorCode, WebhookErrorStatus } from './core/errors.js';
export { verify, unwrap, sign } from './core/verify.js';
export { parseUnverified } from './core/parse-unverified.js';
export type { VerifyOptions, VerifiedDelivery, SignInput } from './core/verify.js';
export type { BodyInput } from './core/body.js';
export type { HeadersInput, WebhookHeaders } from './core/headers.js';
export type { Clock } from './core/timestamp.js';
export type { Secret, SecretInput } from './core/secret.js';
export { generateSecret } from './core/secret.js';
export { EVENT_TYPES, isKnownEventType } from './events/types.js';
export type {
  WebhookEvent,
  WebhookEventData,
  WebhookEventDataOf,
  WebhookEventOf,
  WebhookEventType,
} from './events/types.js';
export { dispatch } from './events/dispatch.js';
export type { DispatchResult, EventHandlers, UnknownWebhookEvent } from './events/dispatch.js';
export { createSampleEvent } from './events/samples.js';
export type { SampleOptions } from './events/samples.js';
