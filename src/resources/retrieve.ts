import type { FetchResourceOptions, ResourceClient, ResourceKind, ResourceTypes } from './client.js';
import { workspaceScope } from './workspace-scope.js';

/** The event `data` fields a retrieval reads; checked before any request. */
export type EventData = { readonly type: string; readonly id: string } & { readonly [field: string]: unknown };

/** How one kind is retrieved: the SDK method (its path on the client) and the call itself. */
export interface Retrieval<K extends ResourceKind> {
  /** Where the method sits on the client, e.g. `beta.sessions.threads.retrieve`; for messages and checks. */
  readonly method: string;
  /** Makes the request; only called once `method` was found on the client. */
  readonly call: (
    client: ResourceClient,
    data: EventData,
    options: FetchResourceOptions | undefined,
  ) => PromiseLike<ResourceTypes[K]>;
}

/**
 * How each kind is retrieved: the SDK call and which event field goes where. The SDK builds the
 * path (escaping each id) and adds its beta header.
 */
export const RETRIEVERS: { readonly [K in ResourceKind]: Retrieval<K> } = {
  agent: {
    method: 'beta.agents.retrieve',
    call: (client, data, options) => client.beta.agents.retrieve(data.id, workspaceScope(data), options),
  },
  deployment: {
    method: 'beta.deployments.retrieve',
    call: (client, data, options) => client.beta.deployments.retrieve(data.id, workspaceScope(data), options),
  },
  deployment_run: {
    method: 'beta.deploymentRuns.retrieve',
    call: (client, data, options) => client.beta.deploymentRuns.retrieve(data.id, workspaceScope(data), options),
  },
  environment: {
    method: 'beta.environments.retrieve',
    call: (client, data, options) => client.beta.environments.retrieve(data.id, workspaceScope(data), options),
  },
  external_key: {
    method: 'organization.externalKeys.retrieve',
    call: (client, data, options) => client.organization.externalKeys.retrieve(data.id, options),
  },
  external_storage: {
    method: 'beta.organization.externalStorage.retrieve',
    // Checked present before the call (absent before SDK 1.13). Its second argument is params
    // (only `betas`), not request options; the SDK adds the `efs-2026-10-01` beta header itself.
    call: (client, data, options) =>
      (client.beta.organization?.externalStorage as NonNullable<ExternalStorage>).retrieve(data.id, {}, options),
  },
  memory_store: {
    method: 'beta.memoryStores.retrieve',
    call: (client, data, options) => client.beta.memoryStores.retrieve(data.id, workspaceScope(data), options),
  },
  session: {
    method: 'beta.sessions.retrieve',
    call: (client, data, options) => client.beta.sessions.retrieve(data.id, workspaceScope(data), options),
  },
  session_thread: {
    method: 'beta.sessions.threads.retrieve',
    call: (client, data, options) =>
      client.beta.sessions.threads.retrieve(
        field(data, 'session_thread_id'),
        { ...workspaceScope(data), session_id: data.id },
        options,
      ),
  },
  user_profile: {
    method: 'userProfiles.retrieve',
    call: (client, data, options) => client.userProfiles.retrieve(data.id, workspaceScope(data), options),
  },
  vault: {
    method: 'beta.vaults.retrieve',
    call: (client, data, options) => client.beta.vaults.retrieve(data.id, workspaceScope(data), options),
  },
  vault_credential: {
    method: 'beta.vaults.credentials.retrieve',
    call: (client, data, options) =>
      client.beta.vaults.credentials.retrieve(
        data.id,
        { ...workspaceScope(data), vault_id: field(data, 'vault_id') },
        options,
      ),
  },
};

type ExternalStorage = NonNullable<ResourceClient['beta']['organization']>['externalStorage'];

/** Kinds an SDK client of `>=1.12 <2` may lack: for them a missing method means `unsupported`. */
export const NEWER_KINDS: ReadonlySet<ResourceKind> = /* @__PURE__ */ new Set<ResourceKind>(['external_storage']);

/** Whether `client` has a function at `method` (a dotted path such as `beta.agents.retrieve`). */
export function hasMethod(client: unknown, method: string): boolean {
  let value: unknown = client;
  for (const key of method.split('.')) {
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'function';
}

function field(data: EventData, name: string): string {
  const value = data[name];
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`fetchResource: a ${data.type} event needs data.${name} (a non-empty string).`);
  }
  return value;
}
