// Keeps the event catalogue in step with the official SDK (@anthropic-ai/sdk, a devDependency):
// every data.type it declares is ours, and each of its event data members is assignable to
// ours. Checked by `tsc -p tsconfig.test.json`; upgrading the SDK re-runs the check.
import type { BetaWebhookEvent, BetaWebhookEventData } from '@anthropic-ai/sdk/resources/beta/webhooks';
import type { WebhookEvent, WebhookEventData, WebhookEventDataOf, WebhookEventType } from '../src/index.js';

type Check<T extends true> = T;
type SdkType = BetaWebhookEventData['type'];

export type EverySdkTypeIsOurs = Check<SdkType extends WebhookEventType ? true : false>;

// Distributes over the SDK union: each member must be assignable to our data of the same type.
type MemberFits<M> = M extends { type: infer T extends WebhookEventType }
  ? M extends WebhookEventDataOf<T>
    ? true
    : false
  : false;
export type EverySdkMemberFits = Check<MemberFits<BetaWebhookEventData> extends true ? true : false>;

// And ours carries no field the SDK does not declare for that type (we derive, not invent).
type OursFitsSdk<T extends SdkType> = T extends SdkType
  ? WebhookEventDataOf<T> extends Extract<BetaWebhookEventData, { type: T }>
    ? true
    : false
  : never;
export type EveryOurMemberFitsSdk = Check<OursFitsSdk<SdkType> extends true ? true : false>;

// The one type we know that no SDK version declares (1.16.0 here): Anthropic's Claude API
// reference for Managed Agents lists it among the webhook event types.
export type OnlyExtraIsScheduled = Check<
  Exclude<WebhookEventType, SdkType> extends 'session.status_scheduled' ? true : false
>;
export type ScheduledIsExtra = Check<
  'session.status_scheduled' extends Exclude<WebhookEventType, SdkType> ? true : false
>;

// SDK 1.13 added external_storage.failed/recovered: organization-level, so no workspace_id.
export type ExternalStorageHasNoWorkspace = Check<
  'workspace_id' extends keyof WebhookEventDataOf<'external_storage.failed' | 'external_storage.recovered'>
    ? false
    : true
>;

export function sdkEventIsOurs(e: BetaWebhookEvent): WebhookEvent {
  return e;
}
export function sdkDataIsOurs(d: BetaWebhookEventData): WebhookEventData {
  return d;
}
