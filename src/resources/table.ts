import { isKnownEventType, type WebhookEventType } from '../events/types.js';
import type { ResourceKind } from './client.js';

/**
 * What each event type is about, for `fetchResource`: the kind of resource to retrieve with the
 * event's ids, `'gone'` when the event says it no longer exists, or `'unsupported'` when nothing
 * can be retrieved for it. One entry per type of the event catalogue (`src/events/catalog.ts`);
 * `EventResourcesMatchCatalogue` below makes a type added there without an entry here fail the
 * typecheck.
 *
 * Every type of `@anthropic-ai/sdk` 1.16.0 has something to retrieve, so no known type is
 * `'unsupported'` here: `fetchResource` answers that for types newer than this version, and for
 * `external_storage.*` when the client predates SDK 1.13.
 *
 * - `session.*` events carry the session's id; `session.thread_*` also the thread's.
 * - `vault_credential.*` carry the credential's id and its vault's.
 * - `external_key.*` and `external_storage.*` carry the id (`ekey_…`, `estrg_…`) of the
 *   organization's External Key or External Storage whose check failed or passes again.
 * - `user_profile.*` retrieve the profile itself: its `programs` and its open
 *   `enforcement_actions` (look up `enforcement_action_id` there) are what those events report;
 *   the API has no endpoint for one enforcement action.
 *
 * @example
 * ```ts
 * EVENT_RESOURCES['session.thread_idled']; // 'session_thread'
 * EVENT_RESOURCES['agent.deleted']; // 'gone'
 * ```
 */
export const EVENT_RESOURCES = {
  'agent.archived': 'agent',
  'agent.created': 'agent',
  'agent.deleted': 'gone',
  'agent.updated': 'agent',
  'deployment.archived': 'deployment',
  'deployment.created': 'deployment',
  'deployment.deleted': 'gone',
  'deployment.paused': 'deployment',
  'deployment.unpaused': 'deployment',
  'deployment.updated': 'deployment',
  'deployment_run.failed': 'deployment_run',
  'deployment_run.started': 'deployment_run',
  'deployment_run.succeeded': 'deployment_run',
  'environment.archived': 'environment',
  'environment.created': 'environment',
  'environment.deleted': 'gone',
  'environment.updated': 'environment',
  'external_key.failed': 'external_key',
  'external_key.recovered': 'external_key',
  'external_storage.failed': 'external_storage',
  'external_storage.recovered': 'external_storage',
  'memory_store.archived': 'memory_store',
  'memory_store.created': 'memory_store',
  'memory_store.deleted': 'gone',
  'session.archived': 'session',
  'session.budget_reached': 'session',
  'session.created': 'session',
  'session.deleted': 'gone',
  'session.idled': 'session',
  'session.outcome_evaluation_ended': 'session',
  'session.pending': 'session',
  'session.requires_action': 'session',
  'session.running': 'session',
  'session.status_idled': 'session',
  'session.status_rescheduled': 'session',
  'session.status_run_started': 'session',
  'session.status_scheduled': 'session',
  'session.status_terminated': 'session',
  'session.thread_created': 'session_thread',
  'session.thread_idled': 'session_thread',
  'session.thread_terminated': 'session_thread',
  'session.updated': 'session',
  'user_profile.enforcement_action_opened': 'user_profile',
  'user_profile.enforcement_action_resolved': 'user_profile',
  'user_profile.program_status_updated': 'user_profile',
  'vault.archived': 'vault',
  'vault.created': 'vault',
  'vault.deleted': 'gone',
  'vault_credential.archived': 'vault_credential',
  'vault_credential.created': 'vault_credential',
  'vault_credential.deleted': 'gone',
  'vault_credential.refresh_failed': 'vault_credential',
} as const;

type Check<T extends true> = T;
type Table = typeof EVENT_RESOURCES;

/**
 * What `fetchResource` retrieves for a `data.type`: its entry in {@link EVENT_RESOURCES}, or
 * `'unsupported'` for a type this version does not know (never a key of `Object.prototype`).
 *
 * @example
 * ```ts
 * resourceKindOf('session.thread_idled'); // 'session_thread'
 * resourceKindOf('session.newer_than_this_version'); // 'unsupported'
 * ```
 */
export function resourceKindOf(type: string): Table[keyof Table] | 'unsupported' {
  return isKnownEventType(type) ? EVENT_RESOURCES[type] : 'unsupported';
}

/**
 * Fails the typecheck when the table and the event catalogue differ (a type added to the
 * catalogue without an entry here, or an entry for a type that does not exist), or an entry is
 * not a kind `ResourceTypes` knows.
 */
export type EventResourcesMatchCatalogue = Check<
  [keyof Table, WebhookEventType, Table[keyof Table]] extends [
    WebhookEventType,
    keyof Table,
    ResourceKind | 'gone' | 'unsupported',
  ]
    ? true
    : false
>;
