import type { UnknownWebhookEvent } from '../events/dispatch.js';
import type { WebhookEvent, WebhookEventType } from '../events/types.js';
import { observeFetchResource } from '../instrument/fetch.js';
import type { FetchResourceOptions, ResourceClient, ResourceKind, ResourceTypes } from './client.js';
import { NEWER_KINDS, RETRIEVERS, hasMethod, type EventData } from './retrieve.js';
import { resourceKindOf, type EVENT_RESOURCES } from './table.js';
import { isNotFound } from './not-found.js';

/**
 * The resource was retrieved: its current state, which may already be newer than the event.
 *
 * @typeParam R - the SDK's type for the resource, e.g. `BetaManagedAgentsSession`.
 */
export interface FoundResource<R> {
  readonly status: 'found';
  readonly resource: R;
}

/** The resource no longer exists: a `*.deleted` event (no request made), or the API answered 404. */
export interface GoneResource {
  readonly status: 'gone';
}

/**
 * Nothing to retrieve for this event (no request made): a type newer than this version, or
 * `external_storage.*` with a client older than `@anthropic-ai/sdk` 1.13 (which has no
 * `beta.organization.externalStorage`).
 */
export interface UnsupportedResource {
  readonly status: 'unsupported';
}

type Table = typeof EVENT_RESOURCES;

// Kinds an older SDK client may lack (see NEWER_KINDS): fetchResource may answer unsupported.
type NewerKind = 'external_storage';

// Distributes over a union of event types, so a WebhookEvent gives the union of every result.
type KnownResult<T extends WebhookEventType> = T extends WebhookEventType
  ? Table[T] extends ResourceKind
    ? FoundResource<ResourceTypes[Table[T]]> | GoneResource | (Table[T] extends NewerKind ? UnsupportedResource : never)
    : Table[T] extends 'gone'
      ? GoneResource
      : UnsupportedResource
  : never;

/**
 * What `fetchResource` resolves to for an event of type `T`: for `session.status_idled`,
 * `FoundResource<BetaManagedAgentsSession> | GoneResource`; for `agent.deleted`, `GoneResource`;
 * for a type this version does not know, `UnsupportedResource`.
 */
export type FetchResult<T extends string = string> = string extends T
  ? KnownResult<WebhookEventType> | UnsupportedResource
  : T extends WebhookEventType
    ? KnownResult<T>
    : UnsupportedResource;

const GONE: GoneResource = /* @__PURE__ */ Object.freeze({ status: 'gone' });
const UNSUPPORTED: UnsupportedResource = /* @__PURE__ */ Object.freeze({ status: 'unsupported' });

/**
 * Retrieves the current state of what a webhook event is about, with the `@anthropic-ai/sdk`
 * client you pass: the session for `session.*`, the thread for `session.thread_*`, the
 * credential for `vault_credential.*`, the user profile for `user_profile.*`, and so on (see
 * `EVENT_RESOURCES`). Events carry only ids and arrive in any order; drive your state from what
 * this returns, not from the event.
 *
 * - `{ status: 'found', resource }`, typed by the SDK per event type;
 * - `{ status: 'gone' }` for every `*.deleted` type (no request), and when the API answers 404
 *   (recognized by `status === 404`, so errors from another copy of the SDK count too);
 * - `{ status: 'unsupported' }` for a type newer than this version, and for `external_storage.*`
 *   when the client predates `@anthropic-ai/sdk` 1.13 (no `beta.organization.externalStorage`);
 *   no request either way.
 *
 * The event's `workspace_id`, when it has one, is sent as the SDK's `workspace_id` (the
 * `anthropic-workspace-id` header). `options` go to the SDK call unchanged (`signal`,
 * `timeout`, `maxRetries`, …). Any other failure rejects with the SDK's own error
 * (`Anthropic.APIError` and its subclasses). Wrong arguments reject with a `TypeError` whose
 * message names the fix, before any request: an event missing an id it needs, or a `client`
 * that is not an `@anthropic-ai/sdk` client (`null`, `client.beta` instead of the client, an
 * object lacking the `retrieve` method the event needs).
 *
 * @example
 * ```ts
 * import Anthropic from '@anthropic-ai/sdk';
 * import { dispatch } from 'managed-agents-webhooks';
 * import { fetchResource } from 'managed-agents-webhooks/resources';
 *
 * const client = new Anthropic();
 * await dispatch(event, {
 *   'session.status_idled': async (e) => {
 *     const result = await fetchResource(client, e, { timeout: 10_000 });
 *     if (result.status === 'found') console.log(result.resource.status); // BetaManagedAgentsSession
 *   },
 * });
 * ```
 */
export function fetchResource<E extends WebhookEvent | UnknownWebhookEvent>(
  client: ResourceClient,
  event: E,
  options?: FetchResourceOptions,
): Promise<FetchResult<E['data']['type']>> {
  return observeFetchResource(event, () => retrieveResource(client, event, options));
}

async function retrieveResource<E extends WebhookEvent | UnknownWebhookEvent>(
  client: ResourceClient,
  event: E,
  options: FetchResourceOptions | undefined,
): Promise<FetchResult<E['data']['type']>> {
  const data = eventData(event);
  checkClient(client);
  const kind = resourceKindOf(data.type);
  if (kind === 'gone') return GONE as FetchResult<E['data']['type']>;
  if (kind === 'unsupported') return UNSUPPORTED as FetchResult<E['data']['type']>;
  const retrieval = RETRIEVERS[kind];
  if (!hasMethod(client, retrieval.method)) {
    if (NEWER_KINDS.has(kind)) return UNSUPPORTED as FetchResult<E['data']['type']>;
    throw new TypeError(
      `fetchResource: the client has no ${retrieval.method}() for ${data.type} events. Pass an @anthropic-ai/sdk client (new Anthropic()) of version >=1.12 <2.`,
    );
  }
  let resource: ResourceTypes[ResourceKind];
  try {
    resource = await retrieval.call(client, data, options);
  } catch (err) {
    if (isNotFound(err)) return GONE as FetchResult<E['data']['type']>;
    throw err;
  }
  return { status: 'found', resource } as FetchResult<E['data']['type']>;
}

function eventData(event: unknown): EventData {
  const data = typeof event === 'object' && event !== null ? (event as { data?: unknown }).data : undefined;
  if (typeof data !== 'object' || data === null) {
    throw new TypeError('fetchResource: expected a webhook event (from unwrap) with a data object.');
  }
  const { type, id } = data as { type?: unknown; id?: unknown };
  if (typeof type !== 'string' || typeof id !== 'string' || id === '') {
    throw new TypeError('fetchResource: expected event.data.type and event.data.id to be strings.');
  }
  return data as EventData;
}

// Every SDK client of >=1.12 <2 has a `beta` object; this catches null, a string (an API key?)
// and `client.beta` passed instead of the client, before they fail deep inside a call.
function checkClient(client: unknown): void {
  const beta = typeof client === 'object' && client !== null ? (client as { beta?: unknown }).beta : undefined;
  if (typeof beta === 'object' && beta !== null) return;
  const got =
    client === null
      ? 'null'
      : typeof client !== 'object'
        ? typeof client
        : 'sessions' in client || 'agents' in client
          ? 'what looks like client.beta'
          : 'an object without a beta property';
  throw new TypeError(
    `fetchResource: the first argument must be an @anthropic-ai/sdk client (const client = new Anthropic(); fetchResource(client, event)); got ${got}.`,
  );
}
