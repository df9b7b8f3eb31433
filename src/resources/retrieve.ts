import type { FetchResourceOptions, ResourceClient, ResourceKind, ResourceTypes } from './client.js';

/** The event `data` fields a retrieval reads; checked before any request. */
export type EventData = { readonly type: string; readonly id: string } & { readonly [field: string]: unknown };

type Retriever<K extends ResourceKind> = (
  client: ResourceClient,
  data: EventData,
  options: FetchResourceOptions | undefined,
) => PromiseLike<ResourceTypes[K]>;

/**
 * How each kind is retrieved: the SDK call and which event field goes where. The SDK builds the
 * path (escaping each id) and adds its beta header.
 */
export const RETRIEVERS: { readonly [K in ResourceKind]: Retriever<K> } = {
  agent: (client, data, options) => client.beta.agents.retrieve(data.id, scope(data), options),
  deployment: (client, data, options) => client.beta.deployments.retrieve(data.id, scope(data), options),
  deployment_run: (client, data, options) => client.beta.deploymentRuns.retrieve(data.id, scope(data), options),
  environment: (client, data, options) => client.beta.environments.retrieve(data.id, scope(data), options),
  external_key: (client, data, options) => client.organization.externalKeys.retrieve(data.id, options),
  memory_store: (client, data, options) => client.beta.memoryStores.retrieve(data.id, scope(data), options),
  session: (client, data, options) => client.beta.sessions.retrieve(data.id, scope(data), options),
  session_thread: (client, data, options) =>
    client.beta.sessions.threads.retrieve(
      field(data, 'session_thread_id'),
      { ...scope(data), session_id: data.id },
      options,
    ),
  user_profile: (client, data, options) => client.userProfiles.retrieve(data.id, scope(data), options),
  vault: (client, data, options) => client.beta.vaults.retrieve(data.id, scope(data), options),
  vault_credential: (client, data, options) =>
    client.beta.vaults.credentials.retrieve(data.id, { ...scope(data), vault_id: field(data, 'vault_id') }, options),
};

// The event's workspace, so a credential that can act on several Workspaces looks in the right
// one; a workspace-scoped key accepts its own. Organization-level events have none.
function scope(data: EventData): { workspace_id?: string } {
  const workspace = data['workspace_id'];
  return typeof workspace === 'string' && workspace !== '' ? { workspace_id: workspace } : {};
}

function field(data: EventData, name: string): string {
  const value = data[name];
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`fetchResource: a ${data.type} event needs data.${name} (a non-empty string).`);
  }
  return value;
}
