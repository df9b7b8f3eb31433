// Type-level tests for fetchResource, checked by `tsc -p tsconfig.test.json` (npm run typecheck):
// the resource is the SDK's own type for the event's type, and an expected error that does not
// occur fails the check.
import Anthropic from '@anthropic-ai/sdk';
import type { BetaManagedAgentsCredential } from '@anthropic-ai/sdk/resources/beta/vaults';
import type { BetaManagedAgentsSession } from '@anthropic-ai/sdk/resources/beta/sessions';
import type { BetaManagedAgentsSessionThread } from '@anthropic-ai/sdk/resources/beta/sessions/threads';
import type { UserProfile } from '@anthropic-ai/sdk/resources/user-profiles';
import type { BetaExternalStorage } from '@anthropic-ai/sdk/resources/beta/organization/external-storage';
import { dispatch, type WebhookEvent, type WebhookEventOf } from '../src/index.js';
import type { UnknownWebhookEvent } from '../src/events/dispatch.js';
import {
  fetchResource,
  type FetchResult,
  type GoneResource,
  type UnsupportedResource,
} from '../src/resources/index.js';

type Check<T extends true> = T;
// Exact equality (not mere assignability), the usual conditional-type trick.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// The real client class of the SDK fits the structural client fetchResource takes.
declare const client: Anthropic;
declare const event: WebhookEvent;

// A narrowed session.status_idled event, as a dispatch handler receives it.
export function inHandler(): unknown {
  return dispatch(event, {
    'session.status_idled': async (e) => {
      const result = await fetchResource(client, e);
      if (result.status === 'found') {
        const session = result.resource;
        type IsSession = Check<Equal<typeof session, BetaManagedAgentsSession>>;
        return session.status;
      }
      type IsGone = Check<Equal<typeof result, GoneResource>>;
      return result.status;
    },
  });
}

declare const idled: WebhookEventOf<'session.status_idled'>;
declare const threadIdled: WebhookEventOf<'session.thread_idled'>;
declare const credential: WebhookEventOf<'vault_credential.refresh_failed'>;
declare const enforcement: WebhookEventOf<'user_profile.enforcement_action_opened'>;
declare const deleted: WebhookEventOf<'agent.deleted'>;
declare const storageFailed: WebhookEventOf<'external_storage.failed'>;
declare const unknown: UnknownWebhookEvent;

type Resolved<P> = Awaited<P>;
type FoundOf<R> = Extract<R, { status: 'found' }> extends { resource: infer X } ? X : never;

export type IdledIsSession = Check<Equal<FoundOf<Resolved<ReturnType<typeof fetchIdled>>>, BetaManagedAgentsSession>>;
const fetchIdled = () => fetchResource(client, idled);

export type ThreadIsThread = Check<
  Equal<FoundOf<Resolved<ReturnType<typeof fetchThread>>>, BetaManagedAgentsSessionThread>
>;
const fetchThread = () => fetchResource(client, threadIdled);

export type CredentialIsCredential = Check<
  Equal<FoundOf<Resolved<ReturnType<typeof fetchCredential>>>, BetaManagedAgentsCredential>
>;
const fetchCredential = () => fetchResource(client, credential);

// The GA profile: the one with programs and enforcement_actions.
export type EnforcementIsProfile = Check<Equal<FoundOf<Resolved<ReturnType<typeof fetchEnforcement>>>, UserProfile>>;
const fetchEnforcement = () => fetchResource(client, enforcement);

// External Storage (SDK 1.13+): the SDK's BetaExternalStorage, or unsupported with an older client.
export type StorageIsStorage = Check<Equal<FoundOf<Resolved<ReturnType<typeof fetchStorage>>>, BetaExternalStorage>>;
export type StorageMayBeUnsupported = Check<
  Equal<Exclude<Resolved<ReturnType<typeof fetchStorage>>['status'], 'found' | 'gone'>, 'unsupported'>
>;
const fetchStorage = () => fetchResource(client, storageFailed);
// Other known types never are: no SDK client of the peer range lacks their method.
export type SessionNeverUnsupported = Check<
  Equal<Extract<Resolved<ReturnType<typeof fetchIdled>>, UnsupportedResource>, never>
>;

// *.deleted is only ever gone: there is no resource to read.
export type DeletedIsGone = Check<Equal<Resolved<ReturnType<typeof fetchDeleted>>, GoneResource>>;
const fetchDeleted = () => fetchResource(client, deleted);
export async function deletedHasNoResource(): Promise<unknown> {
  const result = await fetchResource(client, deleted);
  // @ts-expect-error a deleted agent has no resource
  return result.resource;
}

// An event of unknown type may still be a known one at runtime, so every outcome stays possible.
export type UnknownMayBeAnything = Check<Equal<Resolved<ReturnType<typeof fetchUnknown>>, FetchResult<string>>>;
const fetchUnknown = () => fetchResource(client, unknown);
export type UnknownIncludesUnsupported = Check<
  UnsupportedResource extends Resolved<ReturnType<typeof fetchUnknown>> ? true : false
>;

// The whole union: the resource is one of the SDK types.
export async function anyEvent(): Promise<string | undefined> {
  const result = await fetchResource(client, event);
  if (result.status === 'found') return result.resource.id;
  // Unsupported only for external storage with a client older than SDK 1.13.
  if (result.status === 'unsupported') return undefined;
  const gone: 'gone' = result.status;
  return gone;
}

// A client of SDK 1.12 has no beta.organization (External Storage came in 1.13): it still fits,
// and fetchResource answers unsupported for external_storage.* at run time.
declare const oldClient: Omit<Anthropic, 'beta'> & { beta: Omit<Anthropic['beta'], 'organization'> };
export const oldClientFits = (): unknown => fetchResource(oldClient, storageFailed);

// Options are the SDK's RequestOptions.
export function options(signal: AbortSignal): unknown {
  // @ts-expect-error timeout is a number of milliseconds
  void fetchResource(client, idled, { timeout: '10s' });
  return fetchResource(client, idled, { signal, timeout: 10_000, maxRetries: 0, headers: { 'x-a': 'b' } });
}
