import type { UnknownWebhookEvent } from '../events/dispatch.js';
import type { WebhookEvent, WebhookEventType } from '../events/types.js';
import type { FetchResourceOptions, ResourceClient, ResourceKind, ResourceTypes } from './client.js';
import { RETRIEVERS, type EventData } from './retrieve.js';
import { EVENT_RESOURCES } from './table.js';

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
 * Nothing to retrieve for this event type: a type newer than this version (no request made).
 */
export interface UnsupportedResource {
  readonly status: 'unsupported';
}

type Table = typeof EVENT_RESOURCES;

// Distributes over a union of event types, so a WebhookEvent gives the union of every result.
type KnownResult<T extends WebhookEventType> = T extends WebhookEventType
  ? Table[T] extends ResourceKind
    ? FoundResource<ResourceTypes[Table[T]]> | GoneResource
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
 * - `{ status: 'unsupported' }` for a type newer than this version (no request).
 *
 * The event's `workspace_id`, when it has one, is sent as the SDK's `workspace_id` (the
 * `anthropic-workspace-id` header). `options` go to the SDK call unchanged (`signal`,
 * `timeout`, `maxRetries`, …). Any other failure rejects with the SDK's own error
 * (`Anthropic.APIError` and its subclasses); an event missing an id it needs rejects with a
 * `TypeError` before any request.
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
export async function fetchResource<E extends WebhookEvent | UnknownWebhookEvent>(
  client: ResourceClient,
  event: E,
  options?: FetchResourceOptions,
): Promise<FetchResult<E['data']['type']>> {
  const data = eventData(event);
  // Own properties only, so a type such as "constructor" never reaches Object.prototype.
  const kind = Object.prototype.hasOwnProperty.call(EVENT_RESOURCES, data.type)
    ? EVENT_RESOURCES[data.type as WebhookEventType]
    : 'unsupported';
  if (kind === 'gone') return GONE as FetchResult<E['data']['type']>;
  if (kind === 'unsupported') return UNSUPPORTED as FetchResult<E['data']['type']>;
  let resource: ResourceTypes[ResourceKind];
  try {
    resource = await RETRIEVERS[kind](client, data, options);
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

// Structural, not instanceof NotFoundError: the client may come from another copy of the SDK.
function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { status?: unknown }).status === 404;
}
