// The README's migration path from @anthropic-ai/sdk, checked by `tsc -p tsconfig.test.json`:
// an SDK event is one of ours as is; ours passes where the SDK's type is expected once the one
// type the SDK does not know is excluded, in one line.
import type { BetaWebhookEvent } from '@anthropic-ai/sdk/resources/beta/webhooks';
import type { WebhookEvent } from '../src/index.js';

declare const event: WebhookEvent;
declare const sdkEvent: BetaWebhookEvent;
declare function handleSdkEvent(event: BetaWebhookEvent): void;

export const sdkIsOurs: WebhookEvent = sdkEvent;

export function oursToSdk(): void {
  // The README line:
  if (event.data.type !== 'session.status_scheduled') handleSdkEvent({ ...event, data: event.data });
}

export function notWithoutNarrowing(): void {
  // @ts-expect-error session.status_scheduled is not an SDK event type
  handleSdkEvent(event);
}
