/**
 * The one table of every `data.type` a Managed Agents webhook can carry, and the fields its
 * `data` has besides `type`, `id` and `organization_id`. Every event type in this package's
 * types, docs and samples is derived from it.
 *
 * Source: `BetaWebhookEventData` in `@anthropic-ai/sdk` 1.16.0 (51 types), plus
 * `session.status_scheduled` (52 in all), which Anthropic's Claude API reference for Managed
 * Agents lists among the webhook event types but no SDK version declares (nor the docs' event
 * table). `npm run catalog:check` (`tools/catalog-check.ts`) and
 * `test/types-match-official-sdk.test-d.ts` keep this table in step with the installed SDK.
 *
 * `user_profile.*`, `external_key.*` and `external_storage.*` events belong to the
 * organization, so they have no `workspace_id`.
 */
export const EVENT_CATALOG = {
  'agent.archived': ['workspace_id'],
  'agent.created': ['workspace_id'],
  'agent.deleted': ['workspace_id'],
  'agent.updated': ['workspace_id'],
  'deployment.archived': ['workspace_id'],
  'deployment.created': ['workspace_id'],
  'deployment.deleted': ['workspace_id'],
  'deployment.paused': ['workspace_id'],
  'deployment.unpaused': ['workspace_id'],
  'deployment.updated': ['workspace_id'],
  'deployment_run.failed': ['workspace_id'],
  'deployment_run.started': ['workspace_id'],
  'deployment_run.succeeded': ['workspace_id'],
  'environment.archived': ['workspace_id'],
  'environment.created': ['workspace_id'],
  'environment.deleted': ['workspace_id'],
  'environment.updated': ['workspace_id'],
  'external_key.failed': [],
  'external_key.recovered': [],
  'external_storage.failed': [],
  'external_storage.recovered': [],
  'memory_store.archived': ['workspace_id'],
  'memory_store.created': ['workspace_id'],
  'memory_store.deleted': ['workspace_id'],
  'session.archived': ['workspace_id'],
  'session.budget_reached': ['workspace_id'],
  'session.created': ['workspace_id'],
  'session.deleted': ['workspace_id'],
  'session.idled': ['workspace_id'],
  'session.outcome_evaluation_ended': ['workspace_id'],
  'session.pending': ['workspace_id'],
  'session.requires_action': ['workspace_id'],
  'session.running': ['workspace_id'],
  'session.status_idled': ['workspace_id'],
  'session.status_rescheduled': ['workspace_id'],
  'session.status_run_started': ['workspace_id'],
  'session.status_scheduled': ['workspace_id'],
  'session.status_terminated': ['workspace_id'],
  'session.thread_created': ['workspace_id', 'session_thread_id'],
  'session.thread_idled': ['workspace_id', 'session_thread_id'],
  'session.thread_terminated': ['workspace_id', 'session_thread_id'],
  'session.updated': ['workspace_id'],
  'user_profile.enforcement_action_opened': ['enforcement_action_id'],
  'user_profile.enforcement_action_resolved': ['enforcement_action_id'],
  'user_profile.program_status_updated': [],
  'vault.archived': ['workspace_id'],
  'vault.created': ['workspace_id'],
  'vault.deleted': ['workspace_id'],
  'vault_credential.archived': ['workspace_id', 'vault_id'],
  'vault_credential.created': ['workspace_id', 'vault_id'],
  'vault_credential.deleted': ['workspace_id', 'vault_id'],
  'vault_credential.refresh_failed': ['workspace_id', 'vault_id'],
} as const;
